"""A failed row fixed and sent again alone: the agent's corrections (receiver, pickup point) checked and
priced again now; a new key only when the previous attempt certainly never reached the carrier."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Mapping

from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models.shipment import BatchItemStatus, ShipmentBatchItem, ShipmentStatus
from desk.orm import utcnow
from desk.services.errors import N_, ValidationError
from desk.services.shipping import codec, dispatch, forms
from desk.services.shipping.bulk import guards
from desk.services.shipping.bulk.batches import item_of, refresh
from desk.services.shipping.bulk.fields import FIXABLE
from integrations.carriers import CarrierError


def fixable_values(item: ShipmentBatchItem) -> dict[str, str]:
    """The fields of a failed item the agent may correct, as the request has them now."""
    request = codec.decode(item.request)
    values = {
        f"receiver_{name}": getattr(request.receiver, name)
        for name in ("name", "street", "postcode", "city", "phone", "email")
    }
    return values | {"target_point": request.target_point}


def retry_item(
    item_id: int,
    account_ids: set[int] | None,
    port_for: dispatch.PortFor,
    fixes: Mapping[str, str],
    *,
    today: dt.date | None = None,
) -> ShipmentBatchItem:
    """Queue a failed item again with the agent's corrections (receiver, pickup point), checked and priced
    again now. Its key changes only when the previous attempt certainly did not reach the carrier (no
    shipment under it, or the carrier has nothing under it); else the same key reads the carrier's
    shipment back. Raises dispatch.ShipmentRefused when the carrier's checks still fail (the item keeps
    them). Commits."""
    item = item_of(item_id, account_ids)
    if item.status is not BatchItemStatus.FAILED:
        raise ValidationError(N_("Only a failed row can be sent again."))
    if item.order_id is not None and item.order_id in guards.busy_orders([item.order_id]):
        raise ValidationError(guards.ALREADY_SHIPPED)  # sent since, from elsewhere
    request = codec.decode(item.request)
    receiver = dataclasses.replace(
        request.receiver,
        **{
            name.removeprefix("receiver_"): (fixes.get(name) or "").strip()
            for name in FIXABLE
            if name.startswith("receiver_") and name in fixes
        },
    )
    point = (fixes.get("target_point") or "").strip() if "target_point" in fixes else request.target_point
    key = item.idempotency_key
    if _never_arrived(port_for, item):
        key = f"bulk-{uuid.uuid4().hex}"
    elif dispatch.by_key(key) is not None and dispatch.by_key(key).status is ShipmentStatus.FAILED:
        raise ValidationError(
            N_("The carrier keeps this shipment as refused; send the order again from its page.")
        )
    fixed = dataclasses.replace(request, receiver=receiver, target_point=point, idempotency_key=key)
    try:
        dispatch.validate(
            port_for, dispatch.ShipmentOrder(account_id=item.account_id, carrier=item.carrier, request=fixed)
        )
    except dispatch.ShipmentRefused:
        item.request = codec.encode(dataclasses.replace(fixed, idempotency_key=item.idempotency_key))
        db.session.commit()
        raise
    quote = forms.price(item.account_id, item.carrier, fixed, today or utcnow().date())
    if quote.priced:
        item.quote, item.price_gross = quote.to_snapshot(), quote.gross
    item.request = codec.encode(fixed)
    if key != item.idempotency_key:
        item.shipment_id = None
    item.idempotency_key = key
    item.status = BatchItemStatus.WAITING
    item.error = None
    item.problems = None
    item.next_try_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # another batch queued the order since the check above
        db.session.rollback()
        raise ValidationError(guards.IN_ANOTHER_BATCH) from None
    refresh(item.batch_id)
    return item


def _never_arrived(port_for: dispatch.PortFor, item: ShipmentBatchItem) -> bool:
    """Whether nothing exists at the carrier under the item's key (a new key is then safe)."""
    shipment = dispatch.by_key(item.idempotency_key)
    if shipment is None:
        return True  # refused by the checks before it was recorded: never sent
    if shipment.status is not ShipmentStatus.FAILED:
        return False
    try:
        return port_for(item.carrier, item.account_id).find_shipment(item.idempotency_key) is None
    except CarrierError:
        return False  # cannot tell now: keep the key, the shipment is read back instead
