"""Gapless invoice numbers per series and month.

`take_number` bumps the (series, year, month) counter with one UPDATE ... RETURNING: the counter's row
stays write-locked until the caller commits (a row lock on PostgreSQL, the database lock on SQLite), and
the caller commits the invoice in that same transaction. A second issuer waits for the first to commit and
then gets the next number; an issue that rolls back gives its number back. So numbers are 1..N per month
without gaps or repeats, however many workers issue at once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from desk.extensions import db
from desk.models.invoice import InvoiceCounter

VAT_SERIES = "FV"
CORRECTION_SERIES = "KOR"


def format_number(series: str, year: int, month: int, seq: int) -> str:
    """FV/2026/12/0001."""
    return f"{series}/{year:04d}/{month:02d}/{seq:04d}"


def take_number(series: str, day: dt.date) -> tuple[int, str]:
    """The next number of `series` in the month of `day` (its counter stays locked until commit)."""
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    # the month's first invoice creates the counter; a concurrent first one may at the same moment
    db.session.execute(
        insert(InvoiceCounter)
        .values(series=series, year=day.year, month=day.month, last_number=0)
        .on_conflict_do_nothing()
    )
    seq = db.session.execute(
        update(InvoiceCounter)
        .where(InvoiceCounter.series == series, InvoiceCounter.year == day.year,
               InvoiceCounter.month == day.month)
        .values(last_number=InvoiceCounter.last_number + 1)
        .returning(InvoiceCounter.last_number)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return seq, format_number(series, day.year, day.month, seq)
