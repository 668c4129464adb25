"""The one-month clock of data-subject requests (GDPR Art. 12(3)): due dates and extensions."""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")
MAX_EXTENSION_MONTHS = 2


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus calendar months; a day the target month lacks becomes its last (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def received_day(received_at: dt.datetime) -> dt.date:
    """The day a request arrived, in Poland."""
    return received_at.astimezone(WARSAW).date()


def due_date(received_at: dt.datetime) -> dt.date:
    """The answer is due one calendar month after the request arrived."""
    return add_months(received_day(received_at), 1)


def extended_due_date(received_at: dt.datetime, months: int) -> dt.date:
    """The due date moved by `months` (1 or 2) beyond the first month."""
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise ValueError("an extension is one or two months")
    return add_months(received_day(received_at), 1 + months)


def days_left(due_on: dt.date, now: dt.datetime) -> int:
    """Days until the due date (negative: overdue), counted in Polish days."""
    return (due_on - now.astimezone(WARSAW).date()).days
