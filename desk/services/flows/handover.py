"""What a shipment changes on its Allegro order: the waybills attached to the order (the buyer sees the
tracking without the agent typing it) and, once the carrier has the parcel, the order marked sent.

This sits above the orders and shipping areas (it uses both), like the sync and the outbox kinds. Each
write goes through the order's outbox exactly once: its key names the shipment, and the shipment records
that it was done. Wysyłam z Allegro attaches its waybills to the order itself, so only the broker's own
carriers are written here.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from desk.extensions import db
from desk.models import OutboxState
from desk.models.shipment import Shipment, ShipmentStatus
from desk.orm import utcnow
from desk.services.errors import DeskError
from desk.services.orders import actions as order_actions
from desk.services.ports import AllegroGateway

# the broker's carriers by the ids Allegro's order tracking knows
ALLEGRO_CARRIER_IDS = {"inpost": "INPOST", "dpd": "DPD", "poczta": "POCZTA_POLSKA"}
HANDED_OVER = {"handed_over", "in_transit", "out_for_delivery", "ready_for_pickup", "delivered"}
SENT_STATUS = "SENT"


def push_tracking(gateway: AllegroGateway, shipment: Shipment) -> bool:
    """Attach the shipment's waybills to its Allegro order once; True when Allegro has them."""
    carrier_id = ALLEGRO_CARRIER_IDS.get(shipment.carrier)
    if shipment.order_id is None or carrier_id is None or not shipment.waybills or shipment.order_tracking_at:
        return False
    for waybill in shipment.waybills:
        message = order_actions.add_tracking(
            gateway,
            order_id=shipment.order_id,
            carrier_id=carrier_id,
            waybill=waybill,
            carrier_name=None,
            agent_id=shipment.created_by,
            idempotency_key=f"shipment-{shipment.id}-{waybill}",
            account_ids=None,
        )
        if message.state is not OutboxState.SENT:
            return False  # it waits in the outbox (or failed there, shown on the order page)
    shipment.order_tracking_at = utcnow()
    db.session.commit()
    return True


def mark_sent(gateway: AllegroGateway, shipment: Shipment) -> bool:
    """Set the order's status to sent once the carrier reports it has the parcel; True when done."""
    if shipment.order_id is None or shipment.order_sent_at or shipment.tracking_state not in HANDED_OVER:
        return False
    result = order_actions.change_status(
        gateway,
        order_id=shipment.order_id,
        status=SENT_STATUS,
        agent_id=None,
        idempotency_key=f"shipment-{shipment.id}-sent",
        account_ids=None,
    )
    if result.message.state is not OutboxState.SENT:
        return False
    shipment.order_sent_at = utcnow()
    db.session.commit()
    return True


def push_due(gateway: AllegroGateway, *, sent_on_handover: bool, limit: int = 200) -> dict[str, int]:
    """The job's part: every confirmed shipment of an order whose Allegro order still lacks its waybills,
    or (with `sent_on_handover`) its "sent" status after the carrier took the parcel."""
    counts: Counter[str] = Counter()
    waiting = Shipment.order_tracking_at.is_(None) & Shipment.carrier.in_(ALLEGRO_CARRIER_IDS)
    if sent_on_handover:
        waiting |= Shipment.order_sent_at.is_(None) & Shipment.tracking_state.in_(HANDED_OVER)
    query = (
        select(Shipment)
        .where(
            Shipment.order_id.is_not(None),
            Shipment.status.in_((ShipmentStatus.CONFIRMED, ShipmentStatus.SENT)),
        )
        .where(waiting)
        .order_by(Shipment.id)
        .limit(limit)
    )
    for shipment in db.session.scalars(query).all():
        try:
            counts["tracking"] += push_tracking(gateway, shipment)
            if sent_on_handover:
                counts["sent"] += mark_sent(gateway, shipment)
        except DeskError as exc:  # an order the desk no longer holds, a refused write: the next run retries
            counts["skipped"] += 1
            shipment.last_error = str(exc)
            db.session.commit()
    return dict(counts)
