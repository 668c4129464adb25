"""Serve a fake carrier's Flask app over real HTTP on a loopback port, in a background thread."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

_POLL_INTERVAL = 0.05  # how often the loop looks for a stop request; small so tests stop fast


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """No access log: tests start many servers."""


class LoopbackServer:
    """A running fake: `.url` (no trailing slash), `.app`, `.state`; stop() it or use `with`."""

    def __init__(self, server: BaseWSGIServer, app: Flask, state: Any, name: str) -> None:
        self.app = app
        self.state = state
        self._server = server
        host, port = server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": _POLL_INTERVAL},
            name=f"{name}-{port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve_app(app: Flask, state: Any, *, name: str, host: str = "127.0.0.1", port: int = 0) -> LoopbackServer:
    """Start `app` on host:port (0 = any free port) and return the running server."""
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
    return LoopbackServer(server, app, state, name)
