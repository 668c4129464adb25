"""Outbox kinds for orders: the fulfillment status and a tracking number, how each is sent and
recognised on Allegro (entry points: orders.actions)."""

from __future__ import annotations

from desk.extensions import db
from desk.models import Order, OrderChange, OutboxMessage
from desk.models.order import shipment_record
from desk.services import outbox
from desk.services.orders.store import upsert_forms
from integrations.allegro import AllegroClient

FULFILLMENT = "fulfillment_status"
TRACKING = "tracking_number"


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
        _remember_shipment(order, message)
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


def _remember_shipment(order: Order, message: OutboxMessage) -> None:
    """Add the waybill just sent to the order's stored tracking numbers, when they were read before
    (otherwise the first read brings all of them)."""
    if order.shipments is None:
        return
    payload = message.payload
    record = shipment_record(
        id=(message.result or {}).get("shipment_id"),
        waybill=payload["waybill"],
        carrier_id=payload["carrier_id"],
        carrier_name=payload.get("carrier_name"),
        created_at=message.sent_at,
    )
    known = {s.get("id") for s in order.shipments}
    if record["id"] is None or record["id"] not in known:
        order.shipments = [*order.shipments, record]


HANDLERS: outbox.Handlers = {
    FULFILLMENT: outbox.Handler(send=_send_fulfillment, confirm=_confirm_fulfillment, after=_refresh_order),
    TRACKING: outbox.Handler(send=_send_tracking, confirm=_confirm_tracking, after=_refresh_order),
}
