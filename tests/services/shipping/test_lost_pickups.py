"""Courier calls whose answer was lost are read back from the carrier before any new call, so a seller
never gets two couriers: the fakes drop the answer (after applying the call, or before), the desk reads
the call back once it has settled, and a carrier that cannot be asked is settled by an agent."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Pickup, PickupStatus
from desk.orm import utcnow
from desk.services.errors import NotFoundError, ValidationError
from desk.services.shipping.closeout import day as closeout
from desk.services.shipping.closeout import lost_calls, pickups
from desk.services.shipping.closeout.pickups import PickupFormError, PickupOrder
from desk.wiring.carriers import FAKE_CARRIERS
from integrations.carriers.dpd.fake import harness_of
from tests.services.shipping.closeout_helpers import (
    DISPATCH,
    inpost_state,
    labelled,
    make_account,
    port_for_app,
)

DPD_CALL = "SOAP packagesPickupCallV4"
LIST = "GET /v1/organizations/{org_id}/dispatch_orders"


@pytest.fixture
def inpost(app):
    return inpost_state(app)


@pytest.fixture
def port_for(app):
    return port_for_app(app)


@pytest.fixture
def account(app):
    return make_account()


def later() -> dt.datetime:
    """Once a lost call has settled at the carrier."""
    return utcnow() + lost_calls.SETTLE + dt.timedelta(seconds=1)


def form(port_for, account, shipments, key, carrier="inpost", like: PickupOrder | None = None) -> PickupOrder:
    """The pickup form of the shipments (`like`: the same day and window as an earlier form, since the
    form's own list of windows leaves out parcels already in a call)."""
    if like is None:
        day = pickups.next_working_day(closeout.today() + dt.timedelta(days=1))
        window = pickups.windows(port_for, account.id, carrier, day, [s.id for s in shipments])[0]
    else:
        day, window = like.day, like.window
    return PickupOrder(account.id, carrier, day, window, tuple(s.id for s in shipments), key)


def dpd_harness(app):
    port_for_app(app)("dpd", 0)  # starts the fakes
    return harness_of(app.extensions[FAKE_CARRIERS]["dpd"].server)


def test_a_call_applied_but_unanswered_is_read_back_and_never_made_twice(app, inpost, port_for, account):
    shipments = [labelled(app, account), labelled(app, account)]
    order = form(port_for, account, shipments, "form-1")
    inpost.harness.fail_after_commit(DISPATCH, 504)  # the carrier applies the call, the answer is lost
    lost = pickups.order_pickup(port_for, order)
    assert lost.status is PickupStatus.CHECKING and lost.sent_at is not None
    assert pickups.order_pickup(port_for, order).status is PickupStatus.CHECKING  # not settled yet: no call
    assert inpost.harness.count(LIST) == 0
    again = pickups.order_pickup(port_for, order, now=later())  # the same form later: read back first
    assert again.id == lost.id and again.status is PickupStatus.ORDERED
    (dispatch_order,) = inpost.dispatch_orders.values()
    assert again.carrier_pickup_id == str(dispatch_order["id"]) and inpost.harness.count(LIST) == 1
    with pytest.raises(PickupFormError) as refused:  # a new form for the same parcels
        pickups.order_pickup(port_for, form(port_for, account, shipments, "form-2", like=order), now=later())
    assert refused.value.field == "shipments"
    assert inpost.harness.count(DISPATCH) == 1 and len(inpost.dispatch_orders) == 1


def test_a_new_form_reads_the_lost_call_of_its_parcels_back_before_calling(app, inpost, port_for, account):
    shipments = [labelled(app, account)]
    first_form = form(port_for, account, shipments, "form-1")
    inpost.harness.fail_after_commit(DISPATCH, 504)
    pickups.order_pickup(port_for, first_form)
    with pytest.raises(PickupFormError):  # another tab, another key, at once: the lost call holds them
        pickups.order_pickup(port_for, form(port_for, account, shipments, "form-2", like=first_form))
    assert inpost.harness.count(LIST) == 0  # not settled yet: not even asked
    with pytest.raises(PickupFormError):  # later: read back, it is a courier already coming
        another = form(port_for, account, shipments, "form-3", like=first_form)
        pickups.order_pickup(port_for, another, now=later())
    first = db.session.scalar(select(Pickup).where(Pickup.idempotency_key == "form-1"))
    assert first.status is PickupStatus.ORDERED
    assert inpost.harness.count(DISPATCH) == 1 and len(inpost.dispatch_orders) == 1


def test_a_call_that_never_arrived_is_sent_again_once_the_carrier_says_it_has_none(
    app, inpost, port_for, account
):
    shipments = [labelled(app, account)]
    order = form(port_for, account, shipments, "form-1")
    inpost.harness.drop_before(DISPATCH)  # the connection breaks before the carrier applies anything
    lost = pickups.order_pickup(port_for, order)
    assert lost.status is PickupStatus.CHECKING and not inpost.dispatch_orders
    again = pickups.order_pickup(port_for, order, now=later())
    assert again.id == lost.id and again.status is PickupStatus.ORDERED
    assert len(inpost.dispatch_orders) == 1 and inpost.harness.count(DISPATCH) == 2


def test_a_carrier_that_cannot_be_asked_blocks_its_parcels_until_an_agent_settles_it(app, port_for, account):
    harness = dpd_harness(app)
    shipments = [labelled(app, account, carrier="dpd", service="dpd_classic")]
    first_form = form(port_for, account, shipments, "dpd-1", "dpd")
    harness.fail_after_commit(DPD_CALL, 500)
    lost = pickups.order_pickup(port_for, first_form)
    assert lost.status is PickupStatus.CHECKING
    with pytest.raises(PickupFormError):  # DPD cannot read the call back: nothing is called again
        another = form(port_for, account, shipments, "dpd-2", "dpd", first_form)
        pickups.order_pickup(port_for, another, now=later())
    assert "DPD" in db.session.get(Pickup, lost.id).last_error and harness.count(DPD_CALL) == 1
    with pytest.raises(NotFoundError):  # another account's agent
        lost_calls.settle(lost.id, {account.id + 1}, coming=True)
    settled = lost_calls.settle(lost.id, {account.id}, coming=True)  # the agent phoned DPD: it is coming
    assert settled.status is PickupStatus.ORDERED and settled.carrier_state == "confirmed by phone"
    with pytest.raises(ValidationError):
        lost_calls.settle(lost.id, {account.id}, coming=False)
    with pytest.raises(PickupFormError):
        another = form(port_for, account, shipments, "dpd-3", "dpd", first_form)
        pickups.order_pickup(port_for, another, now=later())
    assert harness.count(DPD_CALL) == 1


def test_an_agent_who_learns_the_carrier_has_no_such_call_may_call_once_more(app, port_for, account):
    harness = dpd_harness(app)
    shipments = [labelled(app, account, carrier="dpd", service="dpd_classic")]
    first_form = form(port_for, account, shipments, "dpd-1", "dpd")
    harness.drop_before(DPD_CALL)
    lost = pickups.order_pickup(port_for, first_form)
    assert lost.status is PickupStatus.CHECKING
    lost_calls.settle(lost.id, None, coming=False)
    called = pickups.order_pickup(port_for, form(port_for, account, shipments, "dpd-2", "dpd"))
    assert called.status is PickupStatus.ORDERED and harness.count(DPD_CALL) == 2
    assert db.session.scalar(
        select(func.count(Pickup.id)).where(Pickup.status == PickupStatus.ORDERED)
    ) == 1
    with pytest.raises(PickupFormError):  # the first form again: its parcels have their courier
        pickups.order_pickup(port_for, first_form)


def test_two_requests_resending_one_lost_call_at_once_call_one_courier(app, inpost, port_for, account):
    shipments = [labelled(app, account), labelled(app, account)]
    order = form(port_for, account, shipments, "form-1")
    inpost.harness.drop_before(DISPATCH)  # never arrived
    assert pickups.order_pickup(port_for, order).status is PickupStatus.CHECKING
    barrier = threading.Barrier(2)
    outcomes: list = []
    errors: list = []

    def resend() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                outcomes.append(pickups.order_pickup(port_for, order, now=later()).status)
            except BaseException as exc:  # noqa: BLE001  (reported below)
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=resend) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(outcomes) == 2
    assert len(inpost.dispatch_orders) == 1 and inpost.harness.count(DISPATCH) == 2  # dropped + one
    db.session.expire_all()
    assert db.session.scalar(select(Pickup)).status is PickupStatus.ORDERED
