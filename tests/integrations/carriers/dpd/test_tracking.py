"""Tracking through DPDInfoServices: every businessCode of the status map, unknown codes, auto-advance."""

from __future__ import annotations

import datetime as dt

import pytest

from integrations.carriers import status
from integrations.carriers.base import TrackingState
from integrations.carriers.dpd import DpdAdapter, DpdCredentials
from integrations.carriers.errors import CarrierAuthError
from tests.integrations.carriers.dpd.conftest import make_request


@pytest.fixture
def waybill(adapter) -> str:
    return adapter.create_shipment(make_request()).waybills[0]


def test_every_dpd_code_maps_through_the_fake(adapter, state, waybill, clock):
    codes = status.codes("dpd")
    assert len(codes) == 121
    for code in codes:
        clock.advance(60)
        state.add_event(waybill, code, f"event {code}")
    events = adapter.tracking(waybill)
    assert [e.code for e in events] == list(codes)  # oldest first
    for event in events:
        assert event.known and event.state == status.map_code("dpd", event.code)[0]
        assert event.at.tzinfo is not None and event.waybill == waybill
    by_code = {e.code: e.state for e in events}
    assert by_code["030103"] is TrackingState.CREATED
    assert by_code["040101"] is TrackingState.HANDED_OVER
    assert by_code["170101"] is TrackingState.OUT_FOR_DELIVERY
    assert by_code["200602"] is TrackingState.READY_FOR_PICKUP
    assert by_code["190104"] is TrackingState.DELIVERED
    assert by_code["230403"] is TrackingState.RETURNING
    assert by_code["500610"] is TrackingState.RETURNED
    assert by_code["230309"] is TrackingState.PROBLEM
    assert by_code["170310"] is None  # e-mail notice: information only


def test_unknown_code_keeps_raw_and_reads_as_in_transit(adapter, state, waybill):
    state.add_event(waybill, "999999", "something new")
    (event,) = adapter.tracking(waybill)
    assert event.code == "999999" and not event.known and event.state is TrackingState.IN_TRANSIT


def test_event_time_is_polish_local_time(adapter, state, waybill, clock):
    state.add_event(waybill, "040101")
    (event,) = adapter.tracking(waybill)
    assert event.at == clock.now  # 08:00 UTC sent as 09:00 Warsaw without offset, read back exactly


def test_labels_advise_and_the_parcel_walks_its_path(adapter, state, waybill):
    assert adapter.tracking(waybill) == ()
    shipment_id = str(next(iter(state.packages)))
    adapter.labels([shipment_id])
    assert [e.code for e in adapter.tracking(waybill)] == ["030103"]
    while state.advance(waybill):
        pass
    events = adapter.tracking(waybill)
    assert status.current_state([e.state for e in events]) is TrackingState.DELIVERED


def test_auto_advance_moves_parcels_with_time(adapter, state, waybill, clock):
    state.auto_advance = 30
    adapter.labels([str(next(iter(state.packages)))])
    clock.advance(65)
    assert [e.code for e in adapter.tracking(waybill)] == ["030103", "040101", "050101"]


def test_pickup_path_reaches_ready_for_pickup(adapter, state):
    shipment = adapter.create_shipment(
        make_request("key-p", service="dpd_pickup", target_point="PL31001", cod=None)
    )
    adapter.labels([shipment.shipment_id])
    for _ in range(3):
        state.advance(shipment.waybills[0])
    assert adapter.tracking(shipment.waybills[0])[-1].state is TrackingState.READY_FOR_PICKUP


def test_wrong_info_channel_is_an_auth_error(server):
    adapter = DpdAdapter(server.url, DpdCredentials("demo", "demo-password", 1495, info_channel="other"))
    with pytest.raises(CarrierAuthError):
        adapter.tracking("1000000000001U")


def test_unknown_waybill_has_no_events(adapter):
    assert adapter.tracking("0000000000000X") == ()


def test_clock_fixture_is_monday_morning(clock):
    assert clock.now.weekday() == 0 and clock.now.tzinfo is dt.UTC
