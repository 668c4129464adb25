"""The orders desk: filtered keyset pages, search, detail, notes and tags (writes: order_actions).

Every function takes `account_ids`, the seller accounts the caller may see (None means all);
an order of another account behaves exactly like a missing one.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import logging
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, exists, func, or_, select, tuple_, union_all
from sqlalchemy.orm import selectinload

from desk.extensions import db
from desk.models import Order, OrderChange, OrderLine, OrderNote, OutboxMessage, SellerAccount
from desk.models.order import TAG_MAX_LENGTH, order_search_parts
from desk.models.privacy_request import BuyerRestriction
from desk.models.shipment import Shipment, ShipmentStatus
from desk.services.errors import N_, NotFoundError, ValidationError
from desk.services.orders.cache import TtlCache

log = logging.getLogger(__name__)
WARSAW = ZoneInfo("Europe/Warsaw")
MAX_PAGE, NOTE_MAX_LENGTH = 200, 5000
SEARCH_PROBE = 2000
# Allegro answers 409 to a fulfilment change made against an outdated revision of the order.
# sort name -> (column, descending); the id breaks ties so every order has exactly one place.
SORTS = {
    "date_desc": (Order.bought_at, True),
    "date_asc": (Order.bought_at, False),
    "total_desc": (Order.total_amount, True),
    "total_asc": (Order.total_amount, False),
}
# The parcel filter: an order matches when one of its shipments (not failed or cancelled) is in one of
# the tracking states named; "none" is an order without any such shipment. (The states are the
# shipping area's common lifecycle, read here from the table: the areas do not import each other.)
PARCEL_STATES: dict[str, tuple[str | None, ...]] = {
    "none": (),
    "waiting": (None, "created"),  # ordered or labelled, not handed to the carrier yet
    "moving": ("handed_over", "in_transit", "out_for_delivery"),
    "pickup": ("ready_for_pickup",),
    "delivered": ("delivered",),
    "problem": ("problem", "returning", "returned"),
}
_NO_PARCEL = (ShipmentStatus.FAILED, ShipmentStatus.CANCELLED)


@dataclass(frozen=True)
class OrderFilters:
    """What the orders list is narrowed to. Dates are days in Europe/Warsaw, both inclusive."""

    account_id: int | None = None
    status: str | None = None
    fulfillment_status: str | None = None
    cod_only: bool = False
    delivery_method: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    query: str = ""
    sort: str = "date_desc"
    parcel: str | None = None  # a key of PARCEL_STATES
    hide_restricted: bool = False  # leave buyers under restriction of processing out of the search (agents)


@dataclass(frozen=True, slots=True)
class ListedOrder:
    """What a row of the list shows of an order (and its cursor reads): plain values read in one
    query, not entities the session tracks."""

    id: int
    account_id: int
    allegro_id: str
    status: str
    fulfillment_status: str | None
    bought_at: dt.datetime | None
    tag: str | None
    buyer_login: str | None
    buyer_allegro_id: str | None  # not shown: the access log names the buyer by it
    total_amount: Decimal
    currency: str
    payment_type: str | None
    delivery_method_name: str | None

    is_cash_on_delivery = Order.is_cash_on_delivery  # the model's rule, read from payment_type


_LIST_COLUMNS = tuple(getattr(Order, name) for name in ListedOrder.__dataclass_fields__)


@dataclass(frozen=True)
class OrderRow:
    order: ListedOrder
    account_name: str
    first_item: str | None
    more_items: int  # line items beyond the first
    parcel: Parcel | None = None  # the newest live shipment of the order, if any


@dataclass(frozen=True, slots=True)
class Parcel:
    """What the list shows of an order's newest shipment: carrier, its first waybill, the common state."""

    carrier: str
    waybill: str | None
    state: str | None  # tracking state; None until the carrier reports an event
    status: str  # the shipment order's status (ordering ... confirmed, sent)


@dataclass(frozen=True)
class OrderPage:
    rows: list[OrderRow]
    next_cursor: str | None
    prev_cursor: str | None


@dataclass(frozen=True)
class _Cursor:
    backward: bool
    value: dt.datetime | Decimal | None
    id: int


