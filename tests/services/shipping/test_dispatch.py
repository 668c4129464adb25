"""Shipment orders reach the carrier exactly once, whatever the network does (the carriers' fakes run
in-process over loopback, as `make run` has them)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models import SellerAccount, Shipment, ShipmentStatus
from desk.services.shipping import dispatch
from desk.services.shipping.dispatch import ShipmentOrder, ShipmentRefused
from desk.wiring.carriers import FAKE_CARRIERS, get_carriers
from tests.billing_helpers import fund, quoted
from tests.integrations.carriers.helpers import RECEIVER, request

CREATE = "POST /v1/organizations/{org_id}/shipments"


@pytest.fixture
def account(app) -> SellerAccount:
    account = SellerAccount(name="Sklep wysyłkowy")
    db.session.add(account)
    db.session.commit()
    fund(account.id)
    return account


@pytest.fixture
def port_for(app):
    gateway = get_carriers(app)
    return lambda carrier, account_id: gateway.port(carrier, account_id=account_id)


@pytest.fixture
def inpost(app, port_for):
    """The in-process fake ShipX the app ships through (processing by hand)."""
    state = app.extensions[FAKE_CARRIERS]["inpost"].server.state
    state.seconds_per_step = None
    state.gets_per_step = 1
    return state


def courier(key: str = "form-1", **changes) -> dispatch.ShipmentRequest:
    return request(**{"service": "inpost_courier_standard", "idempotency_key": key, **changes})


def order(account, key: str = "form-1", **changes) -> ShipmentOrder:
    return quoted(ShipmentOrder(account_id=account.id, carrier="inpost", request=courier(key, **changes)))


def test_a_shipment_is_recorded_sent_and_confirmed_with_its_waybill(account, port_for, inpost):
    shipment = dispatch.order_shipment(port_for, order(account), agent_id=None)
    assert shipment.status is ShipmentStatus.PENDING and shipment.carrier_shipment_id
    assert shipment.request["receiver"]["postcode"] == "00-950"
    for _ in range(3):
        dispatch.check(port_for, shipment)
    assert shipment.status is ShipmentStatus.CONFIRMED
    assert len(shipment.waybills[0]) == 24 and shipment.confirmed_at is not None
    assert inpost.harness.count(CREATE) == 1


def test_the_same_form_twice_orders_once(account, port_for, inpost):
    first = dispatch.order_shipment(port_for, order(account))
    again = dispatch.order_shipment(port_for, order(account))
    assert again.id == first.id
    assert inpost.harness.count(CREATE) == 1
    assert db.session.scalar(select(db.func.count(Shipment.id))) == 1


def test_bad_data_is_refused_before_anything_is_recorded_or_sent(account, port_for, inpost):
    bad = order(account, receiver=dataclasses.replace(RECEIVER, postcode="00950"))
    with pytest.raises(ShipmentRefused) as refused:
        dispatch.order_shipment(port_for, bad)
    assert [p.field for p in refused.value.problems] == ["receiver.postcode"]
    assert db.session.scalar(select(Shipment)) is None and inpost.harness.count() == 0


def test_a_lost_answer_is_read_back_not_sent_again(account, port_for, inpost):
    inpost.harness.fail_after_commit(CREATE)
    shipment = dispatch.order_shipment(port_for, order(account))
    assert shipment.status is ShipmentStatus.CHECKING and shipment.next_check_at is not None
    dispatch.check(port_for, shipment)
    assert shipment.status in (ShipmentStatus.PENDING, ShipmentStatus.CONFIRMED)
    assert shipment.carrier_shipment_id and inpost.harness.count(CREATE) == 1
    assert len(inpost.shipments) == 1


def test_a_request_that_never_arrived_is_sent_again_after_reading(account, port_for, inpost):
    inpost.harness.drop_before(CREATE)
    shipment = dispatch.order_shipment(port_for, order(account))
    assert shipment.status is ShipmentStatus.CHECKING  # the desk cannot tell a drop before from one after
    dispatch.check(port_for, shipment)
    assert shipment.status is ShipmentStatus.PENDING
    assert len(inpost.shipments) == 1 and shipment.attempts == 2


def test_a_crash_between_recording_and_sending_is_repaired_by_the_job(app, account, port_for, inpost):
    shipment = dispatch._record(order(account), None)
    shipment.status = ShipmentStatus.CHECKING  # the process died with the request in flight
    shipment.next_check_at = dispatch.utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    outcome = dispatch.deliver_due(port_for)
    assert outcome == {"pending": 1}
    assert len(inpost.shipments) == 1
    assert dispatch.deliver_due(port_for) == {}  # nothing due again yet


def test_a_carrier_refusal_keeps_the_request_and_the_reasons(account, port_for, inpost):
    inpost.harness.fail_next(
        CREATE,
        400,
        body='{"status":400,"error":"validation_failed","message":"bad","details":{"receiver":[{"phone":["invalid"]}]}}',
    )
    shipment = dispatch.order_shipment(port_for, order(account))
    assert shipment.status is ShipmentStatus.FAILED and shipment.next_check_at is None
    assert shipment.problems[0]["field"] == "receiver.phone"
    assert shipment.request["reference"] == "ZAM-2026-0001"


def test_two_workers_never_claim_the_same_shipment(account, port_for, inpost):
    inpost.harness.drop_before(CREATE)
    shipment = dispatch.order_shipment(port_for, order(account))
    later = shipment.next_check_at + dt.timedelta(seconds=1)
    first = dispatch.claim_due(later)
    second = dispatch.claim_due(later)
    assert [s.id for s in first] == [shipment.id] and second == []


def test_cancel_before_purchase_and_the_reason_after(account, port_for, inpost):
    inpost.gets_per_step = None  # stays created until processed by hand
    shipment = dispatch.order_shipment(port_for, order(account))
    assert dispatch.cancel(port_for, shipment).status is ShipmentStatus.CANCELLED
    other = dispatch.order_shipment(port_for, order(account, key="form-2"))
    inpost.process_all()
    dispatch.check(port_for, other)
    dispatch.check(port_for, other)
    with pytest.raises(dispatch.CannotCancel):
        dispatch.cancel(port_for, other)
