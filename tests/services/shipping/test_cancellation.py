"""Cancelling on the broker's terms: free with a full refund until 2 h before the planned pickup, then
only by an administrator for 15.00 zł (never more than the price), never once the carrier has the
parcel; the refund and the fee are posted once."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models import EntryKind, LedgerEntry, Pickup, PickupStatus, ShipmentStatus
from desk.services import billing
from desk.services.billing.policy import BillingPolicy
from desk.services.shared.workdays import WARSAW
from desk.services.shipping import cancellation, dispatch
from tests.services.shipping import test_dispatch as shipping_fixtures

# the shipping tests' fixtures: an account with a balance, the carrier ports, the fake InPost
account = shipping_fixtures.account
port_for = shipping_fixtures.port_for
inpost = shipping_fixtures.inpost
order = shipping_fixtures.order

POLICY = BillingPolicy()


def warsaw(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WARSAW).astimezone(dt.UTC)


@pytest.fixture
def shipment(account, port_for, inpost):
    """An InPost courier shipment accepted by the carrier (not bought yet), ordered Thursday 3 December
    2026 at 10:00 in Poland."""
    inpost.gets_per_step = None
    found = dispatch.order_shipment(port_for, order(account))
    assert found.status is ShipmentStatus.PENDING
    found.created_at = warsaw(2026, 12, 3, 10, 0)
    db.session.commit()
    return found


def kinds(account_id: int) -> list[EntryKind]:
    return list(db.session.scalars(select(LedgerEntry.kind).where(LedgerEntry.account_id == account_id)
                                   .order_by(LedgerEntry.seq)))


def test_the_planned_pickup_is_the_carriers_cutoff_on_the_day_the_parcel_leaves(shipment):
    assert cancellation.planned_pickup(shipment) == warsaw(2026, 12, 3, 16, 0)  # InPost: 16:00
    shipment.created_at = warsaw(2026, 12, 3, 17, 30)  # after the cutoff: the next working day
    assert cancellation.planned_pickup(shipment) == warsaw(2026, 12, 4, 16, 0)
    shipment.created_at = warsaw(2026, 12, 24, 9, 0)  # Christmas Eve is a day off from 2025
    assert cancellation.planned_pickup(shipment) == warsaw(2026, 12, 28, 16, 0)


def test_an_ordered_courier_pickup_is_the_planned_pickup(shipment, port_for):
    db.session.add(Pickup(
        account_id=shipment.account_id, carrier="inpost", status=PickupStatus.ORDERED, idempotency_key="p1",
        day=dt.date(2026, 12, 4), asked_start=warsaw(2026, 12, 4, 10, 0),
        asked_end=warsaw(2026, 12, 4, 14, 0),
        confirmed_start=warsaw(2026, 12, 4, 11, 0), shipment_ids=[shipment.id], address={},
    ))
    db.session.commit()
    assert cancellation.planned_pickup(shipment) == warsaw(2026, 12, 4, 11, 0)
    free = cancellation.cancel_option(port_for, shipment, now=warsaw(2026, 12, 4, 8, 59), policy=POLICY,
                                      by_admin=False)
    late = cancellation.cancel_option(port_for, shipment, now=warsaw(2026, 12, 4, 9, 0), policy=POLICY,
                                      by_admin=False)
    assert free.allowed and free.free_until == warsaw(2026, 12, 4, 9, 0) and not late.allowed


def test_free_before_the_cutoff_with_the_whole_charge_back_once(shipment, port_for):
    start = billing.balance(shipment.account_id)
    done = cancellation.cancel_shipment(port_for, shipment, now=warsaw(2026, 12, 3, 13, 59), policy=POLICY,
                                        by_admin=False, actor_id=None)
    assert done.fee == 0 and done.refund == shipment.price_gross
    assert shipment.status is ShipmentStatus.CANCELLED
    assert billing.balance(shipment.account_id) == start + shipment.price_gross
    with pytest.raises(dispatch.CannotCancel):
        cancellation.cancel_shipment(port_for, shipment, now=warsaw(2026, 12, 3, 13, 59), policy=POLICY,
                                     by_admin=False, actor_id=None)
    assert kinds(shipment.account_id).count(EntryKind.CANCEL_REFUND) == 1


def test_after_the_cutoff_an_agent_is_told_why_and_nothing_changes(shipment, port_for, inpost):
    before = kinds(shipment.account_id)
    option = cancellation.cancel_option(port_for, shipment, now=warsaw(2026, 12, 3, 14, 0), policy=POLICY,
                                        by_admin=False)
    assert not option.allowed and option.params == {"deadline": "03.12.2026 14:00", "fee": "15.00"}
    with pytest.raises(dispatch.CannotCancel) as refused:
        cancellation.cancel_shipment(port_for, shipment, now=warsaw(2026, 12, 3, 14, 0), policy=POLICY,
                                     by_admin=False, actor_id=None)
    assert "only the broker's administrator" in str(refused.value)
    assert shipment.status is ShipmentStatus.PENDING and kinds(shipment.account_id) == before


def test_an_administrator_cancels_after_the_cutoff_for_the_fee(shipment, port_for):
    start = billing.balance(shipment.account_id)
    done = cancellation.cancel_shipment(port_for, shipment, now=warsaw(2026, 12, 3, 15, 0), policy=POLICY,
                                        by_admin=True, actor_id=None)
    assert done.fee == Decimal("15.00")
    assert kinds(shipment.account_id)[-2:] == [EntryKind.CANCEL_REFUND, EntryKind.CANCEL_FEE]
    assert billing.balance(shipment.account_id) == start + shipment.price_gross - Decimal("15.00")


def test_the_fee_is_never_more_than_the_shipment_cost(account, port_for, inpost):
    inpost.gets_per_step = None
    cheap = order(account, key="cheap")
    cheap = dataclasses.replace(cheap, quote={**cheap.quote, "gross": "9.99"})
    shipment = dispatch.order_shipment(port_for, cheap)
    shipment.created_at = warsaw(2026, 12, 3, 10, 0)
    start = billing.balance(account.id)
    done = cancellation.cancel_shipment(port_for, shipment, now=warsaw(2026, 12, 3, 15, 0), policy=POLICY,
                                        by_admin=True, actor_id=None)
    assert done.fee == Decimal("9.99") and billing.balance(account.id) == start


def test_no_cancelling_once_the_carrier_has_the_parcel(shipment, port_for):
    shipment.tracking_state = "handed_over"
    option = cancellation.cancel_option(port_for, shipment, now=warsaw(2026, 12, 3, 9, 0), policy=POLICY,
                                        by_admin=True)
    assert not option.allowed and "already has the parcel" in option.reason


def test_inpost_is_cancelled_only_before_its_label_is_bought(shipment, port_for, inpost):
    inpost.process_all()
    dispatch.check(port_for, shipment)
    assert shipment.status is ShipmentStatus.CONFIRMED
    option = cancellation.cancel_option(port_for, shipment, now=warsaw(2026, 12, 3, 9, 0), policy=POLICY,
                                        by_admin=True)
    assert not option.allowed and "before the label" in option.reason