def list_orders(
    *, filters: OrderFilters, account_ids: set[int] | None, after: str | None = None, limit: int = 50
) -> OrderPage:
    """One page of orders in the chosen sort, after the opaque cursor `after` (keyset, never OFFSET)."""
    limit = max(1, min(limit, MAX_PAGE))
    base = _filtered(filters, account_ids)
    if base is None:
        return OrderPage([], None, None)
    sort = filters.sort if filters.sort in SORTS else "date_desc"
    column, descending = SORTS[sort]
    cursor = _decode_cursor(after, sort)
    backward = cursor is not None and cursor.backward
    orders = _fetch(base, column, descending != backward, cursor, limit + 1)
    if backward:
        if len(orders) <= limit:  # nothing before these: show the true first page
            return list_orders(filters=filters, account_ids=account_ids, limit=limit)
        orders, has_prev, has_next = orders[:limit][::-1], True, True
    else:
        orders, has_prev, has_next = orders[:limit], cursor is not None, len(orders) > limit
    return OrderPage(
        rows=_rows(orders),
        next_cursor=_encode_cursor(sort, False, orders[-1]) if has_next and orders else None,
        prev_cursor=_encode_cursor(sort, True, orders[0]) if has_prev and orders else None,
    )


def _filtered(filters: OrderFilters, account_ids: set[int] | None) -> Select | None:
    """The filtered query, or None when the caller can see none of the accounts asked for."""
    query = select(*_LIST_COLUMNS)
    if filters.account_id is not None:
        if account_ids is not None and filters.account_id not in account_ids:
            return None
        query = query.where(Order.account_id == filters.account_id)
    elif account_ids is not None:
        if not account_ids:
            return None
        query = query.where(Order.account_id.in_(sorted(account_ids)))
    for column, value in (
        (Order.status, filters.status),
        (Order.fulfillment_status, filters.fulfillment_status),
        (Order.delivery_method_name, filters.delivery_method),
        (Order.payment_type, "CASH_ON_DELIVERY" if filters.cod_only else None),
    ):
        if value:
            query = query.where(column == value)
    if filters.date_from:
        query = query.where(Order.bought_at >= _warsaw_midnight(filters.date_from))
    if filters.date_to:
        query = query.where(Order.bought_at < _warsaw_midnight(filters.date_to + dt.timedelta(days=1)))
    if filters.query:
        query = query.where(_matching(filters.query))
        if filters.hide_restricted:
            query = query.where(~_restricted_buyer())
    if filters.parcel in PARCEL_STATES:
        query = query.where(_parcel_in(filters.parcel))
    return query


def _restricted_buyer() -> ColumnElement:
    """The order's buyer is under an open restriction on its account (privacy: Art. 18)."""
    return exists().where(
        BuyerRestriction.account_id == Order.account_id,
        BuyerRestriction.buyer_allegro_id == Order.buyer_allegro_id,
        BuyerRestriction.completed_at.is_(None),
    )


def _parcel_in(name: str) -> ColumnElement:
    """An order whose shipments include one in the `name` group of PARCEL_STATES (an index probe on
    shipment.order_id per order, or a semi-join over shipment (tracking_state, order_id))."""
    parcel = exists().where(Shipment.order_id == Order.id, Shipment.status.not_in(_NO_PARCEL))
    states = PARCEL_STATES[name]
    if not states:
        return ~parcel
    known = [state for state in states if state is not None]
    in_state = Shipment.tracking_state.in_(known)
    return parcel.where(or_(in_state, Shipment.tracking_state.is_(None)) if None in states else in_state)


def _matching(text: str):
    """The search condition, as a list of ids when it matches few orders (the usual case).

    With a handful of matches, sorting them beats walking the whole date index in order, which
    SQLite's planner otherwise picks; with many, walking the index finds a page at once.
    """
    dialect = db.session.get_bind().dialect.name
    parts = order_search_parts(text, dialect=dialect)
    found = db.session.scalars(_probe(parts, dialect)).all()
    # Fewer than the probe's limit: every part was read to its end, so the ids are all the matches.
    return Order.id.in_(sorted(set(found))) if len(found) <= SEARCH_PROBE else or_(*parts)


