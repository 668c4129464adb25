"""Fault injection and a request log for the carrier fakes, keyed by a route name.

A fake names each request: REST fakes by "METHOD /template" ("POST /v1/organizations/{id}/shipments"),
SOAP fakes by "SOAP operationName". Tests queue what happens to the next requests of a route: an
answer instead of the real one, the real effect and then a 5xx (the outcome-unknown case), a dropped
connection before or after the effect, or a delay (timeouts). Every request is logged with its route,
body and status, so a test can see exactly what the adapter sent and how often.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, g, request


@dataclass(slots=True)
class _Fault:
    kind: str  # "fail", "fail_after", "drop_before", "drop_after"
    remaining: int
    status: int = 0
    body: bytes = b""
    content_type: str = "application/json"


@dataclass(slots=True)
class _Delay:
    seconds: float
    remaining: int


@dataclass(frozen=True, slots=True)
class RecordedCall:
    """One request as the fake saw it: route name, path, query, headers, raw body, status
    (0 when the connection was dropped before handling) and whether the connection was dropped."""

    route: str
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    status: int
    dropped: bool = False


@dataclass
class FakeHarness:
    """Faults and the request log of one fake; `install()` hooks it into the fake's Flask app."""

    route_of: Callable[[], str] = field(default=lambda: f"{request.method} {request.path}")
    calls: list[RecordedCall] = field(default_factory=list)
    _outcomes: dict[str, list[_Fault]] = field(default_factory=dict)
    _delays: dict[str, list[_Delay]] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # -- arranging faults ------------------------------------------------------------------------
    def fail_next(
        self,
        route: str,
        status: int,
        *,
        times: int = 1,
        body: bytes | str = b"",
        content_type: str = "application/json",
    ) -> None:
        """Answer the next `times` requests of `route` with `status` (and `body`) without applying them."""
        raw = body.encode() if isinstance(body, str) else body
        self._queue(route, _Fault("fail", times, status, raw, content_type))

    def fail_after_commit(self, route: str, status: int = 500, *, times: int = 1) -> None:
        """Apply the next requests, then answer `status` anyway (a 5xx after the carrier committed)."""
        self._queue(route, _Fault("fail_after", times, status))

    def drop_before(self, route: str, *, times: int = 1) -> None:
        """Close the connection of the next requests before anything is applied."""
        self._queue(route, _Fault("drop_before", times))

    def drop_after_commit(self, route: str, *, times: int = 1) -> None:
        """Apply the next requests, then close the connection without answering."""
        self._queue(route, _Fault("drop_after", times))

    def delay(self, route: str, seconds: float, *, times: int = 1) -> None:
        """Sleep `seconds` before handling the next `times` requests of `route` (the effect still applies)."""
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._delays.setdefault(route, []).append(_Delay(seconds, times))

    def clear_faults(self) -> None:
        """Forget every queued fault and delay."""
        with self._lock:
            self._outcomes.clear()
            self._delays.clear()

    # -- reading the log -------------------------------------------------------------------------
    def calls_to(self, route: str) -> list[RecordedCall]:
        """The logged requests of one route, oldest first."""
        with self._lock:
            return [call for call in self.calls if call.route == route]

    def count(self, route: str | None = None) -> int:
        """How many requests arrived (of one route, or all)."""
        with self._lock:
            return len(self.calls) if route is None else sum(1 for call in self.calls if call.route == route)

    # -- the hooks -------------------------------------------------------------------------------
    def install(self, app: Flask) -> None:
        """Register the before/after hooks that apply faults and log every request."""
        app.before_request(self._before)
        app.after_request(self._after)

    def _queue(self, route: str, fault: _Fault) -> None:
        if fault.remaining < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._outcomes.setdefault(route, []).append(fault)

    @staticmethod
    def _take(queue: dict[str, list[Any]], route: str) -> Any:
        items = queue.get(route)
        if not items:
            return None
        item = items[0]
        item.remaining -= 1
        if item.remaining <= 0:
            items.pop(0)
        return item

    def _before(self) -> Response | None:
        route = self.route_of()
        g.fake_route = route
        with self._lock:
            delay = self._take(self._delays, route)
            fault = self._take(self._outcomes, route)
        if delay is not None:
            time.sleep(delay.seconds)
        g.fake_fault = fault
        if fault is None or fault.kind in ("fail_after", "drop_after"):
            return None
        if fault.kind == "drop_before":
            self._log(route, 0, dropped=True)
            _drop_connection()
            return Response(b"", status=500)
        return Response(fault.body, status=fault.status, content_type=fault.content_type)

    def _after(self, response: Response) -> Response:
        route = getattr(g, "fake_route", None)
        if route is None:
            return response
        fault = getattr(g, "fake_fault", None)
        if fault is not None and fault.kind == "drop_before":
            return response
        if fault is not None and fault.kind == "drop_after":
            self._log(route, response.status_code, dropped=True)
            _drop_connection()
            return response
        if fault is not None and fault.kind == "fail_after":
            response = Response(b'{"error":"internal"}', status=fault.status, content_type="application/json")
        self._log(route, response.status_code)
        return response

    def _log(self, route: str, status: int, *, dropped: bool = False) -> None:
        entry = RecordedCall(
            route=route,
            method=request.method,
            path=request.path,
            query=dict(request.args),
            headers=dict(request.headers),
            body=request.get_data(cache=True),
            status=status,
            dropped=dropped,
        )
        with self._lock:
            self.calls.append(entry)


def _drop_connection() -> None:
    """Close the client's TCP connection so it gets no answer (werkzeug then sees a broken pipe)."""
    sock = request.environ.get("werkzeug.socket")
    if sock is None:
        raise ConnectionAbortedError("connection dropped by fault injection")
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
