"""Caches live in each app, expire, and never keep a failed load."""

from __future__ import annotations

import pytest

from desk import create_app
from desk.config import TestConfig
from desk.services.orders.cache import TtlCache
from desk.wiring import CACHES


def test_an_entry_is_fresh_until_its_ttl_then_reloaded():
    clock = [100.0]
    cache = TtlCache(10, clock=lambda: clock[0])
    loads = []
    assert cache.get_or_load("k", lambda: loads.append(1) or "a") == "a"
    clock[0] = 109.9
    assert cache.get_or_load("k", lambda: "b") == "a"
    clock[0] = 110.0
    assert cache.get_or_load("k", lambda: "b") == "b"
    assert loads == [1]


def test_a_failed_load_stores_nothing():
    cache = TtlCache(10)

    def broken():
        raise OSError("unreachable")

    with pytest.raises(OSError):
        cache.get_or_load("k", broken)
    assert cache.get_or_load("k", lambda: "ok") == "ok"


def test_two_apps_in_one_process_never_share_a_cache():
    overrides = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    first, second = create_app(overrides), create_app(overrides | {"CARRIERS_CACHE_SECONDS": 5})
    first.extensions[CACHES].carriers.get_or_load(1, lambda: ["InPost"])
    assert second.extensions[CACHES].carriers.get_or_load(1, lambda: []) == []
    assert (first.extensions[CACHES].carriers.ttl, second.extensions[CACHES].carriers.ttl) == (3600, 5)
