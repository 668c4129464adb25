"""A clock shared by the benchmark's processes that runs `speed` times faster once the bench starts it.

Before the start it runs at the same speed from ten simulated hours before `t0` (never reaching
it); the bench starts it by writing the wall time of the start under `key` in Redis, and from then
on every process reads `t0 + (wall time since the start) * speed`. No process talks to another to
agree on the time, and it never goes back.
"""

from __future__ import annotations

import datetime as dt
import time

import redis

T0 = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)  # a Monday morning
KEY = "bench:clock-start"


class BenchClock:
    """desk.services.ports.Clock for benchmarks (and the fake Allegro's `clock` callable)."""

    def __init__(self, redis_url: str, speed: float, *, t0: dt.datetime = T0, key: str = KEY) -> None:
        self.speed = speed
        self.t0 = t0
        self._redis = redis.Redis.from_url(redis_url)
        self._key = key
        self._boot = time.time()
        self._start: float | None = None

    def started(self) -> bool:
        if self._start is None:
            value = self._redis.get(self._key)
            self._start = float(value) if value is not None else None
        return self._start is not None

    def now(self) -> dt.datetime:
        if not self.started():
            before = dt.timedelta(hours=10) - dt.timedelta(seconds=(time.time() - self._boot) * self.speed)
            return self.t0 - max(before, dt.timedelta(seconds=1))
        return self.t0 + dt.timedelta(seconds=(time.time() - self._start) * self.speed)

    def __call__(self) -> dt.datetime:
        return self.now()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds / self.speed)

    def sim_seconds(self) -> float:
        """Simulated seconds since t0 (negative before the start)."""
        return (self.now() - self.t0).total_seconds()


def start(redis_url: str, key: str = KEY) -> float:
    """Start every BenchClock reading `key`; returns the wall time of the start."""
    now = time.time()
    redis.Redis.from_url(redis_url).set(key, repr(now))
    return now
