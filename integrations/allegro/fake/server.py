"""Serve the fake over real HTTP on a loopback port in a background thread (the carriers' fakes share
the same server: integrations.carriers.fakekit)."""

from __future__ import annotations

from integrations.allegro.fake.app import create_fake_allegro
from integrations.allegro.fake.state.core import FakeAllegroState
from integrations.carriers.fakekit import LoopbackServer, serve_app

# A running fake Allegro: `.url` (no trailing slash), `.state`, `.app`; stop() it or use `with`.
FakeServer = LoopbackServer


def serve_fake(
    state: FakeAllegroState | None = None, *, host: str = "127.0.0.1", port: int = 0, validate: bool = True
) -> FakeServer:
    """Start a fake Allegro on host:port (0 = any free port) and return the running server."""
    state = state if state is not None else FakeAllegroState()
    app = create_fake_allegro(state, validate=validate)
    return serve_app(app, state, name="fake-allegro", host=host, port=port)
