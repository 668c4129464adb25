"""Short-lived answers kept per app (never per process): each app builds its own caches in
`desk.wiring`, so two apps in one process (tests, a worker beside a web app) never share them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")


class TtlCache(Generic[V]):
    """A thread-safe map whose entries expire `ttl` seconds after they were stored."""

    def __init__(self, ttl: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._entries: dict[Hashable, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get_or_load(self, key: Hashable, load: Callable[[], V]) -> V:
        """The stored value while it is fresh, else `load()` stored; a `load` that raises stores nothing."""
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = load()
        with self._lock:
            self._entries[key] = (now + self.ttl, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


@dataclass(frozen=True)
class Caches:
    """The caches of one app."""

    delivery_methods: TtlCache[list[str]]  # names in the orders filter: a DISTINCT over every order
    carriers: TtlCache[list]  # per seller account: Allegro's carriers for tracking numbers
