"""The Allegro request budget: a token bucket every request takes a turn from.

Allegro allows 9000 requests a minute per application (all accounts, all processes together) and
blocks the application for a minute beyond that. The desk keeps to `share` of it in every 60-second
window, not just on average: the bucket holds at most `burst_seconds` worth of requests and refills
at `per_minute * share / (60 + burst_seconds)` a second, so a full bucket plus a minute of refill is
still the share (7200 at the defaults; 6968 a minute when busy all the time). A 429 pauses the
bucket: nobody sends until the pause is over, then it refills from empty.

`LocalBucket` serves one process (DESK_QUEUE=embedded); budget_redis.RedisBucket is the same
bucket shared by every worker through Redis. desk.wiring picks one and hands it to the Allegro
client as its request gate.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from desk.config import Config
from desk.services.ports import Clock

# A token refilled "almost" in full counts: clocks tick in microseconds, so waiting the exact
# remainder can leave a rounding crumb short of one token and the caller would wait forever.
EPSILON = 1e-6


@dataclass(frozen=True)
class Budget:
    """The share of Allegro's request limit this desk may use (wiring builds it from the config)."""

    per_minute: int = Config.ALLEGRO_BUDGET_PER_MINUTE
    share: float = Config.ALLEGRO_BUDGET_SHARE
    burst_seconds: float = Config.ALLEGRO_BUDGET_BURST_SECONDS
    default_pause_seconds: float = Config.ALLEGRO_RATE_LIMIT_PAUSE_SECONDS  # a 429 without Retry-After

    def __post_init__(self) -> None:
        if self.per_minute <= 0 or not 0 < self.share <= 1 or self.burst_seconds < 0:
            raise ValueError("need ALLEGRO_BUDGET_PER_MINUTE > 0, 0 < ALLEGRO_BUDGET_SHARE <= 1, burst >= 0")

    @property
    def rate(self) -> float:
        """Requests per second the bucket refills (a full burst plus 60 s of it is the share)."""
        return self.per_minute * self.share / (60 + self.burst_seconds)

    @property
    def window_limit(self) -> float:
        """The most requests any 60-second window can hold."""
        return self.per_minute * self.share

    @property
    def capacity(self) -> float:
        """Requests that may go at once after a quiet spell (at least one)."""
        return max(1.0, self.rate * self.burst_seconds)

    def pause_for(self, seconds: float | None) -> float:
        """How long a 429 pauses everybody: Allegro's Retry-After, else the configured default."""
        return self.default_pause_seconds if seconds is None else max(0.0, seconds)


@dataclass
class BucketState:
    """Tokens left, when they were counted, and until when everybody waits (clock seconds)."""

    tokens: float
    stamp: float
    paused_until: float = 0.0


def take(state: BucketState, now: float, budget: Budget) -> float:
    """Take one token if there is one: 0.0; else the seconds to wait before asking again.

    Time only moves forward for the bucket, so a caller whose clock is behind refills nothing.
    (RedisBucket's script does exactly this inside Redis.)
    """
    if now < state.paused_until:
        return state.paused_until - now
    if now > state.stamp:
        state.tokens = min(budget.capacity, state.tokens + (now - state.stamp) * budget.rate)
        state.stamp = now
    if state.tokens >= 1 - EPSILON:
        state.tokens = max(0.0, state.tokens - 1)
        return 0.0
    return (1 - state.tokens) / budget.rate


def pause(state: BucketState, now: float, seconds: float) -> None:
    """Nobody takes a token for `seconds`; afterwards the bucket refills from empty."""
    until = now + seconds
    if until > state.paused_until:
        state.paused_until = until
        state.tokens = 0.0
        state.stamp = until


class LocalBucket:
    """The request budget of one process (its threads share it)."""

    def __init__(self, budget: Budget, clock: Clock) -> None:
        self.budget = budget
        self._clock = clock
        self._lock = threading.Lock()
        self._state = BucketState(tokens=budget.capacity, stamp=self._now())

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def try_acquire(self) -> float:
        """Take a turn if one is free (0.0), else say how many seconds to wait."""
        with self._lock:
            return take(self._state, self._now(), self.budget)

    def acquire(self) -> None:
        """Block until one more request may be sent."""
        while (wait := self.try_acquire()) > 0:
            self._clock.sleep(wait)

    def pause(self, seconds: float | None) -> None:
        """Allegro answered 429: this process sends nothing for a while."""
        with self._lock:
            pause(self._state, self._now(), self.budget.pause_for(seconds))
