"""Serve the fake over real HTTP on a loopback port in a background thread."""
from __future__ import annotations

import threading
from types import TracebackType

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from integrations.allegro.fake.app import create_fake_allegro
from integrations.allegro.fake.state.core import FakeAllegroState

# how often the serving loop looks for a stop request; small so tests that start a server each stop fast
_POLL_INTERVAL = 0.05


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without the access log (tests start hundreds of servers)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skip the per-request log line."""


class FakeServer:
    """A running fake Allegro: `.url` (no trailing slash), `.state`, `.app`; stop() it or use `with`."""

    def __init__(self, server: BaseWSGIServer, app: Flask, state: FakeAllegroState) -> None:
        self.app = app
        self.state = state
        self._server = server
        host, port = server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": _POLL_INTERVAL},
            name=f"fake-allegro-{port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve_fake(
    state: FakeAllegroState | None = None, *, host: str = "127.0.0.1", port: int = 0, validate: bool = True
) -> FakeServer:
    """Start a fake Allegro on host:port (0 = any free port) and return the running server."""
    state = state if state is not None else FakeAllegroState()
    app = create_fake_allegro(state, validate=validate)
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
    return FakeServer(server, app, state)
