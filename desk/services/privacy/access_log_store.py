"""Where the access log's rows are written, and how they join the indexed log.

A request's rows go into `access_log_pending`, a table with no index but its key: one statement per
request, its shared values bound once and its entities as one JSON array, so neither the driver nor the
server works per row, and the insert fills a page or two instead of updating six indexes at random places.
`settle` moves pending rows into `access_log` in bulk, oldest first (the `settle_access_log` job every
minute, and every forensic read first, so a read never misses a row).

On PostgreSQL the access log's writer threads (desk.views.pii_writer) keep one autocommitted connection
each, outside the engine's pool: no checkout, ping and reset around every insert, and the driver's
Python work per request stays a tenth of a millisecond (docs/benchmarks.md, the access log's section).
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import orjson
from sqlalchemy import Connection, Engine, text

from desk.models import AccessLog, AccessLogPending

_TARGET = (
    "INSERT INTO access_log_pending (at, agent_id, ip, user_agent, route, action, data_classes, "
    "search_query, entity_type, entity_id, account_id, buyer_ref) "
)
# PostgreSQL: the statement is a transaction of its own whose commit does not wait for the WAL to reach
# the disk (the page does not wait for it either): a failed write still fails the request; only a crash
# of the database server itself could lose the last fraction of a second of rows. (`set_config(...,
# true)` lasts until the end of the statement's transaction, after its commit record is written.)
_PG_INSERT = (
    "WITH quick AS (SELECT set_config('synchronous_commit', 'off', true)) " + _TARGET
    + "SELECT %s, %s, %s, %s, %s, %s, %s, %s, e->>0, (e->>1)::integer, (e->>2)::integer, e->>3 "
    "FROM quick, jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n"
)
_SQLITE_INSERT = _TARGET + (  # noqa: S608 (every value bound)
    "SELECT ?, ?, ?, ?, ?, ?, ?, ?, json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
    "json_extract(value, '$[2]'), json_extract(value, '$[3]') FROM json_each(?) ORDER BY key"
)
_SHARED = ("at", "agent_id", "ip", "user_agent", "route", "action", "data_classes", "search_query")


@dataclass(frozen=True)
class Rows:
    """One request's log rows, ready to insert: the values they share and (type, id, account, buyer key)."""

    shared: dict
    entities: list[tuple]


def write_rows(engine: Engine, rows: Rows, *, dedicated: bool = False) -> int:
    """Insert prepared rows into the pending table and commit; returns the rows written.

    They go on a connection of their own, so the request's session (and the objects its page loaded) is
    left alone and the rows stay even if the request's own work is rolled back later. `dedicated` (the
    writer threads, PostgreSQL): the calling thread's own connection instead of one from the pool."""
    if not rows.entities:
        return 0
    if engine.dialect.name != "postgresql":
        _sqlite_insert(engine, rows)
    elif dedicated:
        _DEDICATED.execute(engine, _params(rows, _utc))
    else:
        with engine.connect() as connection:
            autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
            autocommit.exec_driver_sql(_PG_INSERT, _params(rows, _utc))
    return len(rows.entities)


def _sqlite_insert(engine: Engine, rows: Rows) -> None:
    """The insert on a pooled connection through the driver itself: SQLAlchemy's statement layer cost
    as much as the insert (the time is stored as the ORM stores it: the column type's own processor)."""
    moment = AccessLogPending.__table__.c.at.type
    stored = moment.dialect_impl(engine.dialect).bind_processor(engine.dialect)
    connection = engine.raw_connection()
    try:
        connection.cursor().execute(_SQLITE_INSERT, _params(rows, stored))
        connection.commit()
    finally:
        connection.close()  # back to the pool, which rolls back whatever did not commit


def _params(rows: Rows, at: Callable[[dt.datetime], object]) -> tuple:
    shared = rows.shared | {"at": at(rows.shared["at"])}
    return (*(shared[name] for name in _SHARED), orjson.dumps(rows.entities).decode())


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


