"""Every example body of the endpoints we call, as the spec gives it, parses into our DTOs.

The spec gives few whole-body examples (only /order/carriers has one); most examples sit on
properties. So for each response schema we also assemble a body from the property examples
(following $refs and allOf), once with every property and once with only the required ones.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

import integrations.allegro
from integrations.allegro import (
    AllegroHTTPError,
    AllegroResponseError,
    Carrier,
    CheckoutForm,
    CheckoutFormPage,
    EventStats,
    Me,
    OrderEvent,
    OrderShipment,
    Price,
    TaxId,
    Unauthorized,
    _parse,
    error_for,
)

SPEC_PATH = Path(integrations.allegro.__file__).parent / "spec" / "allegro-subset.yaml"
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
UTC = dt.UTC

ENDPOINTS = [
    ("get", "/me"),
    ("get", "/order/events"),
    ("get", "/order/event-stats"),
    ("get", "/order/checkout-forms"),
    ("get", "/order/checkout-forms/{id}"),
    ("get", "/order/checkout-forms/{id}/shipments"),
    ("post", "/order/checkout-forms/{id}/shipments"),
    ("get", "/order/carriers"),
]


# --- collecting examples from the spec ---------------------------------------------------------


def resolve(node: Any) -> Any:
    """Follow a local `$ref` (possibly chained) into the spec."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


_NO_EXAMPLE = object()


def assemble(schema: Any, *, required_only: bool) -> Any:
    """A body built from the examples the schema and its properties carry."""
    if isinstance(schema, dict) and "example" in schema:
        return schema["example"]
    schema = resolve(schema)
    if "example" in schema:
        return schema["example"]
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = assemble(part, required_only=required_only)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    if "properties" in schema:
        wanted = schema.get("required", []) if required_only else list(schema["properties"])
        body = {name: assemble(schema["properties"][name], required_only=required_only) for name in wanted}
        return {name: value for name, value in body.items() if value is not _NO_EXAMPLE}
    if "items" in schema:
        item = assemble(schema["items"], required_only=required_only)
        return [] if item is _NO_EXAMPLE else [item]
    if "enum" in schema:
        return schema["enum"][0]
    return _NO_EXAMPLE


def examples_of(method: str, path: str) -> list[tuple[str, str, Any]]:
    """(status, label, body) for every example of every response of one operation."""
    found = []
    for status, response in SPEC["paths"][path][method]["responses"].items():
        response = resolve(response)
        for media, content in (response.get("content") or {}).items():
            if "json" not in media:
                continue
            if "example" in content:
                found.append((status, f"{media} example", content["example"]))
            for name, example in (content.get("examples") or {}).items():
                found.append((status, f"examples.{name}", resolve(example)["value"]))
            schema = content.get("schema")
            if schema is not None:
                found.append((status, "assembled", assemble(schema, required_only=False)))
                found.append((status, "assembled-required", assemble(schema, required_only=True)))
    return found


CASES = [
    pytest.param(method, path, status, body, id=f"{method.upper()} {path} {status} {label}")
    for method, path in ENDPOINTS
    for status, label, body in examples_of(method, path)
]


def test_every_endpoint_has_a_success_example() -> None:
    """Guard against a spec cut that silently drops an endpoint's responses."""
    covered = {(c.values[0], c.values[1]) for c in CASES if c.values[2].startswith("2")}
    assert covered == set(ENDPOINTS)


def test_carriers_has_a_literal_spec_example() -> None:
    """The one whole-body example in the subset must be collected, not only assembled bodies."""
    labels = [c.id for c in CASES if c.id.startswith("GET /order/carriers 200 examples.")]
    assert labels == ["GET /order/carriers 200 examples.order-carriers"]


# --- checking each example ---------------------------------------------------------------------


def utc(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).astimezone(UTC)


def money(raw: dict[str, Any]) -> Price:
    return Price(Decimal(raw["amount"]), raw["currency"])


def check_me(raw: dict[str, Any]) -> None:
    if "id" not in raw:
        # the schema requires nothing, but a /me without the user id is useless to the desk
        with pytest.raises(AllegroResponseError, match="'id'"):
            _parse.parse_me(raw)
        return
    me = _parse.parse_me(raw)
    assert isinstance(me, Me)
    assert (me.id, me.login, me.first_name, me.last_name, me.email) == (
        raw["id"],
        raw["login"],
        raw["firstName"],
        raw["lastName"],
        raw["email"],
    )
    assert me.company_name == raw["company"]["name"]


