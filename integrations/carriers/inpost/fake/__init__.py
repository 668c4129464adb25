"""The fake inpost server a test starts on 127.0.0.1 (Flask): ShipX's dialect, asynchrony and errors."""

from __future__ import annotations

from integrations.carriers.fakekit import LoopbackServer, serve_app
from integrations.carriers.inpost.fake.app import create_app
from integrations.carriers.inpost.fake.demo import seed_demo
from integrations.carriers.inpost.fake.state import DEFAULT_ORG, DEFAULT_TOKEN, FakeInPostState


def serve_inpost(
    state: FakeInPostState | None = None, *, host: str = "127.0.0.1", port: int = 0
) -> LoopbackServer:
    """Start a fake ShipX (a fresh state when None) and return the running server (.url, .state)."""
    state = state if state is not None else FakeInPostState()
    return serve_app(create_app(state), state, name="fake-inpost", host=host, port=port)


def serve_demo(*, auto_advance: float = 60.0, host: str = "127.0.0.1", port: int = 0) -> LoopbackServer:
    """A fake with demo points whose shipments confirm after a few seconds and then move one
    tracking status per `auto_advance` seconds of wall-clock time."""
    state = FakeInPostState(gets_per_step=None, seconds_per_step=3.0, auto_advance=auto_advance)
    seed_demo(state)
    return serve_inpost(state, host=host, port=port)


__all__ = ["DEFAULT_ORG", "DEFAULT_TOKEN", "FakeInPostState", "seed_demo", "serve_demo", "serve_inpost"]
