"""Fault injection: fail, delay or drop the next requests of a route, as flaky networks and Allegro do."""
from __future__ import annotations

import contextlib
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_ROUTE = re.compile(r"^(GET|POST|PUT|DELETE|PATCH) /[^\s<>]*$")


@dataclass(slots=True)
class Fault:
    """What happens instead of (or after) the normal answer; `remaining` counts requests left."""

    kind: str  # "fail", "fail_after", "drop_before", "drop_after" or "tamper"
    remaining: int
    status: int = 0
    retry_after: int | None = None
    body: dict[str, Any] | None = None
    rewrite: Callable[[Any], Any] | None = None  # "tamper": turns the answer's JSON into another


@dataclass(slots=True)
class Delay:
    """Sleep before answering the next `remaining` requests."""

    seconds: float
    remaining: int


@dataclass(slots=True)
class FaultPlan:
    """Faults queued per route; one outcome fault and one delay are consumed per request."""

    outcomes: dict[str, list[Fault]] = field(default_factory=dict)
    delays: dict[str, list[Delay]] = field(default_factory=dict)


def check_route(route: str) -> str:
    """Reject typos early: routes look like "GET /order/checkout-forms/{id}"."""
    if not _ROUTE.match(route):
        raise ValueError(f"route must look like 'PUT /order/checkout-forms/{{id}}/fulfillment': {route!r}")
    return route


def _take(queue: dict[str, list[Any]], route: str) -> Any:
    items = queue.get(route)
    if not items:
        return None
    item = items[0]
    item.remaining -= 1
    if item.remaining <= 0:
        items.pop(0)
    return item


class FaultsMixin:
    """The fault-injection part of FakeAllegroState."""

    _lock: threading.RLock
    _faults: FaultPlan

    def _init_faults(self) -> None:
        self._faults = FaultPlan()

    def _queue(self, route: str, fault: Fault) -> None:
        if fault.remaining < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._faults.outcomes.setdefault(check_route(route), []).append(fault)

    def fail_next(
        self,
        route: str,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        """Answer the next `times` requests of `route` with `status` without applying them."""
        self._queue(route, Fault("fail", times, status=status, retry_after=retry_after, body=body))

    def tamper_next(self, route: str, rewrite: Callable[[Any], Any], *, times: int = 1) -> None:
        """Pass the JSON of the next `times` answers of `route` through `rewrite` before sending
        them: how a test serves data Allegro should not send (see fake.bad_records)."""
        self._queue(route, Fault("tamper", times, rewrite=rewrite))

    def fail_after_commit(self, route: str, status: int = 500, *, times: int = 1) -> None:
        """Apply the next requests' effect, then answer `status` anyway (a 5xx after the commit)."""
        self._queue(route, Fault("fail_after", times, status=status))

    def drop_after_commit(self, route: str, *, times: int = 1) -> None:
        """Apply the next requests' effect, then close the connection without any answer."""
        self._queue(route, Fault("drop_after", times))

    def drop_before(self, route: str, *, times: int = 1) -> None:
        """Close the connection of the next requests before anything is applied."""
        self._queue(route, Fault("drop_before", times))

    def delay(self, route: str, seconds: float, *, times: int = 1) -> None:
        """Sleep `seconds` before handling the next `times` requests of `route`."""
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._faults.delays.setdefault(check_route(route), []).append(Delay(seconds, times))

    def clear_faults(self) -> None:
        """Forget every queued fault and delay."""
        with self._lock:
            self._faults = FaultPlan()

    def take_delay(self, route: str) -> float:
        """Consume the next delay of `route`: seconds to sleep (0 when none is queued)."""
        with self._lock:
            delay = _take(self._faults.delays, route)
            return delay.seconds if delay else 0.0

    def take_fault(self, route: str) -> Fault | None:
        """Consume the next outcome fault of `route`, if any."""
        with self._lock:
            return _take(self._faults.outcomes, route)


def drop_connection(environ: dict[str, Any]) -> None:
    """Close the client's TCP connection so it gets no answer at all.

    Shutting the socket down (rather than raising) lets werkzeug's attempt to write the response
    fail with a broken pipe, which it treats as a client that went away, so nothing else is sent.
    """
    sock = environ.get("werkzeug.socket")
    if sock is None:
        # not served by werkzeug (e.g. Flask's test client): there is no connection to cut
        raise ConnectionAbortedError("connection dropped by fault injection")
    with contextlib.suppress(OSError):  # the client may already be gone
        sock.shutdown(socket.SHUT_RDWR)