def check_events(raw: dict[str, Any]) -> None:
    events = _parse.parse_order_events(raw).events
    assert len(events) == len(raw["events"])
    for event, source in zip(events, raw["events"], strict=True):
        assert isinstance(event, OrderEvent)
        assert (event.id, event.type) == (source["id"], source["type"])
        assert event.occurred_at == utc(source["occurredAt"]) and event.occurred_at.tzinfo is UTC
        order = source["order"]
        assert event.seller_id == order["seller"]["id"]
        assert (event.buyer_id, event.buyer_login) == (order["buyer"]["id"], order["buyer"]["login"])
        assert event.checkout_form_id == order.get("checkoutForm", {}).get("id")
        assert event.revision == order.get("checkoutForm", {}).get("revision")


def check_event_stats(raw: dict[str, Any]) -> None:
    stats = _parse.parse_event_stats(raw)
    assert isinstance(stats, EventStats)
    latest = raw.get("latestEvent")
    if latest is None:
        assert stats == EventStats(None, None)
    else:
        assert stats.latest_event_id == latest["id"]
        assert stats.occurred_at == utc(latest["occurredAt"])


def check_form(form: CheckoutForm, raw: dict[str, Any]) -> None:
    assert isinstance(form, CheckoutForm)
    assert (form.id, form.status, form.revision) == (raw["id"], raw["status"], raw.get("revision"))
    assert form.buyer.id == raw["buyer"]["id"] and form.buyer.guest is raw["buyer"]["guest"]
    assert form.total_to_pay == money(raw["summary"]["totalToPay"])
    assert isinstance(form.total_to_pay.amount, Decimal)
    assert len(form.line_items) == len(raw["lineItems"])
    for item, source in zip(form.line_items, raw["lineItems"], strict=True):
        assert item.id == source["id"] and item.offer_id == source["offer"]["id"]
        assert item.quantity == source["quantity"]
        assert item.price == money(source["price"]) and isinstance(item.price.amount, Decimal)
        assert item.original_price == money(source["originalPrice"])
    assert len(form.surcharges) == len(raw["surcharges"])
    bought = [utc(li["boughtAt"]) for li in raw["lineItems"] if "boughtAt" in li]
    assert form.bought_at == min(bought, default=None)
    if "payment" in raw:
        assert form.payment is not None and form.payment.type == raw["payment"]["type"]
        assert form.payment.is_cash_on_delivery is (raw["payment"]["type"] == "CASH_ON_DELIVERY")
    else:
        assert form.payment is None
    assert (form.delivery is None) is ("delivery" not in raw)
    assert (form.invoice is None) is ("invoice" not in raw)


def check_form_one(raw: dict[str, Any]) -> None:
    check_form(_parse.parse_checkout_form(raw), raw)


def check_form_page(raw: dict[str, Any]) -> None:
    page = _parse.parse_checkout_form_page(raw)
    assert isinstance(page, CheckoutFormPage)
    assert (page.count, page.total_count) == (raw["count"], raw["totalCount"])
    for form, source in zip(page.forms, raw["checkoutForms"], strict=True):
        check_form(form, source)


def check_shipment(shipment: OrderShipment, raw: dict[str, Any]) -> None:
    assert isinstance(shipment, OrderShipment)
    assert (shipment.id, shipment.waybill, shipment.carrier_id, shipment.carrier_name) == (
        raw.get("id"),
        raw.get("waybill"),
        raw.get("carrierId"),
        raw.get("carrierName"),
    )
    assert shipment.line_item_ids == tuple(li["id"] for li in raw.get("lineItems", []))
    if "createdAt" in raw:
        assert shipment.created_at == utc(raw["createdAt"])


def check_shipments(raw: dict[str, Any]) -> None:
    shipments = _parse.parse_shipments(raw)
    assert len(shipments) == len(raw.get("shipments", []))
    for shipment, source in zip(shipments, raw.get("shipments", []), strict=True):
        check_shipment(shipment, source)


def check_created_shipment(raw: dict[str, Any]) -> None:
    check_shipment(_parse.parse_shipment(raw), raw)


def check_carriers(raw: dict[str, Any]) -> None:
    carriers = _parse.parse_carriers(raw)
    # an entry without an id cannot be used in add_shipment and is dropped
    assert carriers == [Carrier(c["id"], c.get("name")) for c in raw.get("carriers", []) if "id" in c]


