"""Agent writes on orders (fulfillment status, tracking numbers), sent through the outbox."""

from __future__ import annotations

from desk.extensions import db
from desk.models import Order, OrderChange, OutboxMessage
from desk.services import outbox
from desk.services.errors import N_, NotFoundError, ValidationError
from desk.services.orders.store import upsert_forms
from desk.services.ports import AllegroGateway
from integrations.allegro import AllegroClient

# Statuses a seller may set (RETURNED is only ever set by Allegro itself).
SETTABLE_STATUSES = (
    "NEW",
    "PROCESSING",
    "READY_FOR_SHIPMENT",
    "READY_FOR_PICKUP",
    "SENT",
    "PICKED_UP",
    "CANCELLED",
    "SUSPENDED",
)
FULFILLMENT = "fulfillment_status"
TRACKING = "tracking_number"


def _order(order_id: int) -> Order:
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFoundError(N_("Order not found."))
    return order


def change_fulfillment_status(
    gateway: AllegroGateway, *, order_id: int, status: str, agent_id: int | None, idempotency_key: str
) -> OutboxMessage:
    """Set the seller status of an order on Allegro (checked against the revision we hold)."""
    if status not in SETTABLE_STATUSES:
        raise ValidationError(N_("Status %(status)s cannot be set by the seller."), status=status)
    order = _order(order_id)
    message = outbox.enqueue(
        account_id=order.account_id,
        kind=FULFILLMENT,
        target_id=order.allegro_id,
        payload={"status": status, "revision": order.revision, "order_id": order.id},
        idempotency_key=idempotency_key,
        agent_id=agent_id,
    )
    return outbox.deliver(gateway, message.id)


def add_tracking_number(
    gateway: AllegroGateway,
    *,
    order_id: int,
    carrier_id: str,
    waybill: str,
    carrier_name: str | None = None,
    agent_id: int | None,
    idempotency_key: str,
) -> OutboxMessage:
    """Attach a waybill to an order on Allegro, exactly once."""
    waybill = (waybill or "").strip()
    if not 1 <= len(waybill) <= 64:
        raise ValidationError(N_("The tracking number must have 1 to 64 characters."))
    if not carrier_id:
        raise ValidationError(N_("Choose a carrier."))
    if carrier_id == "OTHER" and not (carrier_name or "").strip():
        raise ValidationError(N_("Give the carrier's name when the carrier is 'other'."))
    if carrier_name and len(carrier_name) > 30:
        raise ValidationError(N_("The carrier name may have at most 30 characters."))
    order = _order(order_id)
    message = outbox.enqueue(
        account_id=order.account_id,
        kind=TRACKING,
        target_id=order.allegro_id,
        payload={
            "carrier_id": carrier_id,
            "waybill": waybill,
            "carrier_name": carrier_name if carrier_id == "OTHER" else None,
            "order_id": order.id,
        },
        idempotency_key=idempotency_key,
        agent_id=agent_id,
    )
    return outbox.deliver(gateway, message.id)


def _send_fulfillment(client: AllegroClient, message: OutboxMessage) -> dict:
    client.set_fulfillment_status(
        message.target_id, message.payload["status"], revision=message.payload.get("revision"), retry=False
    )
    return {"status": message.payload["status"]}


def _confirm_fulfillment(client: AllegroClient, message: OutboxMessage) -> dict | None:
    form = client.get_checkout_form(message.target_id)
    status = form.fulfillment.status if form.fulfillment else None
    return {"status": status} if status == message.payload["status"] else None


def _send_tracking(client: AllegroClient, message: OutboxMessage) -> dict:
    payload = message.payload
    shipment = client.add_shipment(
        message.target_id,
        carrier_id=payload["carrier_id"],
        waybill=payload["waybill"],
        carrier_name=payload.get("carrier_name"),
    )
    return {"shipment_id": shipment.id}


def _confirm_tracking(client: AllegroClient, message: OutboxMessage) -> dict | None:
    payload = message.payload
    for shipment in client.list_shipments(message.target_id):
        if shipment.waybill == payload["waybill"] and shipment.carrier_id == payload["carrier_id"]:
            return {"shipment_id": shipment.id}
    return None


def _refresh_order(client: AllegroClient, message: OutboxMessage) -> None:
    """Re-read the order after a write so the desk shows Allegro's view (and the new revision)."""
    order = db.session.get(Order, message.payload["order_id"])
    if order is None:
        return
    form = client.get_checkout_form(message.target_id)
    upsert_forms(order.account_id, [form], source="agent", existing={order.allegro_id: order})
    if message.kind == TRACKING:
        order.changes.append(
            OrderChange(
                source="agent",
                field="tracking_number",
                new_value=f"{message.payload['carrier_id']} {message.payload['waybill']}"[:255],
                agent_id=message.created_by,
            )
        )
    for change in order.changes:
        if change.source == "agent" and change.agent_id is None:
            change.agent_id = message.created_by


outbox.register(
    FULFILLMENT,
    outbox.Handler(send=_send_fulfillment, confirm=_confirm_fulfillment, after=_refresh_order),
)
outbox.register(
    TRACKING, outbox.Handler(send=_send_tracking, confirm=_confirm_tracking, after=_refresh_order)
)
