"""The owners' dashboard: ratings per week or month, % recommending, averages, removals, exclusions.

Everything is summed in SQL from the per-day statistics (RatingDayStat), so the dashboard costs the
same whether an account has 500 or 500 000 ratings.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select

from desk.extensions import db
from desk.models.rating import CRITERIA, RatingDayStat
from desk.services.ratings.rollup import month_start, week_start

GRANULARITIES = ("week", "month")
COUNTS = ("total", "recommended", "not_recommended", "excluded", "removed", "removal_requested",
          "unanswered_negative")
SUMS = tuple(f"rate_{name}_{part}" for name in CRITERIA for part in ("sum", "count"))


@dataclass(frozen=True)
class Period:
    """The ratings received in one week or month (or any span, for totals)."""

    start: dt.date | None
    values: dict[str, int] = field(default_factory=dict)

    def __getattr__(self, name: str) -> int:
        if name in COUNTS or name in SUMS:
            return self.values.get(name, 0)
        raise AttributeError(name)

    @property
    def counted(self) -> int:
        """Ratings that count towards the % (not removed, not excluded)."""
        return self.recommended + self.not_recommended

    @property
    def percent_recommending(self) -> float | None:
        return round(100 * self.recommended / self.counted, 1) if self.counted else None

    @property
    def averages(self) -> dict[str, float]:
        """Average stars per criterion, only where Allegro gave stars."""
        found = {}
        for name in CRITERIA:
            count = self.values.get(f"rate_{name}_count", 0)
            if count:
                found[name] = round(self.values.get(f"rate_{name}_sum", 0) / count, 2)
        return found


@dataclass(frozen=True)
class Dashboard:
    granularity: str
    periods: list[Period]  # oldest first, every period present (zeros when nothing happened)
    in_range: Period  # the periods shown, summed
    all_time: Period  # everything the desk knows, summed
    first_day: dt.date
    last_day: dt.date


def _sums(columns: tuple[str, ...]) -> list:
    return [func.coalesce(func.sum(getattr(RatingDayStat, name)), 0).label(name) for name in columns]


def _scoped(query, account_ids: set[int] | None, account_id: int | None):
    if account_id is not None:
        if account_ids is not None and account_id not in account_ids:
            return query.where(RatingDayStat.account_id == -1)
        return query.where(RatingDayStat.account_id == account_id)
    if account_ids is not None:
        return query.where(RatingDayStat.account_id.in_(sorted(account_ids) or [-1]))
    return query


def period_starts(granularity: str, count: int, today: dt.date) -> list[dt.date]:
    """The first days of the last `count` weeks (Mondays) or months, oldest first, ending with today's."""
    if granularity == "week":
        current = week_start(today)
        return [current - dt.timedelta(weeks=n) for n in range(count - 1, -1, -1)]
    first = month_start(today)
    starts = []
    for n in range(count - 1, -1, -1):
        months = first.year * 12 + first.month - 1 - n
        starts.append(dt.date(months // 12, months % 12 + 1, 1))
    return starts


def build_dashboard(
    *, account_ids: set[int] | None, account_id: int | None = None, granularity: str = "week",
    count: int = 12, today: dt.date,
) -> Dashboard:
    """Figures for the last `count` weeks or months up to `today` (a Warsaw day)."""
    granularity = granularity if granularity in GRANULARITIES else "week"
    starts = period_starts(granularity, count, today)
    bucket = RatingDayStat.week_start if granularity == "week" else RatingDayStat.month_start
    columns = COUNTS + SUMS
    query = (
        select(bucket.label("start"), *_sums(columns))
        .where(bucket >= starts[0], RatingDayStat.day <= today)
        .group_by(bucket)
    )
    found = {}
    for row in db.session.execute(_scoped(query, account_ids, account_id)).mappings():
        found[row["start"]] = Period(row["start"], {name: int(row[name]) for name in columns})
    periods = [found.get(start, Period(start)) for start in starts]
    in_range = Period(None, {name: sum(p.values.get(name, 0) for p in periods) for name in columns})
    total_row = db.session.execute(_scoped(select(*_sums(columns)), account_ids, account_id)).mappings().one()
    all_time = Period(None, {name: int(total_row[name]) for name in columns})
    return Dashboard(granularity, periods, in_range, all_time, starts[0], today)
