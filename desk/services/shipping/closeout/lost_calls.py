"""Courier calls whose answer was lost (CHECKING): read back from the carrier before anything else is
called for their shipments, so a seller never gets two couriers.

A call is read back only once it has settled (SETTLE after it left: a carrier may still be applying a
request whose answer timed out). The carrier then says:
- there is such a call: the pickup is ORDERED, as the carrier has it;
- there is none: it certainly never arrived, so the pickup goes back to ORDERING (the same form may send
  it again; its shipments may go into a new call);
- it cannot tell (DPD and Poczta Polska offer no read-back by our key, or it cannot be asked now): the
  pickup stays CHECKING, nothing is called for its shipments, and an agent who asked the carrier by
  other means settles it (`settle`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select

from desk.extensions import db
from desk.models.pickup import Pickup, PickupStatus
from desk.models.shipment import Shipment
from desk.orm import utcnow
from desk.services.errors import N_, NotFoundError, ValidationError
from desk.services.shipping.dispatch import PortFor
from integrations.carriers import Address, CarrierError, LookupUnsupported, PickupRequest, PickupWindow
from integrations.carriers import Pickup as CarrierPickup

SETTLE = dt.timedelta(minutes=5)  # longer than any carrier request may take (transport timeouts)
NOT_RECEIVED = "not received by the carrier (read back); it may be sent again"


def request_of(pickup: Pickup) -> PickupRequest:
    """The courier call a pickup row stands for, as it is (or was) sent to the carrier."""
    ids = [int(shipment_id) for shipment_id in pickup.shipment_ids or []]
    shipments = list(db.session.scalars(select(Shipment).where(Shipment.id.in_(ids)).order_by(Shipment.id)))
    parcels = [parcel for s in shipments for parcel in (s.request or {}).get("parcels", [])]
    return PickupRequest(
        address=Address(**pickup.address),
        window=PickupWindow(start=pickup.asked_start, end=pickup.asked_end, proposal_id=pickup.proposal_id),
        shipment_ids=tuple(s.carrier_shipment_id for s in shipments if s.carrier_shipment_id),
        parcel_count=max(len(parcels), len(shipments)),
        total_weight_g=sum(int(parcel.get("weight_g") or 0) for parcel in parcels),
        idempotency_key=pickup.idempotency_key,
    )


def ordered(pickup: Pickup, result: CarrierPickup) -> None:
    """Mark the pickup as the carrier accepted it (its id, state and the window it confirmed)."""
    pickup.status = PickupStatus.ORDERED
    pickup.ordered_at = pickup.ordered_at or utcnow()
    pickup.carrier_pickup_id = result.pickup_id or pickup.carrier_pickup_id
    pickup.carrier_state = result.state
    if result.window is not None:
        pickup.confirmed_start, pickup.confirmed_end = result.window.start, result.window.end


def recheck(port_for: PortFor, pickup: Pickup, *, now: dt.datetime | None = None) -> Pickup:
    """Ask the carrier what became of a call whose answer was lost; see the module's docstring. A pickup
    that is not CHECKING, or has not settled yet, is returned as it is. Commits."""
    now = now or utcnow()
    if pickup.status is not PickupStatus.CHECKING or (pickup.sent_at and now - pickup.sent_at < SETTLE):
        return pickup
    try:
        found = port_for(pickup.carrier, pickup.account_id).find_pickup(request_of(pickup))
    except LookupUnsupported as exc:
        pickup.last_error = str(exc)
    except CarrierError as exc:  # cannot be asked now: ask again next time
        pickup.last_error = str(exc)
    else:
        if found is None:
            pickup.status = PickupStatus.ORDERING
            pickup.last_error = NOT_RECEIVED
        else:
            ordered(pickup, found)
            pickup.last_error = None
    db.session.commit()
    return pickup


def recheck_holding(
    port_for: PortFor,
    account_id: int,
    carrier: str,
    shipment_ids: Iterable[int],
    *,
    now: dt.datetime | None = None,
) -> list[Pickup]:
    """Read back every lost call of the account and carrier that holds any of the shipments (before a new
    call for them); returns those that are still not known."""
    wanted = set(shipment_ids)
    lost = db.session.scalars(
        select(Pickup).where(
            Pickup.account_id == account_id,
            Pickup.carrier == carrier,
            Pickup.status == PickupStatus.CHECKING,
        )
    )
    holding = [pickup for pickup in lost if wanted & {int(i) for i in pickup.shipment_ids or []}]
    rechecked = [recheck(port_for, pickup, now=now) for pickup in holding]
    return [pickup for pickup in rechecked if pickup.status is PickupStatus.CHECKING]


def lost_call(pickup_id: int, account_ids: set[int] | None) -> Pickup:
    """A pickup the caller may see (NotFoundError otherwise)."""
    pickup = db.session.get(Pickup, pickup_id)
    if pickup is None or (account_ids is not None and pickup.account_id not in account_ids):
        raise NotFoundError(N_("Pickup not found."))
    return pickup


def settle(
    pickup_id: int, account_ids: set[int] | None, *, coming: bool, agent_id: int | None = None
) -> Pickup:
    """What an agent learnt from the carrier about a lost call it cannot read back: the courier is coming
    (ORDERED, with no number of the carrier's) or the carrier has no such call (ORDERING: it may be sent
    again). Only a CHECKING pickup can be settled. Commits."""
    pickup = lost_call(pickup_id, account_ids)
    if pickup.status is not PickupStatus.CHECKING:
        raise ValidationError(N_("Only a call whose answer was lost can be settled."))
    if coming:
        ordered(pickup, CarrierPickup(pickup.carrier, pickup.carrier_pickup_id or "", "confirmed by phone"))
        pickup.last_error = None
    else:
        pickup.status = PickupStatus.ORDERING
        pickup.last_error = NOT_RECEIVED
    pickup.created_by = pickup.created_by or agent_id
    db.session.commit()
    return pickup

