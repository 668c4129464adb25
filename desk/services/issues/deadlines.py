"""Deadlines of issues: Allegro's dates and our internal reply target in business hours.

Business hours are Monday to Friday, 8:00-18:00 Europe/Warsaw, minus Polish public holidays
(from the `holidays` package, which includes Christmas Eve from 2025 on). Arithmetic walks the
business intervals day by day in local wall time and converts each boundary to UTC, so daylight
saving changes (always at night, on Sundays) never shift a deadline.
"""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from desk.services.shared.workdays import polish_holidays

WARSAW = ZoneInfo("Europe/Warsaw")
MAX_DAYS = 3660  # a safety bound on the day walk (ten years)
# Polish law: a consumer complaint not answered within 14 days counts as accepted.
LEGAL_CLAIM_DAYS = 14


@dataclass(frozen=True)
class BusinessHours:
    """Working time: `start`-`end` on `weekdays` (0 = Monday) in `tz`, minus Polish holidays."""

    start: dt.time = dt.time(8)
    end: dt.time = dt.time(18)
    weekdays: frozenset[int] = frozenset(range(5))
    tz: ZoneInfo = WARSAW

    def is_business_day(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays and day not in polish_holidays(day.year)

    def _interval(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        opens = dt.datetime.combine(day, self.start, tzinfo=self.tz).astimezone(dt.UTC)
        closes = dt.datetime.combine(day, self.end, tzinfo=self.tz).astimezone(dt.UTC)
        return opens, closes

    def add(self, when: dt.datetime, hours: float) -> dt.datetime:
        """The moment `hours` business hours after `when` (UTC). Outside hours counting starts at the
        next opening: Friday 17:00 + 8 h = Monday 15:00; Saturday 10:00 + 8 h = Monday 16:00."""
        remaining = dt.timedelta(hours=hours)
        cursor = when.astimezone(dt.UTC)
        day = when.astimezone(self.tz).date()
        for _ in range(MAX_DAYS):
            if self.is_business_day(day):
                opens, closes = self._interval(day)
                cursor = max(cursor, opens)
                if cursor < closes:
                    if remaining <= closes - cursor:
                        return cursor + remaining
                    remaining -= closes - cursor
            day += dt.timedelta(days=1)
        raise ValueError("no business hours within ten years")

    def subtract(self, when: dt.datetime, hours: float) -> dt.datetime:
        """The latest moment from which `hours` business hours end at `when` (the inverse of add).

        When the walk ends exactly at an opening, that opening is returned (not the previous
        closing), so every moment s <= result satisfies add(s, hours) <= when.
        """
        remaining = dt.timedelta(hours=hours)
        cursor = when.astimezone(dt.UTC)
        day = when.astimezone(self.tz).date()
        for _ in range(MAX_DAYS):
            if self.is_business_day(day):
                opens, closes = self._interval(day)
                cursor = min(cursor, closes)
                if cursor > opens:
                    if remaining <= cursor - opens:
                        return cursor - remaining
                    remaining -= cursor - opens
            day -= dt.timedelta(days=1)
        raise ValueError("no business hours within ten years")

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Business time from `start` to `end` (negative when end is earlier)."""
        if end < start:
            return -self.between(end, start)
        total = dt.timedelta()
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            if self.is_business_day(day):
                opens, closes = self._interval(day)
                low, high = max(opens, start), min(closes, end)
                if high > low:
                    total += high - low
            day += dt.timedelta(days=1)
        return total


BUSINESS_HOURS = BusinessHours()


class Tone(enum.StrEnum):
    """How urgent a deadline looks; the template maps these to colours."""

    OK = "ok"
    SOON = "soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Deadline:
    """One deadline as shown on a row: when, how long is left (real time), and its tone."""

    kind: str  # "allegro" | "reply"
    at: dt.datetime
    left: dt.timedelta
    tone: Tone
    estimated: bool = False  # the legal 14 days, because Allegro sent no date


@dataclass(frozen=True)
class DeadlinePolicy:
    """Configured targets: reply within `reply_hours` business hours; "soon" thresholds."""

    reply_hours: float
    reply_soon_hours: float  # business hours left on the reply target
    allegro_soon_hours: float  # real hours left to Allegro's deadline
    hours: BusinessHours = BUSINESS_HOURS

    def reply_target(self, since: dt.datetime) -> dt.datetime:
        return self.hours.add(since, self.reply_hours)

    def reply_deadline(self, since: dt.datetime | None, now: dt.datetime) -> Deadline | None:
        """Our internal target for answering a buyer who has waited since `since`."""
        if since is None:
            return None
        at = self.reply_target(since)
        if at <= now:
            tone = Tone.OVERDUE
        elif self.hours.between(now, at) <= dt.timedelta(hours=self.reply_soon_hours):
            tone = Tone.SOON
        else:
            tone = Tone.OK
        return Deadline("reply", at, at - now, tone)

    def allegro_deadline(self, at: dt.datetime | None, now: dt.datetime, *, estimated: bool = False):
        """Allegro's decision/status due date (calendar time, as Allegro counts it)."""
        if at is None:
            return None
        if at <= now:
            tone = Tone.OVERDUE
        elif at - now <= dt.timedelta(hours=self.allegro_soon_hours):
            tone = Tone.SOON
        else:
            tone = Tone.OK
        return Deadline("allegro", at, at - now, tone, estimated)

    def reply_risk_bound(self, now: dt.datetime) -> dt.datetime:
        """Issues waiting for us since before this moment are at risk (reply target soon or missed).

        add() is monotonic in its start, so "target <= now + soon" is "since <= subtract(...)":
        the at-risk query stays an index range on needs_reply_since.
        """
        horizon = self.hours.add(now, self.reply_soon_hours)
        return self.hours.subtract(horizon, self.reply_hours)

    def allegro_risk_bound(self, now: dt.datetime) -> dt.datetime:
        return now + dt.timedelta(hours=self.allegro_soon_hours)


def effective_due(
    status: str, decision_due: dt.datetime | None, status_due: dt.datetime | None, opened: dt.datetime | None,
    *, awaiting_decision: bool, is_open: bool,
) -> tuple[dt.datetime | None, bool]:
    """Allegro's deadline for the next step and whether it is our legal estimate.

    A claim awaiting a decision always has one: Allegro's decisionDueDate, else statusDueDate,
    else 14 days from opening (the statutory limit) marked as estimated.
    """
    if awaiting_decision:
        if decision_due or status_due:
            return decision_due or status_due, False
        if opened is not None:
            return opened + dt.timedelta(days=LEGAL_CLAIM_DAYS), True
        return None, False
    return (status_due if is_open else None), False
