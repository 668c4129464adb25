"""The access log's insert on PostgreSQL, sent at once and its result read later.

A request sends its rows as soon as the view declares them (libpq's asynchronous protocol: the query goes
out, nothing waits), renders its page while the server inserts, and reads the result before its response
leaves. No thread is involved, so the page's Python work is not interrupted: a writer thread cost a few
per cent of the page in interpreter switches (docs/benchmarks.md, the access log's section).

The inserts go on connections of their own, autocommitted, opened on first use and kept outside the
engine's pool (no checkout, ping and reset around every insert): one per insert under way. A connection
found broken when the insert is sent or read (the server restarted, an idle connection was cut) is
replaced and the insert sent once more; should the first attempt have reached the table after all, the
rows are logged twice, never missing.
"""
from __future__ import annotations

import atexit
import datetime as dt
import select
import threading
import time

import orjson
import psycopg
from psycopg import pq
from sqlalchemy import Engine

# The statement is a transaction of its own whose commit does not wait for the WAL to reach the disk (the
# page does not wait for it either): a failed write still fails the request; only a crash of the database
# server itself could lose the last fraction of a second of rows. (`set_config(..., true)` lasts until the
# end of the statement's transaction, after its commit record is written.)
INSERT = (
    b"WITH quick AS (SELECT set_config('synchronous_commit', 'off', true)) "
    b"INSERT INTO access_log_pending (at, agent_id, ip, user_agent, route, action, data_classes, "
    b"search_query, entity_type, entity_id, account_id, buyer_ref) "
    b"SELECT $1::timestamptz, $2::integer, $3::varchar, $4::varchar, $5::varchar, $6::varchar, $7::varchar, "
    b"$8::varchar, e->>0, (e->>1)::integer, (e->>2)::integer, e->>3 "
    b"FROM quick, jsonb_array_elements($9::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n"
)


class AccessLogWriteError(RuntimeError):
    """The server refused the insert."""


class AccessLogTimeout(AccessLogWriteError):
    """The server did not answer in time (the connection is given up: its state is unknown)."""


def parameters(shared: tuple, entities: list[tuple]) -> list[bytes | None]:
    """The statement's nine parameters as text: the shared values (the time first, as the statement
    lists them), then the entities as one JSON array."""
    at, *rest = shared
    return [None if v is None else str(v).encode() for v in (at.astimezone(dt.UTC).isoformat(), *rest)] + [
        orjson.dumps(entities)]


class Sent:
    """An insert sent on a connection of its own; `result` reads its answer (once), freeing the connection."""

    def __init__(self, sender: Sender, engine: Engine, connection: psycopg.Connection, params: list,
                 rows: int) -> None:
        self._sender, self._engine, self._connection = sender, engine, connection
        self._params, self._rows = params, rows
        self._error: BaseException | None = None
        self._read = False

    def result(self, timeout: float | None = None) -> int:
        """The rows written; raises when the insert failed. Waits for the server at most `timeout` s."""
        if not self._read:
            self._read = True
            self._error = self._sender.read(self, timeout)
        if self._error is not None:
            raise self._error
        return self._rows


class Sender:
    """Connections kept for the inserts, per database: one is taken for each insert sent and given back
    when its answer has been read, so there are as many as inserts under way at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free: dict[str, list[psycopg.Connection]] = {}

    def send(self, engine: Engine, params: list, rows: int) -> Sent:
        """Send the insert now; the returned `Sent` reads its answer later."""
        connection = self._take(engine)
        try:
            connection.pgconn.send_query_params(INSERT, params)
        except psycopg.OperationalError:
            connection.close()
            connection = self._open(engine)
            connection.pgconn.send_query_params(INSERT, params)
        return Sent(self, engine, connection, params, rows)

    def read(self, sent: Sent, timeout: float | None) -> BaseException | None:
        """Read `sent`'s answer and give its connection back; returns the error, if any."""
        connection = sent._connection
        try:
            try:
                _answer(connection.pgconn, timeout)
            except psycopg.OperationalError:
                connection.close()
                connection = self._open(sent._engine)
                connection.pgconn.send_query_params(INSERT, sent._params)
                _answer(connection.pgconn, timeout)
        except Exception as exc:
            connection.close()  # its state is unknown: not given back
            return exc
        self._give_back(sent._engine, connection)
        return None

    def close(self) -> None:
        """Close every free connection."""
        with self._lock:
            for free in self._free.values():
                for connection in free:
                    connection.close()
            self._free.clear()

    def _take(self, engine: Engine) -> psycopg.Connection:
        with self._lock:
            free = self._free.get(_key(engine))
            connection = free.pop() if free else None
        if connection is None or connection.closed:
            connection = self._open(engine)
        return connection

    def _give_back(self, engine: Engine, connection: psycopg.Connection) -> None:
        with self._lock:
            self._free.setdefault(_key(engine), []).append(connection)

    @staticmethod
    def _open(engine: Engine) -> psycopg.Connection:
        args, kwargs = engine.dialect.create_connect_args(engine.url)
        return psycopg.connect(*args, **kwargs, autocommit=True)


def _answer(pgconn: pq.abc.PGconn, timeout: float | None) -> None:
    """Wait (without holding the interpreter) for the answer to the query in flight and check it."""
    deadline = None if timeout is None else time.monotonic() + timeout
    pgconn.consume_input()
    while pgconn.is_busy():
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise AccessLogTimeout("no answer to the access log's insert in time")
        select.select([pgconn.socket], [], [], remaining)
        pgconn.consume_input()
    errors = []
    while (result := pgconn.get_result()) is not None:
        if result.status != pq.ExecStatus.COMMAND_OK:
            errors.append((result.error_message or b"").decode(errors="replace").strip())
    if errors and pgconn.status == pq.ConnStatus.BAD:  # the server ended the connection
        raise psycopg.OperationalError("; ".join(errors))
    if errors:
        raise AccessLogWriteError("; ".join(errors))


def _key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


SENDER = Sender()
atexit.register(SENDER.close)  # a process ends its sessions instead of dropping them
