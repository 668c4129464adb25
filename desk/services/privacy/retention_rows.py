"""Which rows of one account are due for the retention job, class by class, in id order from a cursor.

Each class has a clock (the moment its period counts from) computed in SQL, so 200 000 orders are read as
ids and times in batches, never as objects. Rows the job has already acted on carry a RetentionMark with
the clock they had: they are due again only if their clock moved on (a question that got new messages,
an issue closed again)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, func, null, or_, select, type_coerce

from desk.extensions import db
from desk.models import Order, RetentionMark, RetentionRun, Shipment, ShipmentLabel
from desk.models.issue import COMMON, SOURCE_MESSAGING, Issue
from desk.models.retention import RUN_DONE
from desk.orm import UTCDateTime
from desk.services.privacy.retention_policy import DataClass

DELIVERED = "delivered"
# classes whose rows stay (pseudonymised or redacted) and are therefore marked; the others are deleted
MARKED = frozenset({DataClass.ORDER_IDENTITY, DataClass.ISSUE_TEXTS, DataClass.PRESALE_THREADS})


@dataclass(frozen=True)
class DueRow:
    id: int
    clock: dt.datetime
    order_id: int | None  # the order whose legal hold covers the row (None: no order)


def due_batch(data_class: DataClass, account_id: int, cutoff: dt.datetime, *, after: int, limit: int,
              sales_record: bool = False) -> list[DueRow]:
    """Up to `limit` due rows of the class with an id above `after`, in id order."""
    query, row_id = _due(data_class, account_id, cutoff, sales_record)
    query = query.where(row_id > after).order_by(row_id).limit(limit)
    return [DueRow(int(r[0]), r[1], r[2]) for r in db.session.execute(query)]


def count_due(data_class: DataClass, account_id: int, cutoff: dt.datetime, *, after: int = 0,
              sales_record: bool = False) -> int:
    """How many rows of the class are due (for progress bars and previews)."""
    query, row_id = _due(data_class, account_id, cutoff, sales_record)
    inner = query.where(row_id > after).subquery()
    return db.session.scalar(select(func.count()).select_from(inner)) or 0


def _due(data_class: DataClass, account_id: int, cutoff: dt.datetime, sales_record: bool):
    if data_class is DataClass.ORDER_IDENTITY:
        clock = _order_clock(sales_record)
        query = select(Order.id, clock, Order.id).where(Order.account_id == account_id)
        return _unmarked(query, data_class, Order.id, clock).where(clock < cutoff), Order.id
    if data_class is DataClass.ISSUE_TEXTS:
        clock = type_coerce(Issue.closed_at, UTCDateTime())
        query = select(Issue.id, clock, Issue.order_id).where(
            Issue.account_id == account_id, Issue.type != COMMON, Issue.closed_at.is_not(None)
        )
        return _unmarked(query, data_class, Issue.id, clock).where(clock < cutoff), Issue.id
    if data_class is DataClass.PRESALE_THREADS:
        clock = type_coerce(func.coalesce(Issue.last_message_at, Issue.activity_at), UTCDateTime())
        query = select(Issue.id, clock, Issue.order_id).where(
            Issue.account_id == account_id, Issue.source == SOURCE_MESSAGING, Issue.type == COMMON,
            Issue.order_id.is_(None),
        )
        return _unmarked(query, data_class, Issue.id, clock).where(clock < cutoff), Issue.id
    if data_class is DataClass.LABEL_FILES:
        query = (
            select(ShipmentLabel.id, ShipmentLabel.fetched_at, Shipment.order_id)
            .join(Shipment, Shipment.id == ShipmentLabel.shipment_id)
            .where(Shipment.account_id == account_id, ShipmentLabel.fetched_at < cutoff)
        )
        return query, ShipmentLabel.id
    if data_class is DataClass.PRIVACY_RECEIPTS:
        query = select(RetentionRun.id, RetentionRun.finished_at, null()).where(
            RetentionRun.account_id == account_id, RetentionRun.state == RUN_DONE,
            RetentionRun.finished_at < cutoff,
        )
        return query, RetentionRun.id
    raise ValueError(f"no rows for {data_class}")


def _unmarked(query: Select, data_class: DataClass, row_id, clock) -> Select:
    """Rows without a mark, or marked at an older clock than they have now."""
    return query.outerjoin(
        RetentionMark, and_(RetentionMark.data_class == data_class.value, RetentionMark.row_id == row_id)
    ).where(or_(RetentionMark.id.is_(None), RetentionMark.clock_at < clock))


def _order_clock(sales_record: bool) -> ColumnElement:
    """When an order's identity period starts counting.

    Sales record: the sale. Otherwise the latest of the purchase, the order's last change at Allegro
    (which is where a cancellation, a send or a pick-up shows) and the delivery of any of its parcels the
    desk tracks: the later date keeps the data longer, never shorter, than the delivery rule asks."""
    bought = func.coalesce(Order.bought_at, Order.synced_at)
    if sales_record:
        return type_coerce(bought, UTCDateTime())
    delivered = (
        select(func.max(Shipment.tracking_at))
        .where(Shipment.order_id == Order.id, Shipment.tracking_state == DELIVERED)
        .correlate(Order)
        .scalar_subquery()
    )
    parts = (bought, func.coalesce(Order.allegro_updated_at, bought), func.coalesce(delivered, bought))
    greatest = func.greatest if db.engine.dialect.name == "postgresql" else func.max
    return type_coerce(greatest(*parts), UTCDateTime())
