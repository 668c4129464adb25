"""The living demo shop: DemoGenerator and the demo app (in `generator`), with its issues and ratings."""
