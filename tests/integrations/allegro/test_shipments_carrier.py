"""AllegroDeliveryCarrier through the carrier port, against the fake Allegro over HTTP."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from integrations.allegro.carrier import AllegroDeliveryCarrier
from integrations.allegro.carrier_rules import TRACKING
from integrations.allegro.fake import FakeAllegroState
from integrations.carriers import (
    Address,
    CarrierNotFound,
    CarrierPort,
    CarrierRefused,
    CarrierValidationError,
    CashOnDelivery,
    CodSink,
    LabelFormat,
    NotCancellable,
    OutcomeUnknown,
    ParcelSpec,
    PickupRequest,
    ShipmentRequest,
    ShipmentState,
    TrackingState,
)

CREATE = "POST /shipment-management/shipments/create-commands"
SENDER = Address(
    "Sklep Testowy", "Magazynowa 12", "Warszawa", "02-495", phone="600100200", email="s@example.pl"
)


@pytest.fixture
def carrier(client, sleep) -> AllegroDeliveryCarrier:
    return AllegroDeliveryCarrier(client, sleep=sleep)


def _request(
    state: FakeAllegroState,
    seller_id: str,
    key: str = "key-1",
    method: str = "Allegro Kurier DPD",
    service: str = "DPD",
    **changes,
) -> ShipmentRequest:
    form = state.add_wza_order(seller_id, method)
    receiver = Address(
        "Jan Kowalski", "Długa 5", "Kraków", "30-001", phone="600200300", email=form["buyer"]["email"]
    )
    fields = dict(
        service=service,
        sender=SENDER,
        receiver=receiver,
        parcels=(ParcelSpec(300, 200, 100, 1500),),
        idempotency_key=key,
        reference="ZAM-1",
        order_id=form["id"],
    )
    fields.update(changes)
    if "pickupPoint" in form["delivery"]:
        fields.setdefault("target_point", form["delivery"]["pickupPoint"]["id"])
    return ShipmentRequest(**fields)


def test_the_adapter_is_a_carrier_port(carrier) -> None:
    assert isinstance(carrier, CarrierPort)
    caps = carrier.capabilities()
    assert caps.service("DPD").max_parcels == 10 and caps.service("INPOST").max_parcels == 1
    assert {s.cod_sink for s in caps.services} == {CodSink.ALLEGRO_WALLET}


def test_create_shipment_polls_and_returns_waybills(carrier, state, seller_id, sleep) -> None:
    shipment = carrier.create_shipment(_request(state, seller_id))
    assert shipment.state is ShipmentState.CONFIRMED and len(shipment.waybills) == 1
    assert sleep.delays == [1.0]
    assert state.sent_commands("create")[0]["commandId"] == "key-1"


def test_validation_before_any_request(carrier, state, seller_id) -> None:
    bad = _request(state, seller_id, reference="R" * 30)
    bad_receiver = Address("Jan", "Długa 5", "Kraków", "30-001", phone="600200300", email="jan@example.com")
    cod = CashOnDelivery(Decimal("10.00"), CodSink.BANK_ACCOUNT, "PL61109010140000071219812874")
    with pytest.raises(CarrierValidationError) as caught:
        carrier.create_shipment(dataclasses.replace(bad, receiver=bad_receiver, cod=cod))
    assert {"reference", "receiver.email", "cod.iban"} <= caught.value.fields()
    assert state.request_count(CREATE) == 0


def test_errors_in_the_command_status_name_the_field(carrier, state, seller_id) -> None:
    request = _request(state, seller_id)
    stranger = Address("Ktoś", "Długa 5", "Kraków", "30-001", phone="600200300", email="abc@allegromail.pl")
    with pytest.raises(CarrierValidationError) as caught:
        carrier.create_shipment(dataclasses.replace(request, receiver=stranger))
    assert caught.value.fields() == {"receiver.email"}
    assert carrier.find_shipment("key-1").state is ShipmentState.FAILED


def test_dropped_create_is_reconciled_by_reading(carrier, state, seller_id) -> None:
    request = _request(state, seller_id)
    state.drop_after_commit(CREATE)
    with pytest.raises(OutcomeUnknown):
        carrier.create_shipment(request)
    state.advance_commands()
    found = carrier.find_shipment("key-1")
    assert found is not None and found.state is ShipmentState.CONFIRMED
    again = carrier.create_shipment(request)  # COMMAND_EXISTS: polled, not ordered twice
    assert again.shipment_id == found.shipment_id and len(state.wza_shipments) == 1


def test_find_shipment_of_an_unknown_key_is_none(carrier) -> None:
    assert carrier.find_shipment("never-sent") is None


def test_stuck_command_is_outcome_unknown_then_pending(client, state, seller_id, sleep) -> None:
    state.wza_processing = None
    carrier = AllegroDeliveryCarrier(client, sleep=sleep, poll_limit=5)
    with pytest.raises(OutcomeUnknown):
        carrier.create_shipment(_request(state, seller_id))
    assert carrier.find_shipment("key-1").state is ShipmentState.PENDING
    assert state.request_count(CREATE) == 1


def test_labels_protocol_and_cancel(carrier, state, seller_id) -> None:
    dpd = carrier.create_shipment(_request(state, seller_id))
    label = carrier.labels([dpd.shipment_id])
    assert label.format is LabelFormat.PDF and label.content.startswith(b"%PDF")
    assert carrier.protocol([dpd.shipment_id]).content.startswith(b"%PDF")
    assert carrier.cancel(dpd.shipment_id).state is ShipmentState.CANCELLED
    locker = carrier.create_shipment(
        _request(state, seller_id, "key-2", "Allegro Paczkomaty InPost", "INPOST")
    )
    assert carrier.protocol([locker.shipment_id]) is None


def test_cancel_is_refused_for_allegro_one_and_after_handover(carrier, state, seller_id) -> None:
    one = carrier.create_shipment(
        _request(state, seller_id, "key-1", "Allegro One Box, One Kurier", "ALLEGRO")
    )
    with pytest.raises(NotCancellable):
        carrier.cancel(one.shipment_id)
    assert state.sent_commands("cancel") == []
    dpd = carrier.create_shipment(_request(state, seller_id, "key-2"))
    state.hand_over(dpd.shipment_id)
    with pytest.raises(NotCancellable):
        carrier.cancel(dpd.shipment_id)


def test_unknown_shipment_is_not_found(carrier) -> None:
    with pytest.raises(CarrierNotFound):
        carrier.get_shipment("nope")


def test_pickup_windows_and_order(carrier, state, seller_id) -> None:
    shipment = carrier.create_shipment(_request(state, seller_id))
    windows = carrier.pickup_windows(SENDER, dt.date(2030, 1, 7), (shipment.shipment_id,))
    assert windows and windows[0].start.hour == 10
    with pytest.raises(CarrierRefused):  # Allegro proposes times for given shipments only
        carrier.pickup_windows(SENDER, dt.date(2030, 1, 7))
    pickup = carrier.order_pickup(
        PickupRequest(SENDER, windows[0], (shipment.shipment_id,), idempotency_key="pick-1")
    )
    assert pickup.pickup_id and pickup.window == windows[0]
    asked = PickupRequest(SENDER, windows[0], (shipment.shipment_id,), idempotency_key="pick-1")
    assert carrier.find_pickup(asked).pickup_id == pickup.pickup_id  # read back by the command id
    never = PickupRequest(SENDER, windows[0], (shipment.shipment_id,), idempotency_key="pick-never-sent")
    assert carrier.find_pickup(never) is None


@pytest.mark.parametrize("code", [*TRACKING, "SOMETHING_NEW"])
def test_tracking_maps_every_code_and_never_raises(carrier, state, seller_id, code) -> None:
    shipment = carrier.create_shipment(_request(state, seller_id))
    waybill = shipment.waybills[0]
    state.add_tracking_status(waybill, code, description="opis")
    [event] = carrier.tracking(waybill, service=shipment.service)
    assert event.code == code and event.known is (code in TRACKING)
    assert event.state is TRACKING.get(code, TrackingState.IN_TRANSIT)


def test_points_are_filtered_by_city(carrier, state) -> None:
    for point_id, city in (("AOB1", "Kraków"), ("AOB2", "Gdańsk")):
        state.allegro_points.append(
            {
                "id": point_id,
                "name": point_id,
                "type": "APM",
                "services": [{"type": "DROPOFF"}],
                "address": {"city": city, "postCode": "30-001", "street": "Długa 1"},
            }
        )
    assert [p.point_id for p in carrier.points(city="Kraków")] == ["AOB1"]
