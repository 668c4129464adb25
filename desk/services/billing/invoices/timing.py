"""When an invoice is issued and what date it bears.

Per-order accounts: a service charged on a Polish working day by 16:00 Europe/Warsaw is invoiced at once,
dated that day; charged after 16:00, or on a day off, it is invoiced after midnight (by the job) on the
next working day and dated that day. Periodic accounts: one invoice per period, 1-15 and 16-end of the
month (semimonthly) or the whole month, issued by the run after the period has ended.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desk.models.billing import InvoiceMode
from desk.services.shared.workdays import WARSAW, is_working_day, next_working_day, working_day_after

CUTOFF = dt.time(16, 0)


def invoice_date(charged_at: dt.datetime) -> dt.date:
    """The date of a per-order invoice for a service charged at `charged_at` (aware)."""
    local = charged_at.astimezone(WARSAW)
    day = local.date()
    if is_working_day(day) and local.time() <= CUTOFF:
        return day
    return working_day_after(day) if is_working_day(day) else next_working_day(day)


def issue_moment(charged_at: dt.datetime) -> dt.datetime:
    """When the per-order invoice may be issued: at once, or at midnight (Warsaw) starting its date."""
    day = invoice_date(charged_at)
    if day == charged_at.astimezone(WARSAW).date():
        return charged_at
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=WARSAW).astimezone(dt.UTC)


@dataclass(frozen=True)
class Period:
    """A billing period: `start` to `end` inclusive (Polish calendar days)."""

    start: dt.date
    end: dt.date

    @property
    def ends_at(self) -> dt.datetime:
        """The first moment after the period (midnight in Warsaw after `end`), in UTC."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0, 0), tzinfo=WARSAW).astimezone(
            dt.UTC
        )


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def period_of(mode: InvoiceMode, day: dt.date) -> Period:
    """The period of `mode` that contains `day`."""
    if mode is InvoiceMode.MONTHLY:
        return Period(day.replace(day=1), _month_end(day))
    if mode is InvoiceMode.SEMIMONTHLY:
        if day.day <= 15:
            return Period(day.replace(day=1), day.replace(day=15))
        return Period(day.replace(day=16), _month_end(day))
    raise ValueError(f"{mode} has no periods")


def last_closed_period(mode: InvoiceMode, now: dt.datetime) -> Period:
    """The newest period of `mode` that has ended by `now`."""
    today = now.astimezone(WARSAW).date()
    current = period_of(mode, today)
    return period_of(mode, current.start - dt.timedelta(days=1))
