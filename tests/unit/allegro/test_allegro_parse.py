"""The parsers forgive absence, null and unknown fields, but refuse bodies without identity."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from integrations.allegro import AllegroResponseError, OrderEventPage, Price, TaxId, _parse

UTC = dt.UTC


def minimal_form(**overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "id": "29738e61-7f6a-11e8-ac45-09db60ede9d6",
        "status": "READY_FOR_PROCESSING",
        "buyer": {"id": "123", "login": "kupujacy", "email": "k+1@allegromail.pl", "guest": False},
        "lineItems": [
            {
                "id": "62ae358b-8f65-4fc4-9c77-bedf604a2e2b",
                "offer": {"id": "1", "name": "Kubek"},
                "quantity": 2,
                "originalPrice": {"amount": "10.00", "currency": "PLN"},
                "price": {"amount": "8.22", "currency": "PLN"},
                "boughtAt": "2026-11-20T10:00:00.000Z",
            }
        ],
        "surcharges": [],
        "summary": {"totalToPay": {"amount": "16.44", "currency": "PLN"}},
    }
    form.update(overrides)
    return form


def test_nulls_everywhere_optional_are_fine() -> None:
    form = _parse.parse_checkout_form(
        minimal_form(
            payment=None,
            fulfillment=None,
            delivery=None,
            invoice=None,
            note=None,
            marketplace=None,
            messageToSeller=None,
            updatedAt=None,
            revision=None,
        )
    )
    assert form.payment is None and form.delivery is None and form.invoice is None
    assert form.note is None and form.updated_at is None and form.revision is None
    assert form.line_items[0].price == Price(Decimal("8.22"), "PLN")


def test_nulls_inside_nested_objects() -> None:
    form = _parse.parse_checkout_form(
        minimal_form(
            delivery={"address": None, "method": None, "pickupPoint": None, "cost": None, "time": None},
            invoice={"required": True, "address": {"company": None, "naturalPerson": None}},
            payment={"id": "p", "type": "CASH_ON_DELIVERY", "paidAmount": None, "finishedAt": None},
        )
    )
    assert form.delivery is not None and form.delivery.address is None and form.delivery.cost is None
    assert form.invoice is not None and form.invoice.company_name is None and form.invoice.tax_ids == ()
    assert form.payment is not None and form.payment.is_cash_on_delivery
    assert form.payment.paid_amount is None


def test_unknown_fields_and_enum_values_are_kept_as_strings() -> None:
    raw = minimal_form(status="SOMETHING_NEW", brandNewField={"x": 1})
    raw["fulfillment"] = {"status": "TELEPORTED", "shipmentSummary": {"lineItemsSent": "ALL"}}
    form = _parse.parse_checkout_form(raw)
    assert form.status == "SOMETHING_NEW"
    assert form.fulfillment is not None and form.fulfillment.status == "TELEPORTED"


def test_timestamps_become_utc() -> None:
    raw = minimal_form(updatedAt="2026-11-20T12:30:00.5+02:00")
    raw["lineItems"][0]["boughtAt"] = "2026-11-20T10:00:00"  # naive: taken as UTC
    form = _parse.parse_checkout_form(raw)
    assert form.updated_at == dt.datetime(2026, 11, 20, 10, 30, 0, 500000, tzinfo=UTC)
    assert form.updated_at.tzinfo is UTC
    assert form.bought_at == dt.datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def test_bought_at_is_the_earliest_line_item() -> None:
    raw = minimal_form()
    second = dict(raw["lineItems"][0], id="b", boughtAt="2026-11-19T08:00:00Z")
    raw["lineItems"].append(second)
    assert _parse.parse_checkout_form(raw).bought_at == dt.datetime(2026, 11, 19, 8, tzinfo=UTC)


def test_amounts_are_exact_decimals() -> None:
    raw = minimal_form(summary={"totalToPay": {"amount": "1234567.89", "currency": "PLN"}})
    raw["lineItems"][0]["price"] = {"amount": 0.1, "currency": "PLN"}  # a stray JSON number
    form = _parse.parse_checkout_form(raw)
    assert form.total_to_pay.amount == Decimal("1234567.89")
    assert form.line_items[0].price.amount == Decimal("0.1")


def test_unreadable_amount_is_an_error() -> None:
    with pytest.raises(AllegroResponseError, match="amount"):
        _parse.parse_checkout_form(
            minimal_form(summary={"totalToPay": {"amount": "12,50", "currency": "PLN"}})
        )


@pytest.mark.parametrize("missing", ["id", "status", "summary"])
def test_form_without_identity_is_refused(missing: str) -> None:
    raw = minimal_form()
    del raw[missing]
    with pytest.raises(AllegroResponseError):
        _parse.parse_checkout_form(raw)


def test_legacy_tax_id_is_kept_when_typed_ids_are_absent() -> None:
    invoice = {
        "required": True,
        "address": {
            "street": "Solna 1",
            "city": "Poznań",
            "zipCode": "60-166",
            "countryCode": "PL",
            "company": {"name": "Kowalex", "taxId": "5252674798", "vatPayerStatus": "ACTIVE"},
        },
    }
    form = _parse.parse_checkout_form(minimal_form(invoice=invoice))
    assert form.invoice is not None and form.invoice.tax_ids == (TaxId("OTHER", "5252674798"),)


def test_event_without_checkout_form_reference() -> None:
    (event,) = _parse.parse_order_events(
        {
            "events": [
                {
                    "id": "1",
                    "type": "BOUGHT",
                    "occurredAt": "2026-11-20T10:00:00.000Z",
                    "order": {"seller": {"id": "9"}, "buyer": {"id": "8", "login": "b"}, "lineItems": []},
                }
            ]
        }
    ).events
    assert event.checkout_form_id is None and event.revision is None and event.seller_id == "9"


def test_event_without_time_is_set_aside_and_still_ends_the_page() -> None:
    good = {"id": "1", "type": "BOUGHT", "occurredAt": "2026-11-20T10:00:00Z"}
    bad = {"id": "2", "type": "BOUGHT", "occurredAt": "yesterday"}
    page = _parse.parse_order_events({"events": [good, bad]})

    assert [event.id for event in page.events] == ["1"]
    (rejected,) = page.rejected
    assert (rejected.kind, rejected.allegro_id) == ("order_event", "2")
    assert json.loads(rejected.raw) == bad and "occurredAt" in rejected.error
    assert page.last_id == "2" and page.size == 2


def test_empty_journal_and_empty_stats() -> None:
    assert _parse.parse_order_events({"events": []}) == OrderEventPage(events=(), rejected=(), last_id=None)
    stats = _parse.parse_event_stats({})
    assert stats.latest_event_id is None and stats.occurred_at is None


def test_page_counts_default_to_page_length() -> None:
    page = _parse.parse_checkout_form_page({"checkoutForms": [minimal_form()]})
    assert (page.count, page.total_count) == (1, 1)
