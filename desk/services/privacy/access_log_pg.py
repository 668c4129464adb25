"""The access log's insert on PostgreSQL, sent at once and its result read later.

A request sends its rows as soon as the view declares them (libpq's asynchronous protocol: the query goes
out, nothing waits), renders its page while the server inserts, and reads the result before its response
leaves. No thread is involved, so the page's Python work is not interrupted: a writer thread cost a few
per cent of the page in interpreter switches (docs/benchmarks.md, the access log's section).

Each thread sends on a connection of its own, autocommitted, opened on first use and kept outside the
engine's pool (no checkout, ping and reset around every insert). A connection found broken when the insert
is sent or read (the server restarted, an idle connection was cut) is replaced and the insert sent once
more; should the first attempt have reached the table after all, the rows are logged twice, never missing.
"""
from __future__ import annotations

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
_SHARED = ("agent_id", "ip", "user_agent", "route", "action", "data_classes", "search_query")


class AccessLogWriteError(RuntimeError):
    """The server refused the insert."""


class AccessLogTimeout(AccessLogWriteError):
    """The server did not answer in time (the connection is given up: its state is unknown)."""


def parameters(shared: dict, entities: list[tuple]) -> list[bytes | None]:
    """The statement's nine parameters as text: the shared values, then the entities as one JSON array."""
    values = [shared["at"].astimezone(dt.UTC).isoformat(), *(shared[name] for name in _SHARED)]
    return [None if v is None else str(v).encode() for v in values] + [orjson.dumps(entities)]


class Sent:
    """An insert sent on the calling thread's connection; `result` reads its answer (once)."""

    def __init__(self, sender: ThreadSender, engine: Engine, params: list, rows: int) -> None:
        self._sender, self._engine, self._params, self._rows = sender, engine, params, rows
        self._error: BaseException | None = None
        self._read = False

    def result(self, timeout: float | None = None) -> int:
        """The rows written; raises when the insert failed. Waits for the server at most `timeout` s."""
        if not self._read:
            self._sender.read(self, timeout)
        if self._error is not None:
            raise self._error
        return self._rows


class ThreadSender:
    """Per thread and database: one connection, and the insert sent on it whose answer is not read yet."""

    def __init__(self) -> None:
        self._local = threading.local()

    def send(self, engine: Engine, params: list, rows: int) -> Sent:
        """Send the insert now; the returned `Sent` reads its answer later."""
        key = _key(engine)
        earlier = self._in_flight().pop(key, None)
        if earlier is not None:  # one query at a time on a connection: read the earlier answer first
            self.read(earlier, None)
        sent = Sent(self, engine, params, rows)
        try:
            self._send(engine, params)
        except psycopg.OperationalError:
            self._drop(engine)
            self._send(engine, params)
        self._in_flight()[key] = sent
        return sent

    def read(self, sent: Sent, timeout: float | None) -> None:
        """Read `sent`'s answer into it (an error is kept there, raised by `Sent.result`)."""
        key = _key(sent._engine)
        if self._in_flight().get(key) is sent:
            del self._in_flight()[key]
        sent._read = True
        try:
            try:
                _answer(self._connection(sent._engine).pgconn, timeout)
            except psycopg.OperationalError:
                self._drop(sent._engine)
                self._send(sent._engine, sent._params)
                _answer(self._connection(sent._engine).pgconn, timeout)
        except AccessLogTimeout as exc:
            self._drop(sent._engine)
            sent._error = exc
        except Exception as exc:
            sent._error = exc

    def close(self) -> None:
        """Close the calling thread's connections (a thread about to end)."""
        for connection in self._opened().values():
            connection.close()
        self._opened().clear()
        self._in_flight().clear()

    def _send(self, engine: Engine, params: list) -> None:
        self._connection(engine).pgconn.send_query_params(INSERT, params)

    def _connection(self, engine: Engine) -> psycopg.Connection:
        opened = self._opened()
        connection = opened.get(_key(engine))
        if connection is None or connection.closed:
            args, kwargs = engine.dialect.create_connect_args(engine.url)
            connection = opened[_key(engine)] = psycopg.connect(*args, **kwargs, autocommit=True)
        return connection

    def _drop(self, engine: Engine) -> None:
        connection = self._opened().pop(_key(engine), None)
        self._in_flight().pop(_key(engine), None)
        if connection is not None:
            connection.close()

    def _opened(self) -> dict[str, psycopg.Connection]:
        if not hasattr(self._local, "opened"):
            self._local.opened = {}
        return self._local.opened

    def _in_flight(self) -> dict[str, Sent]:
        if not hasattr(self._local, "in_flight"):
            self._local.in_flight = {}
        return self._local.in_flight


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


SENDER = ThreadSender()
