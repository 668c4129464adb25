"""TokenPair arithmetic, MemoryTokenStore and TokenManager decisions that need no server."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from integrations.allegro import AllegroResponseError, AuthExpired, MemoryTokenStore, TokenManager, TokenPair

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


def pair(access: str = "A1", *, expires_in: float = 3600, refresh: str | None = "R1") -> TokenPair:
    return TokenPair(access, refresh, NOW + dt.timedelta(seconds=expires_in), NOW + dt.timedelta(days=90))


def test_from_response_uses_expires_in_and_default_refresh_lifetime() -> None:
    body = {
        "access_token": "eyJ.a",
        "token_type": "bearer",
        "refresh_token": "eyJ.r",
        "expires_in": 43199,
        "scope": "allegro:api:orders:read allegro:api:profile:read",
        "allegro_api": True,
        "jti": "0a1b",
    }
    got = TokenPair.from_response(body, NOW)
    assert got == TokenPair(
        access_token="eyJ.a",
        refresh_token="eyJ.r",
        access_expires_at=NOW + dt.timedelta(seconds=43199),
        refresh_expires_at=NOW + dt.timedelta(days=90),
        scope="allegro:api:orders:read allegro:api:profile:read",
    )


def test_from_response_honours_an_explicit_refresh_lifetime() -> None:
    body = {"access_token": "a", "refresh_token": "r", "expires_in": 60, "refresh_expires_in": 120}
    assert TokenPair.from_response(body, NOW).refresh_expires_at == NOW + dt.timedelta(seconds=120)


def test_from_response_without_refresh_token() -> None:
    got = TokenPair.from_response({"access_token": "a", "expires_in": 60}, NOW)
    assert got.refresh_token is None and got.refresh_expires_at is None and got.refresh_expired(NOW)


def test_from_response_requires_access_token_and_lifetime() -> None:
    with pytest.raises(AllegroResponseError):
        TokenPair.from_response({"access_token": "a"}, NOW)


def test_expired_applies_the_skew() -> None:
    token = pair(expires_in=120)
    assert not token.expired(NOW)
    assert not token.expired(NOW + dt.timedelta(seconds=59))
    assert token.expired(NOW + dt.timedelta(seconds=60))
    assert token.expired(NOW, skew=dt.timedelta(seconds=120))
    assert not token.expired(NOW, skew=dt.timedelta(0))


def test_manager_returns_a_fresh_token_without_oauth() -> None:
    manager = TokenManager(MemoryTokenStore(pair("A1")), None, clock=lambda: NOW)
    assert manager.access_token() == "A1"


def test_manager_without_any_pair_raises_auth_expired() -> None:
    with pytest.raises(AuthExpired):
        TokenManager(MemoryTokenStore(), None, clock=lambda: NOW).access_token()


def test_manager_cannot_refresh_without_oauth() -> None:
    manager = TokenManager(MemoryTokenStore(pair(expires_in=10)), None, clock=lambda: NOW)
    with pytest.raises(AuthExpired):
        manager.access_token()


def test_manager_adopts_a_token_rotated_by_someone_else() -> None:
    store = MemoryTokenStore(pair("NEW"))
    manager = TokenManager(store, None, clock=lambda: NOW)
    assert manager.refresh_after_unauthorized("OLD") == "NEW"
    assert store.saves == []


def test_manager_with_dead_refresh_token_does_not_call_oauth() -> None:
    dead = TokenPair("A", "R", NOW - dt.timedelta(hours=1), NOW - dt.timedelta(seconds=1))
    manager = TokenManager(MemoryTokenStore(dead), None, clock=lambda: NOW)
    with pytest.raises(AuthExpired):
        manager.refresh_after_unauthorized("A")


def test_memory_store_lock_excludes_other_threads() -> None:
    store = MemoryTokenStore()
    inside = threading.Event()
    release = threading.Event()
    order: list[str] = []

    def holder() -> None:
        with store.locked():
            inside.set()
            release.wait(5)
            order.append("holder")

    def waiter_body() -> None:
        with store.locked():
            order.append("waiter")

    thread = threading.Thread(target=holder)
    thread.start()
    inside.wait(5)
    waiter = threading.Thread(target=waiter_body)
    waiter.start()
    waiter.join(0.2)
    assert order == []  # the waiter is blocked while the holder keeps the lock
    release.set()
    thread.join(5)
    waiter.join(5)
    assert order == ["holder", "waiter"]


def test_naive_expiry_times_are_taken_as_utc() -> None:
    naive = TokenPair("A", "R", dt.datetime(2026, 11, 20, 11, 0), dt.datetime(2027, 2, 18, 10, 0))
    assert naive.access_expires_at == dt.datetime(2026, 11, 20, 11, 0, tzinfo=dt.UTC)
    assert naive.refresh_expires_at is not None and naive.refresh_expires_at.tzinfo is dt.UTC
    assert not naive.expired(NOW)
