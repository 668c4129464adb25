"""Tracking through status.map_code (every code of the inpost_shipx section), and points."""

from __future__ import annotations

import datetime as dt

import pytest

from integrations.carriers import status
from integrations.carriers.base import PointKind, TrackingState
from integrations.carriers.errors import CarrierNotFound

from .conftest import make_request

ALL_CODES = status.codes("inpost")


@pytest.fixture
def parcel(adapter, state):
    created = adapter.create_shipment(make_request())
    state.process_all()
    return created.shipment_id, adapter.get_shipment(created.shipment_id).waybills[0]


def test_every_code_of_the_map_comes_back_mapped(adapter, state, clock, parcel):
    shipment_id, waybill = parcel
    for code in ALL_CODES:
        clock.advance(60)
        state.add_event(shipment_id, code)
    events = adapter.tracking(waybill)
    by_code = {event.code: event for event in events[1:]}  # the first is `confirmed` from processing
    assert set(by_code) == set(ALL_CODES) and len(ALL_CODES) == 53
    for code in ALL_CODES:
        assert (by_code[code].state, by_code[code].known) == status.map_code("inpost", code)
        assert by_code[code].known and by_code[code].waybill == waybill
    assert by_code["ready_to_pickup"].state is TrackingState.READY_FOR_PICKUP
    assert by_code["taken_by_courier_from_customer_service_point"].state is TrackingState.RETURNING
    assert by_code["canceled"].state is TrackingState.CANCELLED
    assert by_code["missing"].state is TrackingState.PROBLEM


def test_events_are_sorted_by_time_and_unknown_codes_kept(adapter, state, clock, parcel):
    shipment_id, waybill = parcel
    state.add_event(shipment_id, "teleported_to_mars", at=clock.now + dt.timedelta(hours=2), location="Mars")
    state.add_event(shipment_id, "taken_by_courier", at=clock.now + dt.timedelta(hours=1))
    events = adapter.tracking(waybill)
    assert [e.code for e in events] == ["confirmed", "taken_by_courier", "teleported_to_mars"]
    assert (events[-1].state, events[-1].known, events[-1].location) == (
        TrackingState.IN_TRANSIT,
        False,
        "Mars",
    )


def test_tracking_path_advances(adapter, state, parcel):
    shipment_id, waybill = parcel
    while state.advance_tracking(shipment_id):
        pass
    assert adapter.tracking(waybill)[-1].state is TrackingState.DELIVERED


def test_unknown_tracking_number(adapter):
    with pytest.raises(CarrierNotFound):
        adapter.tracking("000000000000000000000000")


def test_points_by_city_and_postcode(adapter, state):
    krakow = adapter.points(city="Kraków")
    assert {p.point_id for p in krakow} == {"KRA007", "KRA010", "POP-KRA21"}
    kinds = {p.point_id: p.kind for p in krakow}
    assert kinds["POP-KRA21"] is PointKind.PICKUP_POINT and kinds["KRA010"] is PointKind.LOCKER
    (by_code,) = adapter.points(postcode="31-153")
    assert by_code.street == "Basztowa 3" and by_code.latitude == pytest.approx(50.0656)
    assert [p.point_id for p in adapter.points(city="Kraków", street="długa")] == ["KRA010"]
    assert len(adapter.points(city="Kraków", limit=2)) == 2
    call = state.harness.calls_to("GET /v1/points")[-1]
    assert call.query == {"per_page": "2", "city": "Kraków"}
