"""Forensic queries over the access log (G9): what an agent saw in a time window, who saw a buyer, who
saw an entity, what left through an address; with counts per data class and per seller account. Each
question first moves the rows still pending into the indexed log."""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from desk.extensions import db
from desk.models import AccessLog, Order, SellerAccount
from desk.models.issue import Issue
from desk.models.rating import Rating
from desk.services.privacy.access_log import DATA_CLASSES, buyer_key
from desk.services.privacy.access_log_store import settle

PAGE_SIZE = 50
EXPORT_BATCH = 2000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = (
    "id", "at_utc", "agent_id", "ip", "user_agent", "route", "action", "entity_type", "entity_id",
    "account_id", "buyer_ref", "data_classes", "search_query",
)


@dataclass(frozen=True)
class AccessFilters:
    """What to look for; every given field narrows the rows (dates: `start` inclusive, `end` exclusive)."""

    agent_id: int | None = None
    buyer_refs: tuple[str, ...] | None = None  # the log's keys of one buyer (see buyer_refs_for)
    entity_type: str | None = None
    entity_id: int | None = None
    ip: str | None = None
    account_id: int | None = None
    action: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None


@dataclass(frozen=True)
class AccessPage:
    rows: list[AccessLog]
    next_cursor: str | None  # the id to continue below (rows go newest first)
    prev_cursor: str | None = None


@dataclass(frozen=True)
class ClassCount:
    data_class: str
    rows: int
    buyers: int  # distinct buyers whose data of this class was shown


@dataclass(frozen=True)
class AccountCount:
    account_id: int | None
    account_name: str | None
    rows: int
    buyers: int
    entities: int  # distinct (type, id) pairs


def _filtered(query: Select, f: AccessFilters) -> Select:
    """`query` narrowed by the filters, over a log that holds every row written so far: the rows requests
    left pending are moved in first (desk.services.privacy.access_log_store), so no question misses one."""
    settle(db.engine)
    conditions = [
        (f.agent_id, AccessLog.agent_id),
        (f.entity_type, AccessLog.entity_type), (f.entity_id, AccessLog.entity_id), (f.ip, AccessLog.ip),
        (f.account_id, AccessLog.account_id), (f.action, AccessLog.action),
    ]
    for value, column in conditions:
        if value is not None and value != "":
            query = query.where(column == value)
    if f.buyer_refs is not None:
        query = query.where(AccessLog.buyer_ref.in_(f.buyer_refs or ("",)))
    if f.start is not None:
        query = query.where(AccessLog.at >= f.start)
    if f.end is not None:
        query = query.where(AccessLog.at < f.end)
    return query


def find_access(
    filters: AccessFilters, *, before: int | None = None, per_page: int = PAGE_SIZE
) -> AccessPage:
    """One page of matching rows, newest first; `before` is the previous page's `next_cursor`."""
    query = _filtered(select(AccessLog), filters)
    if before is not None:
        query = query.where(AccessLog.id < before)
    rows = list(db.session.scalars(query.order_by(AccessLog.id.desc()).limit(per_page + 1)))
    more = len(rows) > per_page
    rows = rows[:per_page]
    return AccessPage(rows, str(rows[-1].id) if more else None)


def seen_by_agent(agent_id: int, start: dt.datetime, end: dt.datetime) -> list[AccessLog]:
    """Everything one agent was shown between `start` and `end` (G9: a compromised account's reach)."""
    return _all(AccessFilters(agent_id=agent_id, start=start, end=end))


Moment = dt.datetime | None


def who_saw_buyer(buyer_ref: str, start: Moment = None, end: Moment = None) -> list[AccessLog]:
    """Every showing of one buyer's data (G9: "who saw buyer Y")."""
    return _all(AccessFilters(buyer_refs=(buyer_ref,), start=start, end=end))


def who_saw_entity(entity_type: str, entity_id: int) -> list[AccessLog]:
    """Every showing of one order, conversation, parcel..."""
    return _all(AccessFilters(entity_type=entity_type, entity_id=entity_id))


def seen_from_ip(ip: str, start: Moment = None, end: Moment = None) -> list[AccessLog]:
    """Everything shown to requests from one address."""
    return _all(AccessFilters(ip=ip, start=start, end=end))


def _all(filters: AccessFilters) -> list[AccessLog]:
    query = _filtered(select(AccessLog), filters).order_by(AccessLog.at, AccessLog.id)
    return list(db.session.scalars(query))