def check_error(status: str, raw: dict[str, Any]) -> None:
    error = error_for(int(status), json.dumps(raw).encode(), {"trace-id": "t-1"})
    assert isinstance(error, AllegroHTTPError) and error.status == int(status)
    assert error.trace_id == "t-1"
    if "error" in raw:  # OAuth-shaped AuthError body
        assert isinstance(error, Unauthorized)
        assert (error.code, error.user_message) == (raw["error"], raw.get("error_description"))
    else:
        entries = raw.get("errors", [])
        assert [e.code for e in error.errors] == [e.get("code") for e in entries]
        assert [e.user_message for e in error.errors] == [e.get("userMessage") for e in entries]


CHECKERS: dict[tuple[str, str], Callable[[dict[str, Any]], None]] = {
    ("get", "/me"): check_me,
    ("get", "/order/events"): check_events,
    ("get", "/order/event-stats"): check_event_stats,
    ("get", "/order/checkout-forms"): check_form_page,
    ("get", "/order/checkout-forms/{id}"): check_form_one,
    ("get", "/order/checkout-forms/{id}/shipments"): check_shipments,
    ("post", "/order/checkout-forms/{id}/shipments"): check_created_shipment,
    ("get", "/order/carriers"): check_carriers,
}


@pytest.mark.parametrize(("method", "path", "status", "body"), CASES)
def test_example_parses(method: str, path: str, status: str, body: dict[str, Any]) -> None:
    if status.startswith("2"):
        CHECKERS[(method, path)](body)
    else:
        check_error(status, body)


# --- concrete values from the spec's property examples -----------------------------------------


def _assembled(method: str, path: str, status: str = "200") -> dict[str, Any]:
    return next(b for s, label, b in examples_of(method, path) if s == status and label == "assembled")


def test_assembled_checkout_form_has_spec_values() -> None:
    form = _parse.parse_checkout_form(_assembled("get", "/order/checkout-forms/{id}"))
    assert form.id == "29738e61-7f6a-11e8-ac45-09db60ede9d6"
    assert form.updated_at == dt.datetime(2011, 12, 3, 10, 15, 30, 133000, tzinfo=UTC)
    assert form.total_to_pay == Price(Decimal("123.45"), "PLN")
    assert form.buyer.address is not None and form.buyer.address.post_code == "60-166"
    assert form.payment is not None and form.payment.provider == "PAYU"
    assert form.payment.paid_amount == Price(Decimal("123.45"), "PLN")
    assert form.fulfillment is not None and form.fulfillment.line_items_sent == "SOME"
    delivery = form.delivery
    assert delivery is not None and delivery.method_name == "Allegro Paczkomaty InPost"
    assert delivery.pickup_point is not None and delivery.pickup_point.zip_code == "60-166"
    assert delivery.address is not None and delivery.address.street == "Grunwaldzka 182"
    assert delivery.dispatch_to == dt.datetime(2018, 1, 3, 18, 0, tzinfo=UTC)
    assert (delivery.smart, delivery.number_of_packages) == (True, 1)
    invoice = form.invoice
    assert invoice is not None and invoice.required is True
    assert invoice.company_name == "Udix Sp. z o.o."
    assert invoice.tax_ids == (TaxId("PL_NIP", "111-11-11-111"),)
    assert invoice.due_date == dt.date(2021, 12, 1)
    assert form.line_items[0].external_id == "AH-129834"
    assert form.note == "Sample note" and form.marketplace_id == "allegro-pl"


def test_assembled_event_has_spec_values() -> None:
    (event,) = _parse.parse_order_events(_assembled("get", "/order/events")).events
    assert event.id == "1532603898317497"
    assert event.type == "READY_FOR_PROCESSING"
    assert event.occurred_at == dt.datetime(2018, 10, 12, 10, 12, 32, 321000, tzinfo=UTC)
    assert (event.checkout_form_id, event.revision) == ("88ae369b-8f65-4fc4-9c77-bedf604a2e2b", "819b5836")
    assert (event.seller_id, event.buyer_login) == ("437848322", "User_Login")


def test_created_shipment_has_spec_values() -> None:
    shipment = _parse.parse_shipment(_assembled("post", "/order/checkout-forms/{id}/shipments", "201"))
    assert shipment == OrderShipment(
        id="REhMOjEyMzQ1Njc4OTEwUEw=",
        waybill="AD-1239134",
        carrier_id="ALLEGRO",
        carrier_name="Sample carrier",
        line_item_ids=("31896450-2de1-11e9-bced-352ab82ad9cd",),
        created_at=dt.datetime(2019, 2, 18, 11, 46, 48, 264000, tzinfo=UTC),
    )
