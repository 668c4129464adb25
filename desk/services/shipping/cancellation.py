"""Cancelling a shipment on the broker's terms.

- The seller (any agent of the account) cancels free of charge until the cutoff: `policy.cancel_free_before`
  (2 h by default) before the planned pickup, and gets back everything the shipment was charged.
- After the cutoff only an administrator cancels ("manual cancellation"): the refund is posted with a
  fee of `policy.manual_cancel_fee` (15.00 zł gross), never more than the shipment was charged.
- Never once the carrier has the parcel (its tracking state is past "created"), and never where the
  carrier does not allow it: its capabilities say until when (`cancel_until`: before the label, before
  the parcel is in its books, before handover, never), and the carrier's own answer has the last word.

The planned pickup is when the carrier is to take the parcel:
1. the start of the courier pickup window the desk ordered for this shipment (a call that is ordered or
   in flight and lists it; the window the carrier confirmed, else the one asked for);
2. otherwise the carrier's daily cutoff (the last drop-off or pickup time of tracking.promises) on the day
   the parcel leaves: the day it was ordered if that was a working day before the cutoff, else the next
   Polish working day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from desk.extensions import db
from desk.models.pickup import Pickup
from desk.models.shipment import Shipment, ShipmentStatus
from desk.services import billing
from desk.services.billing.policy import BillingPolicy
from desk.services.errors import N_
from desk.services.shared.workdays import WARSAW, is_working_day, next_working_day
from desk.services.shipping import dispatch
from desk.services.shipping.closeout.pickups import TAKEN
from desk.services.shipping.tracking.promises import PROMISES
from integrations.carriers import CarrierError

DEFAULT_CUTOFF = dt.time(15, 0)  # a carrier without a promise of its own
NOT_PICKED_UP = (None, "created")  # tracking states in which the carrier does not have the parcel yet
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CancelOption:
    """Whether this agent may cancel now, what it costs and what comes back; `reason` says why not."""

    allowed: bool
    refund: Decimal = ZERO  # what the shipment was charged, given back
    fee: Decimal = ZERO  # the manual-cancellation fee (0.00: free)
    free_until: dt.datetime | None = None
    reason: str = ""
    params: dict = field(default_factory=dict)


def planned_pickup(shipment: Shipment) -> dt.datetime:
    """When the carrier is to take the parcel (see the module's docstring), as an aware UTC moment."""
    calls = db.session.scalars(
        select(Pickup)
        .where(Pickup.account_id == shipment.account_id, Pickup.carrier == shipment.carrier,
               Pickup.status.in_(TAKEN))
        .order_by(Pickup.asked_start)
    )
    for call in calls:
        if shipment.id in (call.shipment_ids or ()):
            return call.shown_start
    promise = PROMISES.get(shipment.carrier)
    cutoff = promise.cutoff if promise else DEFAULT_CUTOFF
    ordered = shipment.created_at.astimezone(WARSAW)
    day = ordered.date()
    if not is_working_day(day) or ordered.time() >= cutoff:
        day = next_working_day(day + dt.timedelta(days=1))
    return dt.datetime.combine(day, cutoff, tzinfo=WARSAW).astimezone(dt.UTC)


def _carrier_allows(port_for: dispatch.PortFor, shipment: Shipment) -> str:
    """"" when the carrier's rules allow cancelling the shipment as it stands, else why not."""
    try:
        until = port_for(shipment.carrier, shipment.account_id).capabilities().cancel_until
    except CarrierError:  # cannot tell now: the carrier's answer to the cancel decides
        return ""
    if until == "never":
        return N_("This carrier does not allow cancelling shipments.")
    if until == "before_label" and shipment.status is ShipmentStatus.CONFIRMED:
        return N_("The carrier allows cancelling only before the label is made.")
    return ""


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(WARSAW).strftime("%d.%m.%Y %H:%M")


def cancel_option(
    port_for: dispatch.PortFor, shipment: Shipment, *, now: dt.datetime, policy: BillingPolicy,
    by_admin: bool,
) -> CancelOption:
    """What cancelling the shipment now would mean for this agent. Sends nothing, writes nothing."""
    if shipment.status is ShipmentStatus.CANCELLED:
        return CancelOption(False, reason=N_("The shipment is already cancelled."))
    accepted = shipment.status in (ShipmentStatus.PENDING, ShipmentStatus.CONFIRMED)
    if not accepted or not shipment.carrier_shipment_id:
        return CancelOption(False, reason=N_("Only a shipment the carrier has accepted can be cancelled."))
    if shipment.tracking_state not in NOT_PICKED_UP:
        return CancelOption(
            False, reason=N_("The carrier already has the parcel: it can no longer be cancelled.")
        )
    refused = _carrier_allows(port_for, shipment)
    if refused:
        return CancelOption(False, reason=refused)
    refund = billing.charged(shipment.id)
    deadline = planned_pickup(shipment) - policy.cancel_free_before
    if now < deadline:
        return CancelOption(True, refund=refund, free_until=deadline)
    fee = billing.cancel_fee(policy.manual_cancel_fee, shipment.id)
    if not by_admin:
        return CancelOption(
            False, refund=refund, fee=fee, free_until=deadline,
            reason=N_("Free cancelling ended at %(deadline)s. Now only the broker's administrator can cancel"
                      " this shipment, for a fee of %(fee)s zł."),
            params={"deadline": _when(deadline), "fee": f"{policy.manual_cancel_fee:.2f}"},
        )
    return CancelOption(True, refund=refund, fee=fee, free_until=deadline)


def cancel_shipment(
    port_for: dispatch.PortFor, shipment: Shipment, *, now: dt.datetime, policy: BillingPolicy,
    by_admin: bool, actor_id: int | None,
) -> CancelOption:
    """Cancel at the carrier on the broker's terms: the refund (and, after the cutoff, the fee) posted
    in the commit that records the cancellation. Raises dispatch.CannotCancel saying why not."""
    option = cancel_option(port_for, shipment, now=now, policy=policy, by_admin=by_admin)
    if not option.allowed:
        raise dispatch.CannotCancel(option.reason, **option.params)
    dispatch.cancel(port_for, shipment, commit=False)
    if option.fee > 0:
        billing.charge_cancel_fee(
            account_id=shipment.account_id, shipment_id=shipment.id, fee=policy.manual_cancel_fee,
            actor_id=actor_id,
        )
    db.session.commit()
    return option
