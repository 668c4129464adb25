"""The in-process request budget on a hand-moved clock: burst, steady rate, 429 pauses."""

from __future__ import annotations

import datetime as dt

import pytest

from desk.services.sync.budget import Budget, LocalBucket
from tests.clock import FakeClock

# 10 requests a second, at most one second's worth at once: 610 in any 60 seconds
SMALL = Budget(per_minute=610, share=1.0, burst_seconds=1, default_pause_seconds=60)


def granted_within(bucket: LocalBucket, clock: FakeClock, seconds: float) -> int:
    """How many turns `bucket` grants while its clock moves `seconds` (acquire sleeps on the clock)."""
    end = clock.now() + dt.timedelta(seconds=seconds)
    granted = 0
    while True:
        bucket.acquire()
        if clock.now() > end:
            return granted
        granted += 1


def test_a_full_bucket_grants_its_burst_at_once_then_the_rate():
    clock = FakeClock()
    bucket = LocalBucket(SMALL, clock)
    for _ in range(10):
        bucket.acquire()
    assert clock.slept == []
    bucket.acquire()
    assert clock.slept == [pytest.approx(0.1)]


def test_no_minute_gets_more_than_the_share():
    clock = FakeClock()
    bucket = LocalBucket(SMALL, clock)
    assert SMALL.rate == pytest.approx(10) and SMALL.capacity == pytest.approx(10)
    assert granted_within(bucket, clock, 60) <= 610


def test_the_default_budget_keeps_every_minute_within_the_share_of_allegros_limit():
    budget = Budget()
    assert budget.capacity + budget.rate * 60 == pytest.approx(9000 * 0.8)
    assert budget.window_limit == pytest.approx(7200)


def test_a_429_pauses_everybody_for_retry_after_then_refills_from_empty():
    clock = FakeClock()
    bucket = LocalBucket(SMALL, clock)
    bucket.pause(7)
    bucket.acquire()
    assert sum(clock.slept) == pytest.approx(7.1)  # the pause, then one token's refill


def test_a_429_without_retry_after_pauses_for_the_default():
    clock = FakeClock()
    bucket = LocalBucket(SMALL, clock)
    bucket.pause(None)
    assert bucket.try_acquire() == pytest.approx(60)


def test_a_shorter_pause_never_shortens_a_longer_one():
    clock = FakeClock()
    bucket = LocalBucket(SMALL, clock)
    bucket.pause(30)
    bucket.pause(5)
    assert bucket.try_acquire() == pytest.approx(30)


def test_a_clock_that_goes_back_refills_nothing():
    clock = FakeClock()
    bucket = LocalBucket(SMALL, clock)
    for _ in range(10):
        bucket.acquire()
    clock.advance(-5)
    assert bucket.try_acquire() > 0


@pytest.mark.parametrize(
    "kwargs", [{"per_minute": 0}, {"share": 0}, {"share": 1.5}, {"burst_seconds": -1}]
)
def test_a_budget_that_cannot_work_is_refused(kwargs):
    with pytest.raises(ValueError):
        Budget(**kwargs)
