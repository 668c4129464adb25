"""What the fake knows: FakeAllegroState (in `core`), its mixins per API area, and the data builders."""
