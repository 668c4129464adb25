"""Polish working days: Monday to Friday minus public holidays (from the `holidays` package, which knows
Christmas Eve as a day off from 2025 on). Every date of money (invoices, payouts, withdrawals) and every
courier day is counted with these functions."""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

import holidays

WARSAW = ZoneInfo("Europe/Warsaw")


@cache
def polish_holidays(year: int) -> frozenset[dt.date]:
    """Polish public holidays of one year."""
    return frozenset(holidays.country_holidays("PL", years=year))


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a Polish public holiday."""
    return day.weekday() < 5 and day not in polish_holidays(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_day_after(day: dt.date) -> dt.date:
    """The first working day strictly after `day`."""
    return next_working_day(day + dt.timedelta(days=1))


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `day` (`day` itself not counted; count >= 0).

    add_working_days(Wednesday 23 Dec 2026, 5) is Monday 4 Jan 2027: 24-27 Dec and 1-3 Jan are days off.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    for _ in range(count):
        day = working_day_after(day)
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how many working days have passed from `start` to `end`."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count


def warsaw_date(moment: dt.datetime) -> dt.date:
    """The calendar day in Poland at an aware moment."""
    return moment.astimezone(WARSAW).date()
