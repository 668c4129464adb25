"""Where the access log's rows are written, and how they join the indexed log.

A request's rows go into `access_log_pending`, a table with no index but its key: one statement per
request, its shared values bound once and its entities as one JSON array, so neither the driver nor the
server works per row, and the insert fills a page or two instead of updating six indexes at random places.
`settle` moves pending rows into `access_log` in bulk, oldest first (the `settle_access_log` job every
minute, and every forensic read first, so a read never misses a row).

On PostgreSQL the insert is sent as soon as a view declares its rows and read before the response leaves
(desk.services.privacy.access_log_pg); on SQLite it is written at once, through the driver.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import orjson
from sqlalchemy import Connection, Dialect, Engine, text

from desk.models import AccessLog, AccessLogPending
from desk.services.privacy import access_log_pg

_SQLITE_INSERT = (
    "INSERT INTO access_log_pending (at, agent_id, ip, user_agent, route, action, data_classes, "
    "search_query, entity_type, entity_id, account_id, buyer_ref) "
    "SELECT ?, ?, ?, ?, ?, ?, ?, ?, json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
    "json_extract(value, '$[2]'), json_extract(value, '$[3]') FROM json_each(?) ORDER BY key"
)
# The values a request's rows share, in both inserts' order.
SHARED = ("at", "agent_id", "ip", "user_agent", "route", "action", "data_classes", "search_query")
TIMEOUT = 30.0  # seconds to wait for the database's answer before the write counts as failed


@dataclass(frozen=True)
class Rows:
    """One request's log rows, ready to insert: the values they share and (type, id, account, buyer key)."""

    shared: dict
    entities: list[tuple]

    def shared_values(self) -> tuple:
        """The shared values in the inserts' order (`SHARED`)."""
        return tuple(self.shared[name] for name in SHARED)


class Answer(Protocol):
    """A write under way: `result` is the rows written, or raises why they were not."""

    def result(self, timeout: float | None = None) -> int: ...


@dataclass(frozen=True)
class Written:
    """An insert already committed."""

    rows: int

    def result(self, timeout: float | None = None) -> int:
        return self.rows


class Failed:
    """A write that could not even start: its `result` raises the reason."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def result(self, timeout: float | None = None) -> int:
        raise self.error


def send_rows(engine: Engine, rows: Rows) -> Answer:
    """Start writing prepared rows into the pending table; the answer's `result()` is the rows written
    or raises. PostgreSQL: the insert is sent and runs on the server while the caller goes on (on a
    connection kept for the log, desk.services.privacy.access_log_pg). SQLite: written at once.

    Either way the rows go on a connection of their own, so the request's session (and the objects its
    page loaded) is left alone and the rows stay even if the request's own work is rolled back later."""
    if not rows.entities:
        return Written(0)
    if engine.dialect.name == "postgresql":
        params = access_log_pg.parameters(rows.shared_values(), rows.entities)
        return access_log_pg.SENDER.send(engine, params, len(rows.entities))
    return Written(_sqlite_insert(engine, rows))


def write_rows(engine: Engine, rows: Rows) -> int:
    """Insert prepared rows into the pending table and commit; returns the rows written."""
    return send_rows(engine, rows).result(TIMEOUT)


def _sqlite_insert(engine: Engine, rows: Rows) -> int:
    """The insert on a pooled connection through the driver itself: SQLAlchemy's statement layer cost
    as much as the insert (the time is stored as the ORM stores it: the column type's own processor)."""
    at, *shared = rows.shared_values()
    params = (_stored_time(engine.dialect)(at), *shared, orjson.dumps(rows.entities).decode())
    connection = engine.raw_connection()
    try:
        connection.cursor().execute(_SQLITE_INSERT, params)
        connection.commit()
    finally:
        connection.close()  # back to the pool, which rolls back whatever did not commit
    return len(rows.entities)


@lru_cache(maxsize=8)  # a process has an engine or two
def _stored_time(dialect: Dialect) -> Callable:
    """How the ORM turns the log's time into the dialect's stored value (worked out once per dialect)."""
    moment = AccessLogPending.__table__.c.at.type
    return moment.dialect_impl(dialect).bind_processor(dialect)


SETTLE_BATCH = 200  # rows moved per transaction: about 2 ms of SQLite's write lock
# SQLite: the pause between two batches, so that requests waiting for the write lock (whose busy handler
# sleeps 1, 2, then 5 ms) take it before the next batch does.
SQLITE_PAUSE = 0.010
_SETTLE_LOCK = 0x61636C67  # PostgreSQL advisory lock: one settling transaction at a time
_COLUMNS = ", ".join(c.name for c in AccessLog.__table__.c if c.name != "id")
# (the column names come from the model: no value is part of the text)
_KNOWN_ACCOUNT = "account_id IS NULL OR account_id IN (SELECT id FROM seller_account)"
_MOVE_PG = text(
    "WITH taken AS (DELETE FROM access_log_pending WHERE id IN "  # noqa: S608
    "(SELECT id FROM access_log_pending ORDER BY id LIMIT :batch) RETURNING *), "
    "copied AS (INSERT INTO access_log (" + _COLUMNS + ") SELECT " + _COLUMNS + " FROM taken WHERE "
    + _KNOWN_ACCOUNT + " ORDER BY id RETURNING 1) "
    "SELECT (SELECT count(*) FROM taken), (SELECT count(*) FROM copied)"
)
_COPY_SQLITE = text(
    "INSERT INTO access_log (" + _COLUMNS + ") SELECT " + _COLUMNS  # noqa: S608
    + " FROM (SELECT * FROM access_log_pending ORDER BY id LIMIT :batch) WHERE " + _KNOWN_ACCOUNT
    + " ORDER BY id"
)
_DROP_SQLITE = text(
    "DELETE FROM access_log_pending WHERE id IN (SELECT id FROM access_log_pending ORDER BY id LIMIT :batch)"
)


def settle(engine: Engine, *, batch: int = SETTLE_BATCH) -> int:
    """Move every pending row into the indexed log, oldest first, `batch` rows per transaction; returns the
    rows moved. Safe to run from many processes at once: on PostgreSQL the batches take turns (an advisory
    lock), on SQLite the database's single writer orders them; a row is moved exactly once. Rows written
    while it runs may be left for the next call. Rows of a seller account deleted since are dropped (the
    pending table has no foreign key, so that an insert checks nothing per row): the account's log went
    with it."""
    if batch < 1:
        raise ValueError("batch must be positive")
    moved = 0
    while True:
        with engine.begin() as connection:
            taken, copied = _settle_batch(connection, batch)
        moved += copied
        if taken < batch:
            return moved
        if engine.dialect.name == "sqlite":
            time.sleep(SQLITE_PAUSE)


def _settle_batch(connection: Connection, batch: int) -> tuple[int, int]:
    """(rows taken from the pending table, rows copied into the log) of one batch."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SETTLE_LOCK})
        taken, copied = connection.execute(_MOVE_PG, {"batch": batch}).one()
        return taken, copied
    # The copy is the transaction's first statement, so it takes the write lock before it reads: the
    # delete that follows takes exactly the rows the copy saw.
    copied = connection.execute(_COPY_SQLITE, {"batch": batch}).rowcount
    return connection.execute(_DROP_SQLITE, {"batch": batch}).rowcount, copied
