"""The worker's side of a batch: waiting items are claimed with a compare-and-set (two workers never take
the same item), held afresh just before each is sent, and ordered through `dispatch.order_shipment`,
which returns the shipment already recorded under a key it knows, so an item taken over after a crash is
never ordered twice. One item's failure never stops the others."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import update

from desk.extensions import db
from desk.models.shipment import BatchItemStatus, BatchState, ShipmentBatchItem, ShipmentStatus
from desk.orm import utcnow
from desk.services.shipping import claims, codec, dispatch
from desk.services.shipping.bulk import fields, guards
from desk.services.shipping.bulk.batches import refresh
from integrations.carriers import CarrierError

log = logging.getLogger(__name__)
CLAIM = dt.timedelta(minutes=2)  # how long a worker holds an item it is sending
RETRY_SOON = dt.timedelta(seconds=30)  # a carrier that could not be asked is asked again this much later
MAX_ATTEMPTS = 5


def claim_due(now: dt.datetime, *, limit: int = 50) -> list[ShipmentBatchItem]:
    """Waiting items (and items whose worker's hold ran out), each claimed for this worker."""
    return claims.claim(
        ShipmentBatchItem,
        ShipmentBatchItem.next_try_at,
        ShipmentBatchItem.status.in_((BatchItemStatus.WAITING, BatchItemStatus.SENDING)),
        now,
        hold=CLAIM,
        limit=limit,
    )


def run_due(port_for: dispatch.PortFor, *, limit: int = 50) -> dict[str, int]:
    """The job: send the claimed items, each once; returns how many ended sent and failed."""
    outcomes = {"sent": 0, "failed": 0}
    batches: set[int] = set()
    for item in claim_due(utcnow(), limit=limit):
        batches.add(item.batch_id)
        send_item(port_for, item)
        if item.status in (BatchItemStatus.SENT, BatchItemStatus.FAILED):
            outcomes[item.status.value] += 1
    for batch_id in batches:
        refresh(batch_id)
    return outcomes


def _renew(item: ShipmentBatchItem) -> bool:
    """Hold the item afresh just before sending it, only if nobody took it over since this worker claimed
    it (its hold may have run out while earlier items were being sent). Commits."""
    taken = db.session.execute(
        update(ShipmentBatchItem)
        .where(ShipmentBatchItem.id == item.id, ShipmentBatchItem.next_try_at == item.next_try_at)
        .values(status=BatchItemStatus.SENDING, next_try_at=utcnow() + CLAIM)
    )
    db.session.commit()
    return taken.rowcount == 1


def send_item(port_for: dispatch.PortFor, item: ShipmentBatchItem) -> None:
    if not _renew(item):
        return
    db.session.refresh(item)
    if guards.shipped_meanwhile(item):  # not an attempt: nothing goes to the carrier
        _failed(item, guards.ALREADY_SHIPPED, None)
        db.session.commit()
        return
    item.attempts += 1
    batch = item.batch
    if batch.state is BatchState.QUEUED:
        batch.state = BatchState.RUNNING
    db.session.commit()
    request = codec.decode(item.request)
    order = dispatch.ShipmentOrder(
        account_id=item.account_id,
        carrier=item.carrier,
        request=request,
        order_id=item.order_id,
        quote=item.quote,
        price_gross=item.price_gross,
    )
    try:
        shipment = dispatch.order_shipment(port_for, order, agent_id=batch.created_by)
    except dispatch.ShipmentRefused as refused:  # nothing recorded, nothing sent
        _failed(item, "", fields.problems_json(refused.problems))
    except CarrierError as exc:  # the carrier could not be asked (its checks): try again later, a few times
        db.session.rollback()
        if item.attempts >= MAX_ATTEMPTS:
            _failed(item, str(exc), None)
        else:
            item.status = BatchItemStatus.WAITING
            item.error = str(exc)
            item.next_try_at = utcnow() + RETRY_SOON * item.attempts
    except Exception as exc:  # one item's failure must not stop the batch; the agent sees it
        log.exception("bulk item %s failed", item.id)
        db.session.rollback()
        found = dispatch.by_key(item.idempotency_key)
        if found is not None and found.status is not ShipmentStatus.FAILED:  # recorded before it broke
            item.shipment_id, item.status, item.next_try_at = found.id, BatchItemStatus.SENT, None
        else:
            _failed(item, str(exc) or type(exc).__name__, None)
    else:
        item.shipment_id = shipment.id
        if shipment.status is ShipmentStatus.FAILED:
            _failed(item, shipment.last_error or "", shipment.problems)
        else:  # accepted, pending, or left to the shipments job (ordering, checking): recorded once
            item.status = BatchItemStatus.SENT
            item.error = None
            item.problems = None
            item.next_try_at = None
    db.session.commit()


def _failed(item: ShipmentBatchItem, error: str, problems: list[dict] | None) -> None:
    item.status = BatchItemStatus.FAILED
    item.error = error or None
    item.problems = problems
    item.next_try_at = None
