"""Time doubles for the Allegro integration tests (a module, so tests can import the types)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable


class Clock:
    """A clock shared by the fake and our token manager; tests move it forward by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


class RecordingSleep:
    """Stands in for time.sleep: remembers each pause and moves the shared clock by it."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        self.clock.advance(seconds)


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll `condition` (the fake logs a request only after it has finished with the socket)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True
