"""How a request's access-log write starts and ends.

The request prepares its rows (the buyers' keys need the app) as soon as its view declares them and
starts their insert here: on PostgreSQL the insert is sent and the server runs it while the page
renders; on SQLite it is written at once (desk.services.privacy.access_log_store.send_rows). Before the
response leaves, desk.views.pii reads every answer; a failed one fails the request.
"""
from __future__ import annotations

from sqlalchemy import Engine

from desk.services.privacy.access_log_store import TIMEOUT, Answer, Rows, send_rows

__all__ = ["TIMEOUT", "Failed", "submit"]


class Failed:
    """A write that could not even start: its `result` raises the reason."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def result(self, timeout: float | None = None) -> int:
        raise self.error


def submit(engine: Engine, rows: Rows) -> Answer:
    """Start inserting `rows`; the answer's `result` is the number of rows written (or raises)."""
    try:
        return send_rows(engine, rows)
    except Exception as exc:
        return Failed(exc)
