"""Retries: only idempotent requests, capped jittered backoff, Retry-After honoured, POST never twice."""

from __future__ import annotations

import pytest

from integrations.allegro import (
    AllegroClient,
    AllegroOutcomeUnknown,
    NotFound,
    RateLimited,
    ServerError,
    TokenManager,
)
from integrations.allegro.fake import FakeAllegroState

from .allegro_doubles import RecordingSleep, wait_until

SHIPMENTS = "POST /order/checkout-forms/{id}/shipments"
FULFILLMENT = "PUT /order/checkout-forms/{id}/fulfillment"


def test_get_is_retried_on_503_with_growing_capped_delays(
    client: AllegroClient, state: FakeAllegroState, sleep: RecordingSleep
) -> None:
    state.fail_next("GET /order/carriers", 503, times=3)
    assert client.list_carriers()
    assert state.request_count("GET /order/carriers") == 4
    assert client.request_count == 4
    # base 0.5 s doubling per attempt, each jittered within the upper half of its ceiling
    assert len(sleep.delays) == 3
    for delay, ceiling in zip(sleep.delays, (0.5, 1.0, 2.0), strict=True):
        assert ceiling / 2 <= delay <= ceiling


def test_backoff_never_exceeds_the_cap(fake_allegro, tokens: TokenManager, state: FakeAllegroState) -> None:
    delays: list[float] = []
    with AllegroClient(
        fake_allegro.url, tokens, sleep=delays.append, max_retries=5, backoff_base=4, backoff_cap=10
    ) as api:
        state.fail_next("GET /me", 502, times=5)
        api.me()
    assert len(delays) == 5 and max(delays) <= 10
    assert delays[-1] >= 5  # the last ceilings are the cap itself


def test_gives_up_after_max_retries(
    client: AllegroClient, state: FakeAllegroState, sleep: RecordingSleep
) -> None:
    state.fail_next("GET /order/events", 503, times=10)
    with pytest.raises(ServerError) as caught:
        client.list_order_events()
    assert caught.value.status == 503 and caught.value.trace_id
    assert state.request_count("GET /order/events") == 4  # 1 + max_retries
    assert len(sleep.delays) == 3


def test_429_honours_retry_after(
    client: AllegroClient, state: FakeAllegroState, sleep: RecordingSleep
) -> None:
    state.fail_next("GET /order/carriers", 429, retry_after=7)
    assert client.list_carriers()
    assert sleep.delays == [7.0]


def test_429_retry_after_is_capped(fake_allegro, tokens: TokenManager, state: FakeAllegroState) -> None:
    delays: list[float] = []
    with AllegroClient(fake_allegro.url, tokens, sleep=delays.append, backoff_cap=30) as api:
        state.fail_next("GET /me", 429, retry_after=120)
        api.me()
    assert delays == [30.0]


def test_429_exhausted_raises_rate_limited(client: AllegroClient, state: FakeAllegroState) -> None:
    state.fail_next("GET /me", 429, times=4, retry_after=2)
    with pytest.raises(RateLimited) as caught:
        client.me()
    assert caught.value.retry_after == 2.0 and caught.value.trace_id


def test_put_is_retried_on_503(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, sleep: RecordingSleep
) -> None:
    form = state.add_checkout_form(seller_id)
    state.fail_next(FULFILLMENT, 503)
    client.set_fulfillment_status(form["id"], "PROCESSING", revision=form["revision"])
    assert state.request_count(FULFILLMENT) == 2 and len(sleep.delays) == 1
    assert state.checkout_forms[form["id"]]["fulfillment"]["status"] == "PROCESSING"


def test_post_is_not_retried_on_5xx(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, sleep: RecordingSleep
) -> None:
    form = state.add_checkout_form(seller_id)
    state.fail_next(SHIPMENTS, 503)
    with pytest.raises(ServerError):
        client.add_shipment(form["id"], carrier_id="INPOST", waybill="620000000000000000000001")
    assert state.request_count(SHIPMENTS) == 1
    assert sleep.delays == []
    assert state.shipments.get(form["id"], []) == []


def test_post_is_not_retried_on_429(client: AllegroClient, state: FakeAllegroState, seller_id: str) -> None:
    form = state.add_checkout_form(seller_id)
    state.fail_next(SHIPMENTS, 429, retry_after=1)
    with pytest.raises(RateLimited):
        client.add_shipment(form["id"], carrier_id="INPOST", waybill="620000000000000000000001")
    assert state.request_count(SHIPMENTS) == 1


def test_post_dropped_after_commit_is_outcome_unknown(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, sleep: RecordingSleep
) -> None:
    form = state.add_checkout_form(seller_id)
    state.drop_after_commit(SHIPMENTS)
    with pytest.raises(AllegroOutcomeUnknown):
        client.add_shipment(form["id"], carrier_id="INPOST", waybill="620000000000000000000001")
    assert sleep.delays == []
    assert wait_until(lambda: state.request_count(SHIPMENTS) == 1)
    assert client.request_count == 1  # it was sent, even though no answer came
    # Allegro did apply it: the desk must re-read before deciding to send again
    assert [s.waybill for s in client.list_shipments(form["id"])] == ["620000000000000000000001"]


def test_post_read_timeout_is_outcome_unknown(
    fake_allegro, tokens: TokenManager, state: FakeAllegroState, seller_id: str
) -> None:
    form = state.add_checkout_form(seller_id)
    state.delay(SHIPMENTS, 1.0)
    api = AllegroClient(fake_allegro.url, tokens, timeout=(2, 0.2), sleep=lambda s: None)
    with api, pytest.raises(AllegroOutcomeUnknown):
        api.add_shipment(form["id"], carrier_id="INPOST", waybill="620000000000000000000001")
    # the fake finishes the request after the client gave up: the effect happened regardless
    assert wait_until(lambda: state.request_count(SHIPMENTS) == 1)
    assert [s["waybill"] for s in state.shipments[form["id"]]] == ["620000000000000000000001"]


def test_get_dropped_before_is_retried(
    client: AllegroClient, state: FakeAllegroState, sleep: RecordingSleep
) -> None:
    state.drop_before("GET /order/carriers")
    assert client.list_carriers()
    assert len(sleep.delays) == 1
    assert state.request_count("GET /order/carriers") == 2


def test_get_read_timeout_is_retried(fake_allegro, tokens: TokenManager, state: FakeAllegroState) -> None:
    delays: list[float] = []
    state.delay("GET /order/carriers", 1.0)
    with AllegroClient(fake_allegro.url, tokens, timeout=(2, 0.3), sleep=delays.append) as api:
        assert api.list_carriers()
    assert len(delays) == 1


def test_conflicts_and_client_errors_are_not_retried(
    client: AllegroClient, state: FakeAllegroState, sleep: RecordingSleep
) -> None:
    state.fail_next("GET /order/carriers", 404)
    with pytest.raises(NotFound):
        client.list_carriers()
    assert sleep.delays == [] and state.request_count("GET /order/carriers") == 1
