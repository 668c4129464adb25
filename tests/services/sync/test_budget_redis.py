"""The request budget shared through the real local Redis: one bucket for every worker, atomic turns,
a 429 seen by one worker pauses the others, and a missing Redis never stops a request."""

from __future__ import annotations

import threading

import pytest
import redis

from desk.services.sync.budget import Budget
from desk.services.sync.budget_redis import RedisBucket
from tests.clock import FakeClock

SMALL = Budget(per_minute=610, share=1.0, burst_seconds=1, default_pause_seconds=60)  # 10/s, 10 at once
KEY = "desk:allegro-budget:test"


def test_workers_share_one_bucket(redis_db):
    clock = FakeClock()
    first, second = (RedisBucket(redis_db, KEY, SMALL, clock) for _ in range(2))
    for _ in range(5):
        first.acquire()
        second.acquire()
    assert clock.slept == []  # ten turns: the burst
    assert second.try_acquire() == pytest.approx(0.1)
    clock.advance(0.1)
    assert first.try_acquire() == 0.0


def test_a_429_seen_by_one_worker_pauses_the_others(redis_db):
    clock = FakeClock()
    first, second = (RedisBucket(redis_db, KEY, SMALL, clock) for _ in range(2))
    first.pause(7)
    second.acquire()
    assert sum(clock.slept) == pytest.approx(7.1)


def test_turns_are_atomic_under_concurrent_workers(redis_db):
    slow = Budget(per_minute=51, share=1.0, burst_seconds=3000, default_pause_seconds=60)  # 50 at once
    clock = FakeClock()  # frozen: nothing refills while the threads race
    granted: list[int] = []

    def worker() -> None:
        bucket = RedisBucket(redis.Redis.from_url(_url(redis_db)), KEY, slow, clock)  # own connection
        granted.append(sum(bucket.try_acquire() == 0.0 for _ in range(40)))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(granted) == 50


def test_buckets_of_other_applications_are_separate(redis_db):
    clock = FakeClock()
    ours, theirs = RedisBucket(redis_db, KEY, SMALL, clock), RedisBucket(redis_db, KEY + "2", SMALL, clock)
    ours.pause(30)
    assert theirs.try_acquire() == 0.0


def test_an_unreachable_redis_lets_requests_go(caplog):
    nowhere = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
    bucket = RedisBucket(nowhere, KEY, SMALL, FakeClock())
    assert bucket.try_acquire() == 0.0
    bucket.pause(5)  # nothing to pause; no error either
    assert "unreachable" in caplog.text


def _url(client: redis.Redis) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/{kwargs['db']}"
