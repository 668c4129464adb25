"""Order actions that write to Allegro: status and tracking through the outbox, re-reads after a
conflict, carriers for tracking numbers, and bulk status changes with a preview.

Every function takes `account_ids`, the seller accounts the caller may see (None means all).
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, OutboxMessage, OutboxState
from desk.services import outbox
from desk.services.errors import N_, DeskError, NotFoundError, ValidationError
from desk.services.orders.cache import TtlCache
from desk.services.orders.listing import visible_order
from desk.services.orders.store import upsert_forms
from desk.services.orders.writes import FULFILLMENT, HANDLERS, TRACKING
from desk.services.ports import AllegroGateway
from integrations.allegro import AllegroError, Carrier

log = logging.getLogger(__name__)
MAX_BULK = 200
CONFLICT_CODES = frozenset({"CONFLICT", "http_409"})
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


# --- writes to Allegro --------------------------------------------------------------------------


@dataclass(frozen=True)
class WriteResult:
    message: OutboxMessage
    conflict: bool = False  # the order had changed on Allegro; it has been re-read since


def change_status(
    gateway: AllegroGateway, *, order_id: int, status: str, agent_id: int | None, idempotency_key: str,
    account_ids: set[int] | None,
) -> WriteResult:
    """Set the seller status of a visible order on Allegro (checked against the revision we hold),
    through the outbox; after a revision conflict, re-read the order. Commits."""
    if status not in SETTABLE_STATUSES:
        raise ValidationError(N_("Status %(status)s cannot be set by the seller."), status=status)
    order = visible_order(order_id, account_ids)
    message = _write(
        gateway, order, FULFILLMENT, idempotency_key, agent_id,
        {"status": status, "revision": order.revision, "order_id": order.id},
    )
    conflict = message.state is OutboxState.FAILED and message.last_error_code in CONFLICT_CODES
    if conflict:
        try:
            refresh_order(gateway, order_id)
        except DeskError:  # the page still explains the conflict; the next sync heals the copy
            log.info("re-read of order %s after a conflict failed", order_id)
    return WriteResult(message, conflict)


def add_tracking(
    gateway: AllegroGateway, *, order_id: int, carrier_id: str, waybill: str, carrier_name: str | None,
    agent_id: int | None, idempotency_key: str, account_ids: set[int] | None,
) -> OutboxMessage:
    """Attach a waybill to a visible order on Allegro, exactly once, through the outbox. Commits."""
    carrier_id, waybill = (carrier_id or "").strip(), (waybill or "").strip()
    carrier_name = (carrier_name or "").strip() or None
    _check_tracking(carrier_id, waybill, carrier_name)
    order = visible_order(order_id, account_ids)
    payload = {
        "carrier_id": carrier_id,
        "waybill": waybill,
        "carrier_name": carrier_name if carrier_id == "OTHER" else None,
        "order_id": order.id,
    }
    return _write(gateway, order, TRACKING, idempotency_key, agent_id, payload)


def _check_tracking(carrier_id: str, waybill: str, carrier_name: str | None) -> None:
    if not 1 <= len(waybill) <= 64:
        raise ValidationError(N_("The tracking number must have 1 to 64 characters."))
    if not carrier_id:
        raise ValidationError(N_("Choose a carrier."))
    if carrier_id == "OTHER" and not carrier_name:
        raise ValidationError(N_("Give the carrier's name when the carrier is 'other'."))
    if carrier_name and len(carrier_name) > 30:
        raise ValidationError(N_("The carrier name may have at most 30 characters."))


def _write(
    gateway: AllegroGateway, order: Order, kind: str, form_key: str, agent_id: int | None, payload: dict
) -> OutboxMessage:
    message = outbox.enqueue(
        account_id=order.account_id,
        kind=kind,
        target_id=order.allegro_id,
        payload=payload,
        idempotency_key=outbox.write_key(kind, order.account_id, order.id, form_key),
        agent_id=agent_id,
    )
    return outbox.deliver(gateway, message.id, HANDLERS)


def retry_write(gateway: AllegroGateway, message_id: int, account_ids: set[int] | None) -> OutboxMessage:
    """Send a failed write of a visible account again (same idempotency key). Commits."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or (account_ids is not None and message.account_id not in account_ids):
        raise NotFoundError(N_("This write does not exist."))
    outbox.retry(message_id)
    return outbox.deliver(gateway, message_id, HANDLERS)


