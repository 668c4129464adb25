"""Which rows of one account are due for the retention job, class by class, in id order from a cursor.

A batch is a window of the account's next `limit` rows of the class by id (an index range); the due ones
among them are returned with the window's last id, which becomes the cursor. So a run reads every row of
the account once, whatever share of them is due, and each statement stays the size of a batch.

Each class has a clock (the moment its period counts from) computed in SQL, so 200 000 orders are read as
ids and times, never as objects. Rows the job has already acted on carry a RetentionMark with the clock
they had: they are due again only if their clock moved on (a question that got new messages, an issue
closed again)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    type_coerce,
)

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


@dataclass(frozen=True)
class Batch:
    rows: list[DueRow]  # the due rows of the window, in id order
    last_id: int | None  # the window's last id (the next cursor); None: nothing left to look at


@dataclass(frozen=True)
class _Spec:
    """A class's rows of one account: their id, clock and covering order, and where they live."""

    data_class: DataClass
    row_id: ColumnElement
    clock: ColumnElement
    order_id: ColumnElement
    scope: tuple  # conditions choosing the account's rows of the class
    join: tuple = ()  # (entity, table joined, on) when the account is found through another table

    def select(self, *columns) -> Select:
        query = select(*columns)
        if self.join:
            source, table, on = self.join
            query = query.select_from(source).join(table, on)
        return query.where(*self.scope)

    def due(self, cutoff: dt.datetime, window: tuple[int, int] | None = None) -> Select:
        """The due rows (of the id range `window`: the marks are then read over that range only)."""
        query = self.select(self.row_id, self.clock, self.order_id).where(self.clock < cutoff)
        mark = and_(RetentionMark.data_class == self.data_class.value, RetentionMark.row_id == self.row_id)
        if window is not None:
            query = query.where(self.row_id.between(*window))
            mark = and_(mark, RetentionMark.row_id.between(*window))
        if self.data_class not in MARKED:
            return query
        return query.outerjoin(RetentionMark, mark).where(
            or_(RetentionMark.id.is_(None), RetentionMark.clock_at < self.clock)
        )


def due_batch(data_class: DataClass, account_id: int, cutoff: dt.datetime, *, after: int, limit: int,
              sales_record: bool = False) -> Batch:
    """The due rows among the account's next `limit` rows of the class after id `after`."""
    spec = _spec(data_class, account_id, sales_record)
    window = list(db.session.scalars(
        spec.select(spec.row_id).where(spec.row_id > after).order_by(spec.row_id).limit(limit)
    ))
    if not window:
        return Batch([], None)
    query = spec.due(cutoff, (window[0], window[-1])).order_by(spec.row_id)
    return Batch([DueRow(int(r[0]), r[1], r[2]) for r in db.session.execute(query)], window[-1])


def count_due(data_class: DataClass, account_id: int, cutoff: dt.datetime, *, after: int = 0,
              sales_record: bool = False) -> int:
    """How many rows of the class are due (for progress bars and previews)."""
    spec = _spec(data_class, account_id, sales_record)
    inner = spec.due(cutoff).where(spec.row_id > after).subquery()
    return db.session.scalar(select(func.count()).select_from(inner)) or 0


def mark(data_class: DataClass, account_id: int, ids: list[int], *, run_id: int, now: dt.datetime,
         sales_record: bool = False) -> None:
    """Remember that the job acted on `ids`, each with the clock it has now (INSERT ... SELECT: one
    statement per batch, the clocks computed by the database as for `due_batch`)."""
    spec = _spec(data_class, account_id, sales_record)
    db.session.execute(delete(RetentionMark).where(
        RetentionMark.data_class == data_class.value, RetentionMark.row_id.in_(ids)
    ))
    rows = spec.select(
        cast(literal(account_id), Integer), cast(literal(data_class.value), String), spec.row_id, spec.clock,
        cast(literal(run_id), Integer), literal(now, UTCDateTime()),
    ).where(spec.row_id.in_(ids))
    columns = ["account_id", "data_class", "row_id", "clock_at", "run_id", "at"]
    db.session.execute(insert(RetentionMark.__table__).from_select(columns, rows))


def _spec(data_class: DataClass, account_id: int, sales_record: bool) -> _Spec:
    if data_class is DataClass.ORDER_IDENTITY:
        clock = _order_clock(sales_record)
        return _Spec(data_class, Order.id, clock, Order.id, (Order.account_id == account_id,))
    if data_class is DataClass.ISSUE_TEXTS:
        return _Spec(
            data_class, Issue.id, type_coerce(Issue.closed_at, UTCDateTime()), Issue.order_id,
            (Issue.account_id == account_id, Issue.type != COMMON, Issue.closed_at.is_not(None)),
        )
    if data_class is DataClass.PRESALE_THREADS:
        last = type_coerce(func.coalesce(Issue.last_message_at, Issue.activity_at), UTCDateTime())
        return _Spec(
            data_class, Issue.id, last, Issue.order_id,
            (Issue.account_id == account_id, Issue.source == SOURCE_MESSAGING, Issue.type == COMMON,
             Issue.order_id.is_(None)),
        )
    if data_class is DataClass.LABEL_FILES:
        return _Spec(
            data_class, ShipmentLabel.id, ShipmentLabel.fetched_at, Shipment.order_id,
            (Shipment.account_id == account_id,),
            join=(ShipmentLabel, Shipment, Shipment.id == ShipmentLabel.shipment_id),
        )
    if data_class is DataClass.PRIVACY_RECEIPTS:
        return _Spec(
            data_class, RetentionRun.id, RetentionRun.finished_at, null(),
            (RetentionRun.account_id == account_id, RetentionRun.state == RUN_DONE),
        )
    raise ValueError(f"no rows for {data_class}")


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
