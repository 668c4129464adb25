"""The request gate: a turn before every request sent, and a 429 pauses it instead of a local sleep."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from integrations.allegro import AllegroClient, MemoryTokenStore, OAuthClient, RateLimited, TokenManager
from integrations.allegro.fake import FakeAllegroState
from integrations.allegro.fake.state.auth import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

from .allegro_doubles import RecordingSleep


class RecordingGate:
    """A gate that always lets requests go and remembers what it was asked."""

    def __init__(self) -> None:
        self.turns = 0
        self.pauses: list[float | None] = []

    def acquire(self) -> None:
        self.turns += 1

    def pause(self, seconds: float | None) -> None:
        self.pauses.append(seconds)


@pytest.fixture
def gate() -> RecordingGate:
    return RecordingGate()


@pytest.fixture
def gated(fake_allegro, tokens: TokenManager, sleep: RecordingSleep, gate) -> Iterator[AllegroClient]:
    with AllegroClient(fake_allegro.url, tokens, sleep=sleep, gate=gate) as api:
        yield api


def test_every_request_sent_takes_a_turn(gated: AllegroClient, gate: RecordingGate) -> None:
    gated.me()
    gated.list_order_events()
    assert gate.turns == gated.request_count == 2


def test_a_429_pauses_the_gate_with_retry_after_and_the_retry_waits_there(
    gated: AllegroClient, state: FakeAllegroState, gate: RecordingGate, sleep: RecordingSleep
) -> None:
    state.fail_next("GET /order/events", 429, retry_after=7)
    gated.list_order_events()
    assert gate.pauses == [7.0]
    assert sleep.delays == []  # the gate's next turn does the waiting, for every worker at once
    assert gate.turns == state.request_count("GET /order/events") == 2


def test_a_429_without_retry_after_lets_the_gate_choose(
    gated: AllegroClient, state: FakeAllegroState, gate: RecordingGate
) -> None:
    state.fail_next("GET /me", 429)
    gated.me()
    assert gate.pauses == [None]


def test_a_write_is_not_retried_but_still_pauses_everybody(
    gated: AllegroClient, state: FakeAllegroState, gate: RecordingGate, seller_id: str
) -> None:
    form_id = state.add_checkout_form(seller_id)["id"]
    state.fail_next("PUT /order/checkout-forms/{id}/fulfillment", 429, retry_after=3)
    with pytest.raises(RateLimited):
        gated.set_fulfillment_status(form_id, "PROCESSING", retry=False)
    assert gate.pauses == [3.0]
    assert gate.turns == 1


def test_token_calls_take_turns_from_the_same_budget(
    fake_allegro, store: MemoryTokenStore, clock, gate: RecordingGate
) -> None:
    pair = store.load()
    assert pair is not None
    oauth = OAuthClient(fake_allegro.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, clock=clock, gate=gate)
    refreshed = oauth.refresh(pair.refresh_token)
    assert refreshed.access_token != pair.access_token
    assert gate.turns == fake_allegro.state.request_count("POST /auth/oauth/token") == 1
