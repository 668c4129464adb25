"""Courier pickup windows for InPost, computed here: ShipX has no endpoint that proposes windows.

A dispatch order takes no time at all (digest §1.10): the courier comes on a working day within the
carrier's usual hours. So a window is offered for every working day (Monday to Friday, not a Polish
public holiday) spanning Capabilities.pickup_hours, in Europe/Warsaw time; today's window starts no
earlier than the next full hour and is dropped when less than `MIN_NOTICE` is left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache

import holidays

from integrations.carriers.addresses import WARSAW
from integrations.carriers.base import PickupWindow

MIN_NOTICE = dt.timedelta(hours=2)  # assumed: a courier needs some notice for a same-day call


@cache
def _polish_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("PL", years=year)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a Polish public holiday."""
    return day.weekday() < 5 and day not in _polish_holidays(day.year)


def windows_for(
    day: dt.date, hours: tuple[dt.time, dt.time], *, now: Callable[[], dt.datetime]
) -> tuple[PickupWindow, ...]:
    """The window(s) a courier can come on `day` (none on weekends, holidays and past days)."""
    if not is_working_day(day):
        return ()
    start = dt.datetime.combine(day, hours[0], tzinfo=WARSAW)
    end = dt.datetime.combine(day, hours[1], tzinfo=WARSAW)
    moment = now().astimezone(WARSAW)
    if moment > start:
        next_hour = moment.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
        start = max(start, next_hour)
    if end - start < MIN_NOTICE:
        return ()
    return (PickupWindow(start=start, end=end),)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day after `day`."""
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day
