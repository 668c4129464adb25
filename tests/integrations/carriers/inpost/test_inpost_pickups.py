"""Pickup windows (computed: working days, Polish holidays) and dispatch orders (asynchronous)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from integrations.carriers.base import PickupRequest, PickupWindow
from integrations.carriers.errors import CarrierNotFound, CarrierRefused, CarrierValidationError
from integrations.carriers.inpost.pickup import WARSAW

from .conftest import courier_request, make_request


def _window(day: dt.date) -> PickupWindow:
    return PickupWindow(
        dt.datetime.combine(day, dt.time(9), tzinfo=WARSAW),
        dt.datetime.combine(day, dt.time(17), tzinfo=WARSAW),
    )


def test_working_day_window_from_pickup_hours(adapter):
    windows = adapter.pickup_windows(make_request().sender, dt.date(2026, 3, 3))
    assert windows == (_window(dt.date(2026, 3, 3)),)
    assert windows[0].start.utcoffset() == dt.timedelta(hours=1)


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 3, 7),
        dt.date(2026, 3, 8),
        dt.date(2026, 11, 11),
        dt.date(2026, 5, 1),
        dt.date(2026, 2, 27),
    ],
)
def test_no_window_on_weekends_holidays_and_past_days(adapter, day):
    assert adapter.pickup_windows(make_request().sender, day) == ()


def test_today_starts_at_the_next_full_hour(adapter, clock):
    clock.now = dt.datetime(2026, 3, 2, 10, 20, tzinfo=dt.UTC)  # 11:20 in Warsaw
    (window,) = adapter.pickup_windows(make_request().sender, dt.date(2026, 3, 2))
    assert window.start.astimezone(WARSAW).time() == dt.time(12)
    clock.now = dt.datetime(2026, 3, 2, 15, 30, tzinfo=dt.UTC)  # 16:30: too late
    assert adapter.pickup_windows(make_request().sender, dt.date(2026, 3, 2)) == ()


def _pickup(ids):
    return PickupRequest(
        address=make_request().sender,
        window=_window(dt.date(2026, 3, 3)),
        shipment_ids=tuple(ids),
        comment="brama od podwórza",
    )


def test_dispatch_order_goes_new_sent_accepted(adapter, state):
    created = adapter.create_shipment(courier_request())
    state.process_all()
    pickup = adapter.order_pickup(_pickup([created.shipment_id]))
    assert pickup.state == "new" and pickup.window is None
    assert [adapter.get_pickup(pickup.pickup_id).state for _ in range(3)] == ["new", "sent", "accepted"]
    sent = json.loads(state.harness.calls_to("POST /v1/organizations/{org_id}/dispatch_orders")[0].body)
    assert sent["shipments"] == [created.shipment_id] and sent["address"]["building_number"] == "5/3"
    assert sent["comment"] == "brama od podwórza"


def test_dispatch_order_for_a_locker_drop_off_is_rejected(adapter, state):
    created = adapter.create_shipment(make_request(dropoff_point="KRA007"))
    state.process_all()
    pickup = adapter.order_pickup(_pickup([created.shipment_id]))
    state.advance_dispatch(pickup.pickup_id)
    state.advance_dispatch(pickup.pickup_id)
    assert adapter.get_pickup(pickup.pickup_id).state == "rejected"


def test_dispatch_order_needs_bought_shipments(adapter, state):
    created = adapter.create_shipment(courier_request())
    with pytest.raises(CarrierRefused):
        adapter.order_pickup(_pickup([created.shipment_id]))
    with pytest.raises(CarrierValidationError):
        adapter.order_pickup(_pickup([]))
    with pytest.raises(CarrierNotFound):
        adapter.get_pickup("1")