def refresh_order(gateway: AllegroGateway, order_id: int, account_ids: set[int] | None = None) -> Order:
    """Re-read the order's checkout form from Allegro and store it (new revision, history). Commits."""
    order = visible_order(order_id, account_ids)
    try:
        form = gateway.client_for(order.account_id).get_checkout_form(order.allegro_id)
    except AllegroError as exc:
        log.info("re-read of order %s failed: %s", order_id, exc)
        raise DeskError(N_("Allegro could not be asked for the order now. Try again in a moment.")) from exc
    upsert_forms(order.account_id, [form], source="refresh", existing={order.allegro_id: order})
    db.session.commit()
    return order


def list_carriers(
    gateway: AllegroGateway, account_id: int, cache: TtlCache[list[Carrier]]
) -> list[Carrier]:
    """Carriers Allegro accepts for tracking numbers, kept in the app's cache (an hour by default);
    [] while Allegro is unreachable, and then not kept: the next page view asks again."""
    try:
        return cache.get_or_load(account_id, gateway.client_for(account_id).list_carriers)
    except AllegroError as exc:
        log.info("carriers for account %s unavailable: %s", account_id, exc)
        return []


# --- bulk status change -------------------------------------------------------------------------

SKIP_SAME, SKIP_CANCELLED, SKIP_HIDDEN = "same_status", "cancelled", "not_visible"


@dataclass(frozen=True)
class BulkItem:
    order_id: int
    order: Order | None  # None when missing or not visible
    skip: str | None  # why it is left alone; None when it will be (or was) sent
    before: str | None = None  # the fulfilment status when the change was previewed
    outcome: OutboxState | None = None  # after sending
    error_code: str | None = None


@dataclass(frozen=True)
class BulkPreview:
    status: str
    items: list[BulkItem]

    @property
    def to_send(self) -> list[BulkItem]:
        return [item for item in self.items if item.skip is None]


def bulk_preview(order_ids: Iterable[int], status: str, account_ids: set[int] | None) -> BulkPreview:
    """Each chosen order with its current status, and whether it will change or be skipped (and why)."""
    if status not in SETTABLE_STATUSES:
        raise ValidationError(N_("Status %(status)s cannot be set by the seller."), status=status)
    ids = list(dict.fromkeys(order_ids))
    if not ids:
        raise ValidationError(N_("Select at least one order."))
    if len(ids) > MAX_BULK:
        raise ValidationError(N_("At most %(max)d orders can be changed at once."), max=MAX_BULK)
    found = {o.id: o for o in db.session.scalars(select(Order).where(Order.id.in_(ids)))}
    items = []
    for order_id in ids:
        order = found.get(order_id)
        if order is None or (account_ids is not None and order.account_id not in account_ids):
            items.append(BulkItem(order_id, None, SKIP_HIDDEN))
        elif order.fulfillment_status == status:
            items.append(BulkItem(order_id, order, SKIP_SAME, order.fulfillment_status))
        elif "CANCELLED" in (order.status, order.fulfillment_status):
            items.append(BulkItem(order_id, order, SKIP_CANCELLED, order.fulfillment_status))
        else:
            items.append(BulkItem(order_id, order, None, order.fulfillment_status))
    return BulkPreview(status, items)


def bulk_change_status(
    gateway: AllegroGateway, *, order_ids: Iterable[int], status: str, batch_id: str, agent_id: int | None,
    account_ids: set[int] | None,
) -> BulkPreview:
    """Send the status to every order the preview does not skip, each as its own outbox write.

    Keys derive from the batch id and the order id: confirming the same batch twice never sends
    an order twice (orders changed by the first confirmation now show as already in the status).
    """
    try:
        batch = uuid.UUID(batch_id)
    except (ValueError, TypeError, AttributeError):
        message = N_("The confirmation form is damaged. Start again from the orders list.")
        raise ValidationError(message) from None
    results = []
    for item in bulk_preview(order_ids, status, account_ids).items:
        if item.skip is None:
            try:
                payload = {"status": status, "revision": item.order.revision, "order_id": item.order_id}
                message = _write(gateway, item.order, FULFILLMENT, f"bulk-{batch}", agent_id, payload)
                item = replace(item, outcome=message.state, error_code=message.last_error_code)
            except DeskError as exc:
                log.info("bulk change of order %s refused: %s", item.order_id, exc)
                item = replace(item, outcome=OutboxState.FAILED, error_code="refused")
        results.append(item)
    return BulkPreview(status, results)
