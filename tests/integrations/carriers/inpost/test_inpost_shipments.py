"""Create, poll, buy, find and cancel against the fake ShipX over HTTP."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from integrations.carriers.base import ShipmentState
from integrations.carriers.errors import CarrierNotFound, CarrierRefused, NotCancellable
from integrations.carriers.inpost.adapter import InPostAdapter
from integrations.carriers.inpost.fake import DEFAULT_ORG, DEFAULT_TOKEN

from .conftest import CREATE, courier_request, make_request


def test_create_returns_pending_then_polling_confirms_with_a_24_digit_number(adapter, state):
    created = adapter.create_shipment(make_request())
    assert created.state is ShipmentState.PENDING and created.raw_status == "created"
    assert created.waybills == ()
    seen = [adapter.get_shipment(created.shipment_id).raw_status for _ in range(3)]
    assert seen == ["created", "offers_prepared", "confirmed"]
    confirmed = adapter.get_shipment(created.shipment_id)
    assert confirmed.state is ShipmentState.CONFIRMED
    assert len(confirmed.waybills[0]) == 24 and confirmed.waybills[0].isdigit()


def test_the_wire_body_carries_key_units_and_split_street(adapter, state):
    adapter.create_shipment(courier_request())
    body = json.loads(state.harness.calls_to(CREATE)[0].body)
    assert body["external_customer_id"] == "desk-key-1"
    assert body["sender"]["address"] == {
        "street": "Kwiatowa",
        "building_number": "5/3",
        "city": "Kraków",
        "post_code": "30-001",
        "country_code": "PL",
    }
    assert body["receiver"]["phone"] == "601200300"
    assert body["parcels"][0]["dimensions"] == {"length": 400, "width": 300, "height": 200, "unit": "mm"}
    assert body["parcels"][0]["weight"] == {"amount": "3.5", "unit": "kg"}
    assert body["cod"] == {"amount": "149.99", "currency": "PLN"}
    assert body["custom_attributes"]["sending_method"] == "dispatch_order"
    assert state.harness.calls_to(CREATE)[0].headers["Authorization"] == f"Bearer {DEFAULT_TOKEN}"


def test_courier_shipment_has_a_number_per_parcel(adapter, state):
    created = adapter.create_shipment(courier_request())
    state.process_all()
    shipment = adapter.get_shipment(created.shipment_id)
    assert shipment.state is ShipmentState.CONFIRMED and len(shipment.waybills) == 2


def test_pop_target_point_switches_to_customer_service_point(adapter, state):
    created = adapter.create_shipment(make_request(target_point="POP-KRA21"))
    assert created.service == "inpost_locker_customer_service_point"


def test_processing_on_the_clock(adapter, state, clock):
    state.gets_per_step, state.seconds_per_step = None, 10
    created = adapter.create_shipment(make_request())
    assert adapter.get_shipment(created.shipment_id).raw_status == "created"
    clock.advance(25)
    assert adapter.get_shipment(created.shipment_id).state is ShipmentState.CONFIRMED


def test_prepaid_account_stops_at_offers_until_bought(adapter, state):
    state.prepaid, state.gets_per_step = True, None
    created = adapter.create_shipment(make_request())
    state.process(created.shipment_id, steps=3)
    waiting = adapter.get_shipment(created.shipment_id)
    assert waiting.raw_status == "offers_prepared" and waiting.state is ShipmentState.PENDING
    assert waiting.price == Decimal("15.49")
    bought = adapter.buy_offer(created.shipment_id)
    assert bought.raw_status == "offer_selected"
    state.process(created.shipment_id)
    assert adapter.get_shipment(created.shipment_id).state is ShipmentState.CONFIRMED
    with pytest.raises(CarrierRefused):
        adapter.buy_offer(created.shipment_id)


def test_auto_buy_option_buys_the_offer_while_polling(fake, state, clock):
    state.prepaid = True
    adapter = InPostAdapter(fake.url, DEFAULT_TOKEN, DEFAULT_ORG, auto_buy=True, now=clock)
    created = adapter.create_shipment(make_request())
    state.process(created.shipment_id)
    assert adapter.get_shipment(created.shipment_id).raw_status == "offer_selected"
    state.process(created.shipment_id)
    assert adapter.get_shipment(created.shipment_id).state is ShipmentState.CONFIRMED
    assert state.harness.count("POST /v1/shipments/{shipment_id}/buy") == 1


def test_unavailable_offers_make_the_shipment_failed(adapter, state):
    state.refusal = "Target point unavailable"
    created = adapter.create_shipment(make_request())
    state.process(created.shipment_id, steps=2)
    failed = adapter.get_shipment(created.shipment_id)
    assert failed.state is ShipmentState.FAILED and failed.errors == ("Target point unavailable",)


def test_find_shipment_by_idempotency_key(adapter, state):
    adapter.create_shipment(make_request(idempotency_key="other"))
    created = adapter.create_shipment(make_request())
    found = adapter.find_shipment("desk-key-1")
    assert found is not None and found.shipment_id == created.shipment_id
    assert adapter.find_shipment("never-sent") is None


def test_cancel_before_purchase_and_not_after(adapter, state):
    early = adapter.create_shipment(make_request())
    cancelled = adapter.cancel(early.shipment_id)
    assert cancelled.state is ShipmentState.CANCELLED
    assert adapter.get_shipment(early.shipment_id).state is ShipmentState.CANCELLED
    late = adapter.create_shipment(make_request(idempotency_key="k2"))
    state.process_all()
    with pytest.raises(NotCancellable):
        adapter.cancel(late.shipment_id)


def test_unknown_shipment_is_not_found(adapter):
    with pytest.raises(CarrierNotFound):
        adapter.get_shipment("999999")
    with pytest.raises(CarrierNotFound):
        adapter.cancel("999999")
