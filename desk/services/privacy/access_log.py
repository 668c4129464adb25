"""The access log (G7): one append-only row per buyer entity a response showed to an agent.

Views declare what they showed (`Seen`: an entity with its account and buyer); `record_access` writes all
of a request's rows in one batched insert and commits, so the caller can fail the request when it cannot.
They land in a table without indexes and join the indexed log in bulk (desk.services.privacy.
access_log_store). `purge_access_log` removes rows past their retention (12 months) in batches.

Buyers are named by `_buyer_key` (the account's pseudonym of their Allegro id), never by name or contact.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select

from desk.extensions import db
from desk.models import AccessAction, AccessLog
from desk.models.audit import QUERY_MAX, USER_AGENT_MAX
from desk.services.privacy.access_entities import entity_buyers
from desk.services.privacy.access_log_store import Rows, settle, write_rows
from desk.services.privacy.pseudonyms import buyer_pseudonym, buyer_pseudonyms

# The classes of personal data (the inventory's `info={"personal": ...}` values) a log row can name.
DATA_CLASSES = ("identity", "contact", "address", "free_text", "bank", "file")
DEFAULT_KEEP_DAYS = 365


@dataclass(frozen=True)
class Seen:
    """One buyer entity a response showed: its type and id, its seller account and the buyer's Allegro id."""

    entity_type: str
    entity_id: int | None
    account_id: int | None
    buyer_id: str | None


@dataclass(frozen=True)
class Viewer:
    """Who asked, from where, through which route."""

    agent_id: int | None
    ip: str | None
    user_agent: str | None
    route: str


def _buyer_key(account_id: int | None, buyer_id: str | None) -> str | None:
    """The key a log row names its buyer by: the account's pseudonym of the Allegro buyer id (keyed HMAC,
    the key outside the database), so the log itself names nobody."""
    if not buyer_id or account_id is None:
        return None
    return buyer_pseudonym(account_id, buyer_id)


def buyer_key(account_id: int | None, buyer_id: str | None) -> str | None:
    """The key the log names a buyer by (for the forensic page's "who saw buyer Y")."""
    return _buyer_key(account_id, buyer_id)


def seen_entities(entity_type: str, ids: Iterable[int]) -> list[Seen]:
    """`Seen` for entities known by id only: their accounts and buyers read in one query."""
    wanted = list(dict.fromkeys(i for i in ids if i is not None))
    found = entity_buyers(entity_type, wanted)
    return [Seen(entity_type, i, *found.get(i, (None, None))) for i in wanted]


def record_access(**access) -> int:
    """Write one row per entity shown (one batched insert, committed at once); returns the rows written.
    The arguments are those of `prepare_rows`.

    A search that showed nothing still writes one row (the query itself). Any database error is raised:
    the caller fails the request rather than leave a gap in the log.
    """
    return write_rows(db.engine, prepare_rows(**access))


def prepare_rows(
    *,
    viewer: Viewer,
    action: AccessAction | str,
    seen: Sequence[Seen],
    classes: Collection[str],
    now: dt.datetime,
    search_query: str | None = None,
) -> Rows:
    """The rows `record_access` writes, with the buyers' keys computed (needs the app: the keys are
    the account's); `write_rows` or `send_rows` then needs only the engine."""
    action = AccessAction(action)
    unknown = set(classes) - set(DATA_CLASSES)
    if unknown:
        raise ValueError(f"unknown data classes: {sorted(unknown)}")
    query = search_query[:QUERY_MAX] if search_query else None
    shared = {
        "at": now,
        "agent_id": viewer.agent_id,
        "ip": (viewer.ip or None) and viewer.ip[:45],
        "user_agent": (viewer.user_agent or "")[:USER_AGENT_MAX] or None,
        "route": viewer.route[:80],
        "action": action.name,
        "data_classes": ",".join(sorted(set(classes))),
        "search_query": query,
    }
    distinct = _distinct(seen)
    keys = buyer_pseudonyms((s.account_id, s.buyer_id) for s in distinct
                            if s.buyer_id and s.account_id is not None)
    entities = [(s.entity_type, s.entity_id, s.account_id, keys.get((s.account_id, s.buyer_id)))
                for s in distinct]
    if not entities and query:
        entities = [(None, None, None, None)]
    return Rows(shared, entities)


def _distinct(seen: Sequence[Seen]) -> list[Seen]:
    """Each entity once (a page may show the same order twice)."""
    return list(dict.fromkeys(seen))


def purge_access_log(*, now: dt.datetime, keep_days: int = DEFAULT_KEEP_DAYS, batch: int = 1000) -> int:
    """Delete rows older than `keep_days` before `now`, `batch` rows per commit; returns rows deleted.

    Resumable and idempotent: an interrupted run leaves whole batches deleted, the next run goes on.
    """
    if batch < 1:
        raise ValueError("batch must be positive")
    settle(db.engine)  # a row still pending is old only if nothing has settled the log for a year
    cutoff = now - dt.timedelta(days=keep_days)
    deleted = 0
    while True:
        oldest = select(AccessLog.id).where(AccessLog.at < cutoff).order_by(AccessLog.at, AccessLog.id)
        ids = db.session.scalars(oldest.limit(batch)).all()
        if not ids:
            return deleted
        db.session.execute(delete(AccessLog).where(AccessLog.id.in_(ids)))
        db.session.commit()
        deleted += len(ids)
