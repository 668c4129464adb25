"""Waiting for what the workers do, with a fresh view of the database each time."""

from __future__ import annotations

import time

from sqlalchemy import select

from desk.extensions import db
from desk.models import SyncRun


def wait_until(predicate, timeout: float = 90.0):  # generous: CI machines may be busy
    """Poll `predicate` (with a fresh database view each time) until it is truthy."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def finished_runs() -> list[SyncRun]:
    return list(db.session.scalars(select(SyncRun).where(SyncRun.state != "running")))
