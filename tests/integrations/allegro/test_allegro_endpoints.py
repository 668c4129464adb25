"""Every client method against the fake: what it sends and what it returns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from integrations.allegro import (
    AllegroClient,
    CheckoutForm,
    Conflict,
    NotFound,
    OrderShipment,
    Price,
    ValidationFailed,
    format_datetime,
)
from integrations.allegro.fake import FakeAllegroState

from .allegro_doubles import Clock, RecordingSleep


def test_me(client: AllegroClient, state: FakeAllegroState, seller_id: str) -> None:
    me = client.me()
    seller = state.sellers[seller_id]
    assert (me.id, me.login, me.email) == (seller_id, "sklep_testowy", seller["email"])
    assert (me.first_name, me.last_name, me.company_name) == (
        seller["firstName"],
        seller["lastName"],
        seller["company"]["name"],
    )
    assert client.request_count == 1


def test_event_stats_then_events_from_the_cursor(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    first = state.add_checkout_form(seller_id)
    stats = client.get_order_event_stats()
    assert stats.latest_event_id == state.events[-1]["id"]
    assert stats.occurred_at == clock()

    clock.advance(5)
    second = state.add_checkout_form(seller_id)
    events = client.list_order_events(from_id=stats.latest_event_id).events
    assert [e.checkout_form_id for e in events] == [second["id"]] * len(events)
    assert events and all(e.seller_id == seller_id for e in events)
    assert events[-1].occurred_at == clock()
    assert events[-1].revision == second["revision"]
    assert events[-1].buyer_login == second["buyer"]["login"]
    assert client.list_order_events(from_id=events[-1].id).size == 0
    assert first["id"] != second["id"]


def test_events_filter_by_types_with_repeated_keys(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    form = state.add_checkout_form(seller_id)
    state.emit_event(form["id"], "BUYER_CANCELLED")
    state.emit_event(form["id"], "AUTO_CANCELLED")
    events = client.list_order_events(types=["BUYER_CANCELLED", "AUTO_CANCELLED"], limit=1000).events
    assert [e.type for e in events] == ["BUYER_CANCELLED", "AUTO_CANCELLED"]
    (sent,) = state.requests_for("GET /order/events")
    assert sent.query == {"type": ["BUYER_CANCELLED", "AUTO_CANCELLED"], "limit": ["1000"]}


def test_events_limit(client: AllegroClient, state: FakeAllegroState, seller_id: str) -> None:
    for _ in range(3):
        state.add_checkout_form(seller_id)
    assert len(client.list_order_events(limit=2).events) == 2


def test_get_checkout_form_matches_the_fake(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    raw = state.add_checkout_form(seller_id)
    form = client.get_checkout_form(raw["id"])
    assert isinstance(form, CheckoutForm)
    assert (form.id, form.status, form.revision) == (raw["id"], raw["status"], raw["revision"])
    assert form.buyer.login == raw["buyer"]["login"]
    assert form.total_to_pay == Price(Decimal(raw["summary"]["totalToPay"]["amount"]), "PLN")
    assert isinstance(form.total_to_pay.amount, Decimal)
    assert [li.id for li in form.line_items] == [li["id"] for li in raw["lineItems"]]
    assert form.updated_at is not None and form.updated_at.tzinfo is dt.UTC
    assert form.bought_at is not None


def test_unknown_checkout_form_is_not_found_with_trace_id(client: AllegroClient) -> None:
    with pytest.raises(NotFound) as caught:
        client.get_checkout_form("29738e61-7f6a-11e8-ac45-09db60ede9d6")
    assert caught.value.status == 404 and caught.value.trace_id
    assert caught.value.user_message  # ErrorsHolder's localized message reached the error


def test_list_checkout_forms_filters_and_pages(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    old = state.add_checkout_form(seller_id)
    clock.advance(86400)
    since = clock()
    # distinct updatedAt values (the fake's own follow the random payment time) give a defined order
    stamps = [since + dt.timedelta(minutes=m) for m in (30, 10, 20)]
    new = [state.add_checkout_form(seller_id, updatedAt=format_datetime(t)) for t in stamps]
    new.sort(key=lambda f: f["updatedAt"])

    page = client.list_checkout_forms(updated_at_gte=since, sort="updatedAt", limit=2)
    assert (page.count, page.total_count) == (2, 3)
    rest = client.list_checkout_forms(updated_at_gte=since, sort="updatedAt", limit=2, offset=2)
    assert [f.id for f in page.forms + rest.forms] == [f["id"] for f in new]
    assert old["id"] not in {f.id for f in page.forms + rest.forms}

    sent = state.requests_for("GET /order/checkout-forms")[0]
    expected = since.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert sent.query == {"offset": ["0"], "limit": ["2"], "updatedAt.gte": [expected], "sort": ["updatedAt"]}


def test_list_checkout_forms_every_filter_is_accepted(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    raw = state.add_checkout_form(seller_id)
    page = client.list_checkout_forms(
        status=raw["status"],
        fulfillment_status=raw["fulfillment"]["status"],
        updated_at_gte=clock() - dt.timedelta(days=1),
        updated_at_lte=clock() + dt.timedelta(days=1),
        bought_at_gte=clock() - dt.timedelta(days=1),
        bought_at_lte=clock() + dt.timedelta(days=1),
        buyer_login=raw["buyer"]["login"],
        sort="-lineItems.boughtAt",
    )
    assert [f.id for f in page.forms] == [raw["id"]]
    sent = state.requests_for("GET /order/checkout-forms")[0]
    assert set(sent.query) == {
        "offset",
        "limit",
        "status",
        "fulfillment.status",
        "updatedAt.gte",
        "updatedAt.lte",
        "lineItems.boughtAt.gte",
        "lineItems.boughtAt.lte",
        "buyer.login",
        "sort",
    }


def test_set_fulfillment_status_with_revision(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    raw = state.add_checkout_form(seller_id)
    assert client.set_fulfillment_status(raw["id"], "PROCESSING", revision=raw["revision"]) is None
    assert state.checkout_forms[raw["id"]]["fulfillment"]["status"] == "PROCESSING"
    (sent,) = state.requests_for("PUT /order/checkout-forms/{id}/fulfillment")
    assert sent.query == {"checkoutForm.revision": [raw["revision"]]}
    assert sent.body == {"status": "PROCESSING"}
    assert sent.status == 204


def test_stale_revision_is_a_conflict(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, sleep: RecordingSleep
) -> None:
    raw = state.add_checkout_form(seller_id)
    state.update_checkout_form(raw["id"])  # the buyer changed something: new revision
    with pytest.raises(Conflict) as caught:
        client.set_fulfillment_status(raw["id"], "PROCESSING", revision=raw["revision"])
    assert caught.value.status == 409 and caught.value.trace_id
    assert sleep.delays == []  # a conflict is an answer, not a failure: never retried
    assert state.request_count("PUT /order/checkout-forms/{id}/fulfillment") == 1


def test_returned_status_is_refused(client: AllegroClient, state: FakeAllegroState, seller_id: str) -> None:
    raw = state.add_checkout_form(seller_id)
    with pytest.raises(ValidationFailed):
        client.set_fulfillment_status(raw["id"], "RETURNED")


def test_add_and_list_shipments(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    raw = state.add_checkout_form(seller_id)
    first_item = raw["lineItems"][0]["id"]
    created = client.add_shipment(
        raw["id"], carrier_id="INPOST", waybill="620000000000000000000001", line_item_ids=[first_item]
    )
    other = client.add_shipment(raw["id"], carrier_id="OTHER", waybill="PX-1", carrier_name="Kurier Janek")
    assert created == OrderShipment(
        id=created.id,
        waybill="620000000000000000000001",
        carrier_id="INPOST",
        carrier_name=None,
        line_item_ids=(first_item,),
        created_at=clock(),
    )
    assert created.id
    assert other.carrier_name == "Kurier Janek"
    assert set(other.line_item_ids) == {li["id"] for li in raw["lineItems"]}  # omitted = all items
    assert client.list_shipments(raw["id"]) == [created, other]
    sent = state.requests_for("POST /order/checkout-forms/{id}/shipments")
    assert sent[0].body == {
        "carrierId": "INPOST",
        "waybill": "620000000000000000000001",
        "lineItems": [{"id": first_item}],
    }
    assert sent[1].body == {"carrierId": "OTHER", "waybill": "PX-1", "carrierName": "Kurier Janek"}


def test_foreign_line_item_is_refused(client: AllegroClient, state: FakeAllegroState, seller_id: str) -> None:
    raw = state.add_checkout_form(seller_id)
    with pytest.raises(ValidationFailed) as caught:
        client.add_shipment(raw["id"], carrier_id="DPD", waybill="1", line_item_ids=["not-in-this-order"])
    assert caught.value.errors[0].path == "lineItems[0].id"


def test_list_carriers(client: AllegroClient) -> None:
    carriers = client.list_carriers()
    ids = [c.id for c in carriers]
    assert {"INPOST", "DPD", "POCZTA_POLSKA", "OTHER"} <= set(ids)
    assert all(c.name for c in carriers)
