"""Tracking through the modelled Sledzenie, the courier order, and the points."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from integrations.carriers import status
from integrations.carriers.addresses import WARSAW
from integrations.carriers.base import PickupRequest, PointKind, TrackingState
from integrations.carriers.errors import (
    CarrierAuthError,
    CarrierNotFound,
    CarrierRefused,
    CarrierValidationError,
    LookupUnsupported,
)
from integrations.carriers.poczta.fake import PocztaState, harness_of, serve_poczta
from tests.integrations.carriers.clock import HandClock

from .conftest import NOW, SENDER, make_adapter, request_for

WAYBILL = "00659007734000000001"


def test_every_code_of_the_map_through_the_fake(adapter, fake):
    codes = status.codes("poczta")
    assert len(codes) == 29
    adapter.create_shipment(request_for())
    for minute, code in enumerate(codes):
        fake.state.add_event(
            WAYBILL, code, f"zdarzenie {code}", at=NOW + dt.timedelta(minutes=minute), unit="UP"
        )
    events = adapter.tracking(WAYBILL)
    assert [event.code for event in events] == list(codes)
    for event in events:
        assert (event.state, event.known) == status.map_code("poczta", event.code)
        assert event.known and event.waybill == WAYBILL and event.location == "UP"
    by_code = {event.code: event.state for event in events}
    assert by_code["P_NAD"] is TrackingState.HANDED_OVER
    assert by_code["P_NDZ"] is TrackingState.RETURNING
    assert by_code["P_D"] is TrackingState.DELIVERED


def test_times_are_warsaw_local_and_unknown_codes_keep_their_raw_value(adapter, fake):
    adapter.create_shipment(request_for())
    fake.state.add_event(WAYBILL, "P_XYZ_NEW", "nowy kod", at=dt.datetime(2026, 7, 1, 14, 30, tzinfo=WARSAW))
    (event,) = adapter.tracking(WAYBILL)
    assert event.code == "P_XYZ_NEW" and event.known is False and event.state is TrackingState.IN_TRANSIT
    assert event.at.utcoffset() == dt.timedelta(hours=2) and event.at.hour == 14


def test_tracking_statuses(adapter, fake):
    with pytest.raises(CarrierNotFound):
        adapter.tracking("00659007734999999999")  # status -1
    with pytest.raises(CarrierNotFound):
        adapter.tracking("bad-number")  # status -2
    adapter.create_shipment(request_for())
    assert adapter.tracking(WAYBILL) == ()  # status 2: no events yet


def test_tracking_sends_a_username_token_and_refused_credentials_are_auth(fake, clock):
    adapter = make_adapter(fake, clock, tracking_password="wrong")
    with pytest.raises(CarrierAuthError):
        adapter.tracking(WAYBILL)
    body = etree.fromstring(harness_of(fake).calls_to("SOAP sprawdzPrzesylke")[0].body)
    wsse = "{http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd}"
    assert body.findtext(f".//{wsse}Username") == "sledzeniepp"


def test_auto_advance_walks_the_tracking_path():
    clock = HandClock(NOW)
    server = serve_poczta(PocztaState(now=clock, auto_advance=60), demo=True)
    try:
        adapter = make_adapter(server, clock)
        shipment = adapter.create_shipment(request_for("pocztex_punkt"))
        adapter.protocol([shipment.shipment_id])
        assert [e.code for e in adapter.tracking(shipment.waybills[0])] == ["P_REJ_KN1"]
        clock.now += dt.timedelta(minutes=10)
        events = adapter.tracking(shipment.waybills[0])
        assert [e.state for e in events][-2:] == [TrackingState.READY_FOR_PICKUP, TrackingState.DELIVERED]
        assert server.state.violations == []
    finally:
        server.stop()


def test_pickup_windows_are_working_days(adapter):
    (window,) = adapter.pickup_windows(SENDER, dt.date(2026, 10, 6))
    assert window.start == dt.datetime(2026, 10, 6, 8, tzinfo=WARSAW) and window.end.hour == 18
    assert adapter.pickup_windows(SENDER, dt.date(2026, 10, 10)) == ()  # Saturday
    assert adapter.pickup_windows(SENDER, dt.date(2026, 10, 1)) == ()  # past


def test_order_pickup(adapter, fake, harness):
    (window,) = adapter.pickup_windows(SENDER, dt.date(2026, 10, 6))
    pickup = adapter.order_pickup(
        PickupRequest(SENDER, window, parcel_count=3, total_weight_g=4500, idempotency_key="pickup-1")
    )
    assert pickup.state == "ordered" and pickup.window == window and pickup.pickup_id.startswith("ZK-")
    assert fake.state.pickups == [
        {"day": "2026-10-06", "hour": "08:00", "postcode": "00950", "count": "3", "mass": "4500"}
    ]


def test_a_courier_order_cannot_be_read_back(adapter, harness):
    (window,) = adapter.pickup_windows(SENDER, dt.date(2026, 10, 6))
    before = harness.count()
    with pytest.raises(LookupUnsupported):  # zamowKuriera answers only errors: a person must ask
        adapter.find_pickup(PickupRequest(SENDER, window, idempotency_key="pickup-1"))
    assert harness.count() == before


def test_order_pickup_refusals(adapter, harness):
    sunday = dt.datetime(2026, 10, 11, 9, tzinfo=WARSAW)
    window = adapter.pickup_windows(SENDER, dt.date(2026, 10, 6))[0].__class__(sunday, sunday)
    with pytest.raises(CarrierRefused):
        adapter.order_pickup(PickupRequest(SENDER, window))
    before = harness.count()
    with pytest.raises(CarrierValidationError):
        adapter.order_pickup(
            PickupRequest(SENDER.__class__(name="", street="", city="", postcode="x"), window)
        )
    assert harness.count() == before


def test_points_near_a_postcode(adapter, harness):
    points = adapter.points(postcode="31-050", limit=5)
    assert [p.point_id for p in points] == ["220001", "220002"]
    office, orlen = points
    assert office.kind is PointKind.POST_OFFICE and office.cod and office.postcode == "31-045"
    assert orlen.kind is PointKind.PICKUP_POINT and not orlen.cod
    assert office.latitude == pytest.approx(50.0626)
    body = etree.fromstring(harness.calls_to("SOAP getPlacowkiPocztowe")[0].body)
    assert body.findtext(".//idWojewodztwo") == "12"


def test_points_by_city_and_street(adapter):
    points = adapter.points(city="Warszawa", street="Marszałkowska")
    assert [p.point_id for p in points] == ["210002"]
    assert adapter.points(postcode="31-050", limit=1)[0].point_id == "220001"