def _probe(parts: list, dialect: str) -> Select:
    """Up to SEARCH_PROBE + 1 ids of matching orders (on PostgreSQL an order may come twice)."""
    if dialect != "postgresql":
        return select(Order.id).where(or_(*parts)).limit(SEARCH_PROBE + 1)
    # For a common prefix PostgreSQL scans the table and tests every spelling in every column on
    # each row; one limited scan per part tests only its own column, and the first part to fill
    # the probe ends the whole statement.
    scans = [select(Order.id).where(part).limit(SEARCH_PROBE + 1).subquery() for part in parts]
    every = union_all(*(select(scan.c.id) for scan in scans)).subquery()
    return select(every.c.id).limit(SEARCH_PROBE + 1)


def _fetch(base: Select, column, descending: bool, cursor: _Cursor | None, n: int) -> list[ListedOrder]:
    """Up to n orders after `cursor` in (column, id) order; orders without a value come last.

    The two segments (with a value, without) are separate queries so each stays an ordered
    index scan; reading backwards reverses the direction and the order of the segments.
    """
    segments = [False]
    if column.nullable:
        segments = [True, False] if cursor is not None and cursor.backward else [False, True]
    if cursor is not None:
        segments = segments[segments.index(cursor.value is None):]
    found: list[ListedOrder] = []
    for position, null_segment in enumerate(segments):
        query = base
        if column.nullable:
            query = query.where(column.is_(None) if null_segment else column.is_not(None))
        keys = (Order.id,) if null_segment else (column, Order.id)
        if position == 0 and cursor is not None:
            bound = (cursor.id,) if null_segment else (cursor.value, cursor.id)
            # A plain tuple on the right binds each value with its column's type (UTC datetimes).
            left = tuple_(*keys)
            query = query.where(left < bound if descending else left > bound)
        query = query.order_by(*(k.desc() if descending else k.asc() for k in keys)).limit(n - len(found))
        found += (ListedOrder(*row) for row in db.session.execute(query))
        if len(found) >= n:
            break
    return found


def _rows(orders: list[ListedOrder]) -> list[OrderRow]:
    """Rows with account names and the first item: two queries per page, not one per order."""
    if not orders:
        return []
    lines: dict[int, list[str]] = {o.id: [] for o in orders}
    query = select(OrderLine.order_id, OrderLine.offer_name).where(OrderLine.order_id.in_(lines))
    for order_id, name in db.session.execute(query.order_by(OrderLine.id)):
        lines[order_id].append(name)
    names = dict(db.session.execute(select(SellerAccount.id, SellerAccount.name)).all())
    parcels = _parcels(list(lines))
    return [
        OrderRow(o, names.get(o.account_id, "?"), (lines[o.id] or [None])[0], max(len(lines[o.id]) - 1, 0),
                 parcels.get(o.id))
        for o in orders
    ]


def _parcels(order_ids: list[int]) -> dict[int, Parcel]:
    """The newest live shipment of each order of the page: one query for the page (found through the
    order index; the newest is picked here, as an ORDER BY id could make the database walk every shipment)."""
    query = (
        select(Shipment.id, Shipment.order_id, Shipment.carrier, Shipment.waybills, Shipment.tracking_state)
        .add_columns(Shipment.status)
        .where(Shipment.order_id.in_(order_ids), Shipment.status.not_in(_NO_PARCEL))
    )
    found: dict[int, Parcel] = {}
    for _id, order_id, carrier, waybills, state, status in sorted(db.session.execute(query)):
        found[order_id] = Parcel(carrier, (waybills or [None])[0], state, status.value)
    return found


