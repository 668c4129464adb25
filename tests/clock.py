"""A clock tests move by hand (schedules, the request budget)."""

from __future__ import annotations

import datetime as dt

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


class FakeClock:
    """`now()` stays put until `advance()`; `sleep()` advances it and remembers how long."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.current = start
        self.slept: list[float] = []

    def now(self) -> dt.datetime:
        return self.current

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> dt.datetime:
        self.current += dt.timedelta(seconds=seconds)
        return self.current

    def monotonic(self) -> float:
        """Seconds since the start, for code that counts in floats."""
        return (self.current - START).total_seconds()
