"""Adaptive polling: how soon an account is synced again, from what its last sync found.

An account whose sync found something new (order events, changed discussions or claims, ratings)
is synced again after `fast_seconds`. Each sync in a row that finds nothing stretches the interval
by `backoff_factor`, up to `idle_max_seconds`. A little jitter keeps accounts that were connected
together from being synced together forever.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from desk.config import Config


@dataclass(frozen=True)
class Plan:
    """When to sync next, and the idle streak to remember."""

    interval_seconds: int
    idle_streak: int


@dataclass(frozen=True)
class PollingPolicy:
    """The intervals of adaptive polling (wiring builds it from the config; defaults are Config's)."""

    fast_seconds: int = Config.SYNC_FAST_SECONDS
    idle_max_seconds: int = Config.SYNC_IDLE_MAX_SECONDS
    backoff_factor: float = Config.SYNC_BACKOFF_FACTOR
    jitter: float = 0.1  # the interval varies by up to this share either way

    def __post_init__(self) -> None:
        if not 0 < self.fast_seconds <= self.idle_max_seconds:
            raise ValueError("need 0 < SYNC_FAST_SECONDS <= SYNC_IDLE_MAX_SECONDS")
        if self.backoff_factor < 1 or not 0 <= self.jitter < 1:
            raise ValueError("need SYNC_BACKOFF_FACTOR >= 1 and 0 <= jitter < 1")

    def after_sync(self, idle_streak: int, *, had_news: bool, rng: random.Random | None = None) -> Plan:
        """The plan after a sync: fast at once when it found news, else one step slower."""
        streak = 0 if had_news else idle_streak + 1
        return Plan(self.interval(streak, rng), streak)

    def interval(self, idle_streak: int, rng: random.Random | None = None) -> int:
        """Seconds between syncs after `idle_streak` syncs without news, jittered, within the bounds."""
        # the exponent is capped so a very long streak cannot overflow a float
        base = self.fast_seconds * self.backoff_factor ** min(idle_streak, 64)
        spread = (rng or random).uniform(-self.jitter, self.jitter)
        return round(max(self.fast_seconds, min(self.idle_max_seconds, base * (1 + spread))))

    def busy_retry_seconds(self) -> int:
        """How soon to look again at an account whose lease somebody else holds."""
        return self.fast_seconds