def _encode_cursor(sort: str, backward: bool, order: ListedOrder) -> str:
    value = getattr(order, SORTS[sort][0].key)
    text = None if value is None else value.isoformat() if isinstance(value, dt.datetime) else str(value)
    raw = json.dumps([sort, backward, text, order.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(token: str | None, sort: str) -> _Cursor | None:
    """The cursor, or None (the first page) for a missing, foreign or damaged one."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        token_sort, backward, text, order_id = json.loads(raw)
        value = text
        if text is not None:
            value = dt.datetime.fromisoformat(text) if SORTS[sort][0] is Order.bought_at else Decimal(text)
    except (ValueError, TypeError, ArithmeticError):  # bad base64, JSON, shape, date or number
        return None
    if token_sort != sort or not isinstance(order_id, int) or getattr(value, "tzinfo", dt.UTC) is None:
        return None  # another sort's cursor, or a naive time (never written by _encode_cursor)
    return _Cursor(bool(backward), value, order_id)


def _warsaw_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=WARSAW).astimezone(dt.UTC)


def delivery_methods(cache: TtlCache[list[str]]) -> list[str]:
    """Delivery method names present in the orders (for the filter).

    A DISTINCT over every order costs a full index scan, so the answer is kept in the app's
    cache for a few minutes: a new method shows up in the filter shortly after its first order.
    """
    query = select(Order.delivery_method_name).where(Order.delivery_method_name.is_not(None)).distinct()
    return cache.get_or_load("all", lambda: sorted(db.session.scalars(query)))


# --- detail, notes, tags ------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderDetail:
    order: Order
    account: SellerAccount
    changes: list[OrderChange]  # newest first
    notes: list[OrderNote]  # oldest first, like a conversation
    writes: list[OutboxMessage]  # newest first


def order_detail(order_id: int, account_ids: set[int] | None) -> OrderDetail:
    """Everything the order page shows; NotFoundError for a missing or invisible order."""
    order = visible_order(
        order_id,
        account_ids,
        selectinload(Order.lines),
        selectinload(Order.changes).selectinload(OrderChange.agent),
        selectinload(Order.notes).selectinload(OrderNote.agent),
    )
    writes = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.account_id == order.account_id, OutboxMessage.target_id == order.allegro_id)
        .order_by(OutboxMessage.id.desc())
    )
    account = db.session.get(SellerAccount, order.account_id)
    return OrderDetail(order, account, order.changes[::-1], list(order.notes), list(writes))


def visible_order(order_id: int, account_ids: set[int] | None, *options) -> Order:
    """The order if it exists and the caller may see it, else NotFoundError (no hint that it exists)."""
    order = db.session.scalar(select(Order).where(Order.id == order_id).options(*options))
    if order is None or (account_ids is not None and order.account_id not in account_ids):
        raise NotFoundError(N_("Order not found."))
    return order


def add_note(order_id: int, *, text: str, agent_id: int | None, account_ids: set[int] | None) -> OrderNote:
    """Add an internal note (plain text) to an order. Commits."""
    order = visible_order(order_id, account_ids)
    body = (text or "").strip()
    if not body:
        raise ValidationError(N_("Write the note first."))
    if len(body) > NOTE_MAX_LENGTH:
        raise ValidationError(N_("A note may have at most %(max)d characters."), max=NOTE_MAX_LENGTH)
    note = OrderNote(order_id=order.id, agent_id=agent_id, body=body)
    db.session.add(note)
    db.session.commit()
    return note


def set_tag(order_id: int, *, tag: str, agent_id: int | None, account_ids: set[int] | None) -> Order:
    """Set (or clear, with an empty tag) the agents' label of an order, noted in its history. Commits."""
    order = visible_order(order_id, account_ids)
    new = " ".join((tag or "").split()) or None
    if new is not None and len(new) > TAG_MAX_LENGTH:
        raise ValidationError(N_("A tag may have at most %(max)d characters."), max=TAG_MAX_LENGTH)
    if new != order.tag:
        order.changes.append(OrderChange(source="agent", field="tag", old_value=order.tag, new_value=new,
                                         agent_id=agent_id))
        order.tag = new
        db.session.commit()
    return order


def to_ship_count(account_ids: set[int] | None, cap: int = 100) -> int:
    """Paid orders waiting to be sent (ready for processing, no parcel yet), counted up to `cap` + 1."""
    base = _filtered(OrderFilters(status="READY_FOR_PROCESSING", parcel="none"), account_ids)
    if base is None:
        return 0
    capped = base.with_only_columns(Order.id).order_by(None).limit(cap + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(capped)) or 0
