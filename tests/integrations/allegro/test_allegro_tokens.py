"""Token rotation against the fake's OAuth server: refresh once, save first, never loop."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator

import pytest

from integrations.allegro import (
    AllegroClient,
    AuthExpired,
    InvalidClient,
    MemoryTokenStore,
    OAuthClient,
    TokenManager,
    TokenPair,
    Unauthorized,
)
from integrations.allegro.fake import FakeAllegroState

from .allegro_doubles import Clock

TOKEN = "POST /auth/oauth/token"


class SaveCheckingStore(MemoryTokenStore):
    """A token store that notes, at each save, whether the fake had already seen the new token."""

    def __init__(self, pair: TokenPair, state: FakeAllegroState) -> None:
        super().__init__(pair)
        self.state = state
        self.used_before_saved: list[bool] = []

    def save(self, pair: TokenPair) -> None:
        bearer = f"Bearer {pair.access_token}"
        self.used_before_saved.append(
            any(r.headers.get("Authorization") == bearer for r in self.state.requests)
        )
        super().save(pair)


def test_expired_access_token_is_refreshed_once_and_replayed(
    client: AllegroClient, state: FakeAllegroState, store: MemoryTokenStore
) -> None:
    old = store.load()
    state.expire_access_tokens()
    assert client.me().login == "sklep_testowy"

    assert [r.route for r in state.requests] == ["GET /me", TOKEN, "GET /me"]
    assert [r.status for r in state.requests] == [401, 200, 200]
    (new,) = store.saves
    assert old is not None and new.access_token != old.access_token
    assert new.refresh_token != old.refresh_token  # rotation gives a whole new pair
    assert state.requests[2].headers["Authorization"] == f"Bearer {new.access_token}"
    assert client.request_count == 2  # API requests; the token call belongs to the OAuth client


def test_new_pair_is_saved_before_it_is_used(
    fake_allegro, state: FakeAllegroState, seller_id: str, oauth: OAuthClient, clock: Clock
) -> None:
    store = SaveCheckingStore(TokenPair.from_response(state.issue_token(seller_id), clock()), state)
    state.expire_access_tokens()
    with AllegroClient(fake_allegro.url, TokenManager(store, oauth, clock=clock)) as api:
        api.list_carriers()
    assert store.used_before_saved == [False]
    assert state.request_count("GET /order/carriers") == 2


def test_token_near_expiry_is_refreshed_before_the_call(
    fake_allegro, state: FakeAllegroState, seller_id: str, oauth: OAuthClient, clock: Clock
) -> None:
    store = MemoryTokenStore(TokenPair.from_response(state.issue_token(seller_id, access_ttl=30), clock()))
    with AllegroClient(fake_allegro.url, TokenManager(store, oauth, clock=clock)) as api:
        api.me()
    assert [r.route for r in state.requests] == [TOKEN, "GET /me"]
    assert [r.status for r in state.requests] == [200, 200]


def test_dead_refresh_token_raises_auth_expired_without_looping(
    client: AllegroClient, state: FakeAllegroState, store: MemoryTokenStore
) -> None:
    state.expire_access_tokens()
    state.revoke_refresh_tokens()
    with pytest.raises(AuthExpired) as caught:
        client.me()
    assert caught.value.error == "invalid_grant"
    assert [r.route for r in state.requests] == ["GET /me", TOKEN]
    assert store.saves == []


def test_refresh_token_past_its_lifetime_is_not_even_tried(
    fake_allegro, state: FakeAllegroState, seller_id: str, oauth: OAuthClient, clock: Clock
) -> None:
    issued = TokenPair.from_response(state.issue_token(seller_id, access_ttl=3600), clock())
    store = MemoryTokenStore(dataclasses.replace(issued, refresh_expires_at=clock() + dt.timedelta(hours=2)))
    clock.advance(2 * 3600)
    api = AllegroClient(fake_allegro.url, TokenManager(store, oauth, clock=clock))
    with api, pytest.raises(AuthExpired):
        api.me()
    assert state.requests == []


def test_second_401_after_refresh_raises_unauthorized(
    client: AllegroClient, state: FakeAllegroState, store: MemoryTokenStore
) -> None:
    state.fail_next("GET /me", 401, times=2)
    with pytest.raises(Unauthorized) as caught:
        client.me()
    assert caught.value.code == "invalid_token" and caught.value.trace_id
    assert [r.route for r in state.requests] == ["GET /me", TOKEN, "GET /me"]
    assert len(store.saves) == 1


def test_other_401_does_not_refresh(client: AllegroClient, state: FakeAllegroState) -> None:
    state.fail_next(
        "GET /me", 401, body={"error": "unauthorized", "error_description": "Full authentication"}
    )
    with pytest.raises(Unauthorized):
        client.me()
    assert state.request_count(TOKEN) == 0


def test_refresh_after_5xx_retry_is_still_only_once(
    client: AllegroClient, state: FakeAllegroState, store: MemoryTokenStore
) -> None:
    state.fail_next("GET /me", 401)
    state.fail_next("GET /me", 503)
    state.fail_next("GET /me", 401)
    with pytest.raises(Unauthorized):
        client.me()
    assert state.request_count(TOKEN) == 1 and len(store.saves) == 1


def test_another_worker_already_rotated(
    fake_allegro, state: FakeAllegroState, store: MemoryTokenStore, oauth: OAuthClient, clock: Clock
) -> None:
    stale = store.load()
    assert stale is not None
    first = TokenManager(store, oauth, clock=clock)
    second = TokenManager(store, oauth, clock=clock)
    state.expire_access_tokens()
    with AllegroClient(fake_allegro.url, first) as api:
        api.me()  # rotates
    # the second worker still holds the stale token it sent and got a 401 for
    assert second.refresh_after_unauthorized(stale.access_token) == store.saves[-1].access_token
    assert state.request_count(TOKEN) == 1


def test_concurrent_workers_refresh_once(
    fake_allegro, state: FakeAllegroState, store: MemoryTokenStore, oauth: OAuthClient, clock: Clock
) -> None:
    state.expire_access_tokens()  # the fake rejects the token our clock still believes in
    workers = 6
    start = threading.Barrier(workers)
    failures: list[BaseException] = []

    def work() -> None:
        with AllegroClient(fake_allegro.url, TokenManager(store, oauth, clock=clock)) as api:
            start.wait(5)
            try:
                api.list_carriers()
            except BaseException as exc:  # reported below, in the test thread
                failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert failures == []
    assert state.request_count(TOKEN) == 1
    assert len(store.saves) == 1


@pytest.fixture
def wrong_oauth(fake_allegro, clock: Clock) -> Iterator[OAuthClient]:
    client = OAuthClient(fake_allegro.url, "desk-demo-client", "wrong-secret", clock=clock)
    yield client
    client.close()


def test_wrong_client_secret_is_invalid_client(
    fake_allegro, state: FakeAllegroState, store: MemoryTokenStore, wrong_oauth: OAuthClient, clock: Clock
) -> None:
    state.expire_access_tokens()
    api = AllegroClient(fake_allegro.url, TokenManager(store, wrong_oauth, clock=clock))
    with api, pytest.raises(InvalidClient):
        api.me()