class _ThreadConnections:
    """One autocommitted psycopg connection per thread and database, opened on first use.

    A connection found broken (the server restarted, an idle connection was cut) is replaced and the
    insert tried once more; should the first attempt have reached the table after all, the rows are
    logged twice, never missing."""

    def __init__(self) -> None:
        self._local = threading.local()

    def execute(self, engine: Engine, params: tuple) -> None:
        import psycopg

        connection = self._connection(engine)
        try:
            connection.execute(_PG_INSERT, params)
        except psycopg.OperationalError:
            if not connection.broken and not connection.closed:
                raise
            self._drop(engine)
            self._connection(engine).execute(_PG_INSERT, params)

    def _connection(self, engine: Engine):
        import psycopg

        opened = self._opened()
        key = engine.url.render_as_string(hide_password=False)
        connection = opened.get(key)
        if connection is None or connection.closed:
            args, params = engine.dialect.create_connect_args(engine.url)
            connection = opened[key] = psycopg.connect(*args, **params, autocommit=True)
        return connection

    def close(self) -> None:
        """Close the calling thread's connections (a thread about to end)."""
        for connection in self._opened().values():
            connection.close()
        self._opened().clear()

    def _drop(self, engine: Engine) -> None:
        connection = self._opened().pop(engine.url.render_as_string(hide_password=False), None)
        if connection is not None:
            connection.close()

    def _opened(self) -> dict:
        if not hasattr(self._local, "opened"):
            self._local.opened = {}
        return self._local.opened


_DEDICATED = _ThreadConnections()


def close_thread_connections() -> None:
    """Close the connections `write_rows(..., dedicated=True)` opened on the calling thread."""
    _DEDICATED.close()

SETTLE_BATCH = 1000  # rows moved per transaction: about 10 ms of SQLite's write lock
# SQLite: the pause between two batches, so that requests waiting for the write lock (whose busy handler
# sleeps 1, 2, then 5 ms) take it before the next batch does.
SQLITE_PAUSE = 0.008
_SETTLE_LOCK = 0x61636C67  # PostgreSQL advisory lock: one settling transaction at a time
_COLUMNS = ", ".join(c.name for c in AccessLog.__table__.c if c.name != "id")
# (the column names come from the model: no value is part of the text)
_MOVE_PG = text(
    "WITH moved AS (DELETE FROM access_log_pending WHERE id IN "  # noqa: S608
    "(SELECT id FROM access_log_pending ORDER BY id LIMIT :batch) RETURNING *) "
    "INSERT INTO access_log (" + _COLUMNS + ") SELECT " + _COLUMNS + " FROM moved ORDER BY id"
)
_COPY_SQLITE = text(
    "INSERT INTO access_log (" + _COLUMNS + ") SELECT " + _COLUMNS  # noqa: S608
    + " FROM access_log_pending ORDER BY id LIMIT :batch"
)
_DROP_SQLITE = text(
    "DELETE FROM access_log_pending WHERE id IN (SELECT id FROM access_log_pending ORDER BY id LIMIT :batch)"
)


def settle(engine: Engine, *, batch: int = SETTLE_BATCH) -> int:
    """Move every pending row into the indexed log, oldest first, `batch` rows per transaction; returns the
    rows moved. Safe to run from many processes at once: on PostgreSQL the batches take turns (an advisory
    lock), on SQLite the database's single writer orders them; a row is moved exactly once. Rows written
    while it runs may be left for the next call."""
    if batch < 1:
        raise ValueError("batch must be positive")
    moved = 0
    while True:
        with engine.begin() as connection:
            count = _settle_batch(connection, batch)
        moved += count
        if count < batch:
            return moved
        if engine.dialect.name == "sqlite":
            time.sleep(SQLITE_PAUSE)


def _settle_batch(connection: Connection, batch: int) -> int:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SETTLE_LOCK})
        return connection.execute(_MOVE_PG, {"batch": batch}).rowcount
    # The copy is the transaction's first statement, so it takes the write lock before it reads: the
    # delete that follows sees exactly the rows copied.
    copied = connection.execute(_COPY_SQLITE, {"batch": batch}).rowcount
    connection.execute(_DROP_SQLITE, {"batch": batch})
    return copied
