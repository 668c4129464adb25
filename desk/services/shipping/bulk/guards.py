"""One order, one shipment: which orders a batch must not take, checked when a batch is previewed,
again by the worker just before it sends, and kept by the database in between (one live item per order,
`uq_shipment_batch_item_live_order`)."""

from __future__ import annotations

from sqlalchemy import select

from desk.extensions import db
from desk.models import Shipment
from desk.models.shipment import BatchItemStatus, ShipmentBatchItem, ShipmentStatus
from desk.services.errors import N_

DONE_SHIPMENTS = (ShipmentStatus.FAILED, ShipmentStatus.CANCELLED)  # these do not stop a new shipment
ALREADY_SHIPPED = N_("This order already has a shipment.")
TAKEN_MEANWHILE = N_(
    "Another send took some of these orders a moment ago, so nothing was queued. Check them again: "
    "the preview shows which orders already have a shipment."
)
IN_ANOTHER_BATCH = N_("This order is being sent in another batch right now.")


def busy_orders(order_ids: list[int]) -> set[int]:
    """Orders that already have a shipment on its way or an item of a batch not failed."""
    shipped = select(Shipment.order_id).where(
        Shipment.order_id.in_(order_ids), Shipment.status.not_in(DONE_SHIPMENTS)
    )
    queued = select(ShipmentBatchItem.order_id).where(
        ShipmentBatchItem.order_id.in_(order_ids), ShipmentBatchItem.status != BatchItemStatus.FAILED
    )
    return set(db.session.scalars(shipped)) | set(db.session.scalars(queued))


def shipped_meanwhile(item: ShipmentBatchItem) -> bool:
    """Whether the item's order got a live shipment under another key since the item was queued (from
    its page, or a batch queued while this item's earlier attempt was being sent): never a second one."""
    if item.order_id is None:
        return False
    found = db.session.scalar(
        select(Shipment.id)
        .where(
            Shipment.order_id == item.order_id,
            Shipment.status.not_in(DONE_SHIPMENTS),
            Shipment.idempotency_key != item.idempotency_key,
        )
        .limit(1)
    )
    return found is not None
