"""The access log's writer threads: on PostgreSQL a request's log insert runs while its page is rendered.

The request prepares its rows (the buyers' keys need the app) and hands them here; the insert runs on the
writer thread's own connection (desk.services.privacy.access_log_store), and the request waits for it
before its response leaves (desk.views.pii). PostgreSQL's work is on the server, so the page's rendering
and the log's insert overlap. On SQLite the insert runs at once on the request's thread: the driver's own
Python work would compete with the rendering for the interpreter, and a thread made the page slower, not
faster (docs/benchmarks.md, the access log's section).
"""
from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import Engine

from desk.services.privacy.access_log_store import Rows, write_rows

WORKERS = 4
TIMEOUT = 30.0  # seconds a request waits for its log before it fails

_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def submit(engine: Engine, rows: Rows) -> Future:
    """Start inserting `rows`; the future's result is the number of rows written (or the error)."""
    if engine.dialect.name != "postgresql":
        try:
            return done(write_rows(engine, rows))
        except Exception as exc:
            return failed(exc)
    return _pool().submit(write_rows, engine, rows, dedicated=True)


def done(value: int) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


def failed(exc: BaseException) -> Future:
    future: Future = Future()
    future.set_exception(exc)
    return future


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="access-log")
        return _executor