def buyer_refs_for(text: str, account_ids: Collection[int] | None = None) -> tuple[str, ...]:
    """The log's keys of the buyer an owner names by Allegro login or Allegro buyer id (on every account
    where the desk knows them, or on `account_ids`), plus the text itself (a key copied from a CSV)."""
    text = text.strip()
    if not text:
        return ()
    pairs: set[tuple[int, str]] = set()
    for model in (Order, Issue, Rating):
        query = select(model.account_id, model.buyer_allegro_id).distinct().where(
            or_(model.buyer_login == text, model.buyer_allegro_id == text),
            model.buyer_allegro_id.is_not(None),
        )
        if account_ids is not None:
            query = query.where(model.account_id.in_(list(account_ids) or [-1]))
        pairs.update((a, b) for a, b in db.session.execute(query))
    # the text as a buyer id on every account too: an erased buyer's orders no longer hold it
    accounts = account_ids if account_ids is not None else db.session.scalars(select(SellerAccount.id))
    pairs.update((account_id, text) for account_id in accounts)
    keys = {buyer_key(account_id, buyer_id) for account_id, buyer_id in pairs}
    return tuple(sorted(k for k in keys | {text} if k))


def distinct_buyers(filters: AccessFilters) -> list[str]:
    """The keys of the buyers whose data matching rows showed, sorted."""
    query = _filtered(select(AccessLog.buyer_ref).distinct(), filters).where(AccessLog.buyer_ref.is_not(None))
    return sorted(db.session.scalars(query))


def class_counts(filters: AccessFilters) -> list[ClassCount]:
    """Per data class: matching rows that showed it and the distinct buyers concerned."""
    counts = []
    for data_class in DATA_CLASSES:
        query = _filtered(
            select(func.count(), func.count(AccessLog.buyer_ref.distinct())), filters
        ).where(AccessLog.data_classes.contains(data_class))
        rows, buyers = db.session.execute(query).one()
        counts.append(ClassCount(data_class, rows, buyers))
    return counts


def account_counts(filters: AccessFilters) -> list[AccountCount]:
    """Per seller account: matching rows, distinct buyers and distinct entities shown."""
    entity = func.coalesce(AccessLog.entity_type, "") + ":" + func.coalesce(
        func.cast(AccessLog.entity_id, db.String), ""
    )
    query = _filtered(
        select(
            AccessLog.account_id, SellerAccount.name, func.count(),
            func.count(AccessLog.buyer_ref.distinct()), func.count(entity.distinct()),
        )
        .outerjoin(SellerAccount, SellerAccount.id == AccessLog.account_id)
        .where(AccessLog.entity_type.is_not(None))
        .group_by(AccessLog.account_id, SellerAccount.name)
        .order_by(AccessLog.account_id),
        filters,
    )
    return [AccountCount(*row) for row in db.session.execute(query)]


def buyers_csv(filters: AccessFilters) -> str:
    """The affected buyers' keys as CSV (BOM, `;`): one per line, with the rows that showed each."""
    query = _filtered(
        select(AccessLog.buyer_ref, func.count()).where(AccessLog.buyer_ref.is_not(None)), filters
    ).group_by(AccessLog.buyer_ref).order_by(AccessLog.buyer_ref)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(("buyer_ref", "rows"))
    writer.writerows((_cell(ref), count) for ref, count in db.session.execute(query))
    return "\ufeff" + out.getvalue()


def export_csv(filters: AccessFilters) -> Iterator[str]:
    """The matching rows as CSV text chunks: UTF-8 BOM, `;` separator (Polish Excel), oldest first."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    yield "\ufeff" + _drain(out)
    last_id = 0
    while True:
        query = _filtered(select(AccessLog), filters).where(AccessLog.id > last_id)
        rows = list(db.session.scalars(query.order_by(AccessLog.id).limit(EXPORT_BATCH)))
        if not rows:
            return
        for row in rows:
            writer.writerow(_csv_row(row))
        last_id = rows[-1].id
        yield _drain(out)


def _csv_row(row: AccessLog) -> list[str]:
    values = (
        row.id, row.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"), row.agent_id, row.ip,
        row.user_agent, row.route, row.action.value, row.entity_type, row.entity_id, row.account_id,
        row.buyer_ref, row.data_classes, row.search_query,
    )
    return [_cell(value) for value in values]


def _cell(value) -> str:
    """Text as stored, but never a formula when the sheet opens (user agents and queries are typed)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _drain(out: io.StringIO) -> str:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text
