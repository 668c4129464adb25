"""What the fake received: a thread-safe log tests read to see exactly what the desk sent."""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the fake saw it.

    `route` is "METHOD /template" as in the spec paths (None for unknown paths); `body` is the parsed
    JSON when the body was JSON, otherwise the raw bytes (None when empty); `status` is the status
    the fake produced (0 when the connection was dropped before handling), `dropped` tells
    that the connection was closed instead of sending the answer, and `at` is the fake's time then.
    """

    method: str
    route: str | None
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    status: int
    dropped: bool = False
    at: dt.datetime | None = None


class RequestLogMixin:
    """The request log part of FakeAllegroState."""

    _lock: threading.RLock
    requests: list[RecordedRequest]

    def _init_request_log(self) -> None:
        self.requests = []

    def record_request(self, entry: RecordedRequest) -> None:
        """Append one entry (called by the app after each request)."""
        with self._lock:
            self.requests.append(entry)

    def request_count(self, route: str | None = None) -> int:
        """How many requests arrived, all of them or those of one "METHOD /template" route."""
        with self._lock:
            if route is None:
                return len(self.requests)
            return sum(1 for entry in self.requests if entry.route == route)

    def requests_for(self, route: str) -> list[RecordedRequest]:
        """The logged requests of one route, oldest first."""
        with self._lock:
            return [entry for entry in self.requests if entry.route == route]
