"""Tracking: every carrier event stored once, the parcel's common state on its shipment, adaptive
follow-up that stops when the parcel is delivered."""

from __future__ import annotations

import datetime as dt

import pytest

from desk.extensions import db
from desk.models import ShipmentStatus
from desk.services.shipping import dispatch
from desk.services.shipping.tracking import events as tracking
from tests.services.shipping.test_dispatch import account, inpost, order, port_for  # noqa: F401 (fixtures)


@pytest.fixture
def t0():
    """A time after the shipment's own confirmation (the fake stamps that with the wall clock)."""
    return dispatch.utcnow() + dt.timedelta(minutes=5)


@pytest.fixture
def confirmed(account, port_for, inpost):  # noqa: F811
    shipment = dispatch.order_shipment(port_for, order(account))
    while shipment.status is not ShipmentStatus.CONFIRMED:
        dispatch.check(port_for, shipment)
    assert shipment.tracking_next_at is not None  # followed from the moment it has a waybill
    return shipment


def test_events_are_stored_once_and_move_the_state(confirmed, port_for, inpost, t0):  # noqa: F811
    fake_id = confirmed.carrier_shipment_id
    inpost.add_event(fake_id, "collected_from_sender", at=t0)
    inpost.add_event(fake_id, "adopted_at_sorting_center", at=t0 + dt.timedelta(hours=3), location="Pruszków")
    now = t0 + dt.timedelta(hours=4)
    assert tracking.refresh(port_for, confirmed, now) >= 2
    assert tracking.refresh(port_for, confirmed, now) == 0  # the same history again stores nothing
    assert confirmed.tracking_state == "in_transit"
    assert confirmed.tracking_next_at == now + tracking.EVERY["in_transit"]
    codes = [event.code for event in confirmed.events]
    assert codes.count("adopted_at_sorting_center") == 1
    assert any(event.location == "Pruszków" for event in confirmed.events)


def test_an_unknown_code_is_kept_raw_and_read_as_in_transit(confirmed, port_for, inpost, t0):  # noqa: F811
    inpost.add_event(confirmed.carrier_shipment_id, "teleported_to_mars", at=t0)
    tracking.refresh(port_for, confirmed, t0)
    event = next(e for e in confirmed.events if e.code == "teleported_to_mars")
    assert event.known is False and event.state == "in_transit"


def test_a_delivered_parcel_is_not_asked_about_again(confirmed, port_for, inpost, t0):  # noqa: F811
    inpost.add_event(confirmed.carrier_shipment_id, "delivered", at=t0)
    tracking.refresh(port_for, confirmed, t0)
    assert confirmed.tracking_state == "delivered" and confirmed.tracking_next_at is None
    assert tracking.claim_due(t0 + dt.timedelta(days=30)) == []


def test_the_job_reads_only_due_parcels_and_waits_after_a_carrier_error(confirmed, port_for, inpost):  # noqa: F811
    confirmed.tracking_next_at = dispatch.utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    inpost.harness.fail_next("GET /v1/tracking/{number}", 503, times=5)
    counts = tracking.track_due(port_for)
    assert counts == {"events": 0, "parcels": 1}
    assert confirmed.tracking_next_at > dispatch.utcnow() + dt.timedelta(minutes=10)
    assert tracking.track_due(port_for) == {}
