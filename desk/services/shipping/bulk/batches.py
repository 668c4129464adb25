"""A batch recorded from the preview: each row an item under a key of its own (its shipment's idempotency
key), waiting for the worker or, when only the batch page can correct it, failed with its problems; the
batch's counts, and what an agent may see of it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models.shipment import BatchItemStatus, BatchState, ShipmentBatch, ShipmentBatchItem
from desk.orm import utcnow
from desk.services.errors import N_, NotFoundError, ValidationError
from desk.services.shipping import codec, dispatch
from desk.services.shipping.bulk import fields, guards
from desk.services.shipping.bulk.preview import Row, preview
from integrations.carriers import Address


def start(
    order_ids: Iterable[int],
    account_ids: set[int] | None,
    port_for: dispatch.PortFor,
    sender: Address | None = None,
    preset: int | None = None,
    *,
    key: str,
    agent_id: int | None = None,
    excluded: Iterable[int] = (),
    today: dt.date | None = None,
) -> ShipmentBatch:
    """Record a batch of the rows the agent kept, each priced and checked again now: rows without
    problems wait for the worker; rows whose only problems the batch page corrects (see `Row.fixable`)
    join as failed rows keeping those problems, sent only once corrected. The same `key` again returns
    the batch already recorded. Commits."""
    key = (key or "").strip()[:64]
    if not key:
        raise ValidationError(N_("The form is damaged. Reload the page and try again."))
    existing = db.session.scalar(select(ShipmentBatch).where(ShipmentBatch.key == key))
    if existing is not None:
        return existing
    left_out = set(excluded)
    rows = [
        row
        for row in preview(order_ids, account_ids, port_for, sender, preset, today=today)
        if (row.ok or row.fixable) and row.order.id not in left_out
    ]
    if not rows:
        raise ValidationError(N_("None of the selected orders can be sent; correct the problems first."))
    batch = ShipmentBatch(key=key, created_by=agent_id, state=BatchState.QUEUED, total=len(rows))
    batch.items.extend(_item(row, utcnow()) for row in rows)
    batch.failed_count = sum(not row.ok for row in rows)
    if all(not row.ok for row in rows):
        batch.state = BatchState.DONE  # nothing for the worker until a row is corrected
    db.session.add(batch)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        found = db.session.scalar(select(ShipmentBatch).where(ShipmentBatch.key == key))
        if found is not None:  # the same confirmation posted twice at once: the other one recorded it
            return found
        # another send queued one of these orders between this one's check and its commit: the
        # database keeps one live item per order (uq_shipment_batch_item_live_order)
        raise ValidationError(guards.TAKEN_MEANWHILE) from None
    return batch


def _item(row: Row, now: dt.datetime) -> ShipmentBatchItem:
    """A row as a batch item under a key of its own: waiting when it has no problems, else failed with
    the carrier's problems (its order was never sent)."""
    assert row.request is not None and row.quote is not None
    item_key = f"bulk-{uuid.uuid4().hex}"
    priced = row.quote.priced
    return ShipmentBatchItem(
        order_id=row.order.id,
        account_id=row.order.account_id,
        carrier=row.carrier,
        service=row.service,
        request=codec.encode(dataclasses.replace(row.request, idempotency_key=item_key)),
        quote=row.quote.to_snapshot() if priced else None,
        price_gross=row.quote.gross if priced else None,
        idempotency_key=item_key,
        status=BatchItemStatus.WAITING if row.ok else BatchItemStatus.FAILED,
        problems=None if row.ok else fields.problems_json(p.carrier for p in row.problems if p.carrier),
        next_try_at=now if row.ok else None,
    )


def refresh(batch_id: int) -> ShipmentBatch:
    """The batch's counts and state from its items. Commits."""
    batch = db.session.get(ShipmentBatch, batch_id)
    counts = dict(
        db.session.execute(
            select(ShipmentBatchItem.status, func.count())
            .where(ShipmentBatchItem.batch_id == batch_id)
            .group_by(ShipmentBatchItem.status)
        ).all()
    )
    batch.sent_count = counts.get(BatchItemStatus.SENT, 0)
    batch.failed_count = counts.get(BatchItemStatus.FAILED, 0)
    open_items = counts.get(BatchItemStatus.WAITING, 0) + counts.get(BatchItemStatus.SENDING, 0)
    if open_items == 0:
        batch.state = BatchState.DONE
    elif batch.state is BatchState.DONE:
        batch.state = BatchState.RUNNING
    db.session.commit()
    return batch


def batch_of(batch_id: int, account_ids: set[int] | None) -> ShipmentBatch:
    """The batch, if every item of it belongs to an account the caller may see; NotFoundError otherwise."""
    batch = db.session.get(ShipmentBatch, batch_id)
    if batch is None or (
        account_ids is not None and any(item.account_id not in account_ids for item in batch.items)
    ):
        raise NotFoundError(N_("Batch not found."))
    return batch


def item_of(item_id: int, account_ids: set[int] | None) -> ShipmentBatchItem:
    """The item, if the caller may see its account; NotFoundError otherwise."""
    item = db.session.get(ShipmentBatchItem, item_id)
    if item is None or (account_ids is not None and item.account_id not in account_ids):
        raise NotFoundError(N_("Shipment not found."))
    return item
