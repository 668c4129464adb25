"""Courier calls (windows, order, cancel) and DPD Pickup points."""

from __future__ import annotations

import datetime as dt

import pytest

from integrations.carriers.addresses import WARSAW
from integrations.carriers.base import PickupRequest, PickupWindow, PointKind
from integrations.carriers.errors import (
    CarrierNotFound,
    CarrierRefused,
    CarrierResponseError,
    CarrierValidationError,
)
from tests.integrations.carriers.dpd.conftest import SENDER

MONDAY = dt.date(2026, 3, 2)
TUESDAY = dt.date(2026, 3, 3)
CALL = "SOAP packagesPickupCallV4"


def window(day: dt.date, start: int, end: int) -> PickupWindow:
    return PickupWindow(
        dt.datetime.combine(day, dt.time(start), WARSAW), dt.datetime.combine(day, dt.time(end), WARSAW)
    )


def test_windows_drop_what_is_too_late_today(adapter):
    today = adapter.pickup_windows(SENDER, MONDAY)  # clock: 09:00 Warsaw
    assert [(w.start.hour, w.end.hour) for w in today] == [(12, 16), (15, 18)]
    tomorrow = adapter.pickup_windows(SENDER, TUESDAY)
    assert [(w.start.hour, w.end.hour) for w in tomorrow] == [(8, 12), (12, 16), (15, 18)]
    assert all(w.start.tzinfo is WARSAW for w in tomorrow)


def test_no_windows_for_a_postcode_dpd_does_not_serve(adapter, state):
    state.unknown_postcodes.add("00950")
    assert adapter.pickup_windows(SENDER, TUESDAY) == ()


def test_order_and_cancel_a_courier(adapter, harness, state):
    pickup = adapter.order_pickup(
        PickupRequest(SENDER, window(TUESDAY, 12, 16), parcel_count=2, total_weight_g=3000)
    )
    order_number, check_sum = pickup.pickup_id.split(":")
    assert state.pickups[order_number].check_sum == int(check_sum)
    body = harness.calls_to(CALL)[-1].body
    assert b"<pickupDate>2026-03-03<" in body and b"<pickupTimeFrom>12:00<" in body
    assert b"<senderPostalCode>00950<" in body and b"<operationType>INSERT<" in body
    cancelled = adapter.cancel_pickup(pickup.pickup_id)
    assert cancelled.state == "cancelled" and state.pickups[order_number].status == "CANCELLED"
    with pytest.raises(CarrierNotFound):
        adapter.cancel_pickup(f"{order_number}:1")


def test_window_outside_dpd_ranges_is_refused(adapter, state):
    with pytest.raises(CarrierRefused):
        adapter.order_pickup(PickupRequest(SENDER, window(TUESDAY, 6, 7)))
    assert state.pickups == {}


def test_pickup_address_postcode_refused(adapter, state):
    state.unknown_postcodes.add("00950")
    with pytest.raises(CarrierValidationError) as caught:
        adapter.order_pickup(PickupRequest(SENDER, window(TUESDAY, 12, 16)))
    assert caught.value.problems[0].field == "address.postcode"


def test_points_by_city_and_postcode(adapter):
    krakow = adapter.points(city="Kraków")
    assert {p.point_id for p in krakow} == {"PL31001", "PL31002"}
    assert {p.kind for p in krakow} == {PointKind.LOCKER, PointKind.PICKUP_POINT}
    assert adapter.points(postcode="00-590", limit=1)[0].city == "Warszawa"


def test_points_answer_that_cannot_be_read(adapter, harness):
    harness.fail_next("GET /mypudo/points", 400, body='{"error":"bad"}')
    with pytest.raises(CarrierResponseError):
        adapter.points(city="Kraków")
