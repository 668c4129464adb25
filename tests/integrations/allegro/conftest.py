"""The real Allegro client against the fake Allegro over HTTP on 127.0.0.1, on a controllable clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from integrations.allegro import AllegroClient, MemoryTokenStore, OAuthClient, TokenManager, TokenPair
from integrations.allegro.fake import FakeAllegroState, serve_fake
from integrations.allegro.fake.state.auth import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

from .allegro_doubles import Clock, RecordingSleep


@pytest.fixture
def clock() -> Clock:
    """The time both the fake and the client believe in."""
    return Clock()


@pytest.fixture
def fake_allegro(clock: Clock) -> Iterator:
    """The fake Allegro on 127.0.0.1 driven by `clock` (overrides the suite-wide fixture)."""
    server = serve_fake(FakeAllegroState(clock=clock))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _requests_follow_the_spec(fake_allegro) -> Iterator[None]:
    """Every request the client sent in a test must have passed the fake's spec validation."""
    yield
    assert fake_allegro.state.violations == []


@pytest.fixture
def state(fake_allegro) -> FakeAllegroState:
    """The fake's test handle."""
    return fake_allegro.state


@pytest.fixture
def seller_id(state: FakeAllegroState) -> str:
    """A connected seller."""
    return state.add_seller("sklep_testowy")


@pytest.fixture
def store(state: FakeAllegroState, seller_id: str, clock: Clock) -> MemoryTokenStore:
    """A token store holding a fresh pair the fake issued for the seller."""
    return MemoryTokenStore(TokenPair.from_response(state.issue_token(seller_id), clock()))


@pytest.fixture
def oauth(fake_allegro, clock: Clock) -> Iterator[OAuthClient]:
    """The OAuth client pointed at the fake (it serves the OAuth endpoints on the same host)."""
    client = OAuthClient(fake_allegro.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, clock=clock)
    yield client
    client.close()


@pytest.fixture
def sleep(clock: Clock) -> RecordingSleep:
    """The pauses the client asked for."""
    return RecordingSleep(clock)


@pytest.fixture
def tokens(store: MemoryTokenStore, oauth: OAuthClient, clock: Clock) -> TokenManager:
    return TokenManager(store, oauth, clock=clock)


@pytest.fixture
def client(fake_allegro, tokens: TokenManager, sleep: RecordingSleep) -> Iterator[AllegroClient]:
    """The real client, with recorded sleeps instead of real ones."""
    with AllegroClient(fake_allegro.url, tokens, sleep=sleep) as api:
        yield api
