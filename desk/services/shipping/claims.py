"""Handing due rows to one worker each: a compare-and-set on the row's "next time" column, so two
workers (threads, processes, machines) reading the same due rows never act on the same one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import InstrumentedAttribute

from desk.extensions import db


def claim(
    model: Any,
    when: InstrumentedAttribute,
    due: ColumnElement[bool],
    now: dt.datetime,
    *,
    hold: dt.timedelta,
    limit: int,
) -> list[Any]:
    """Rows of `model` matching `due` whose `when` has come, each moved to now + `hold` only if nobody
    moved it since it was read; returns the rows this worker won, oldest first. Commits."""
    found = db.session.execute(
        select(model.id, when).where(due, when <= now).order_by(when).limit(limit)
    ).all()
    won = []
    for row_id, seen in found:
        taken = db.session.execute(
            update(model).where(model.id == row_id, when == seen).values({when.key: now + hold})
        )
        if taken.rowcount == 1:
            won.append(row_id)
    db.session.commit()
    return [db.session.get(model, row_id) for row_id in won]
