"""Per-day rating statistics (RatingDayStat), recomputed for the days a sync or a write touched."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import and_, case, delete, func, insert, not_, select

from desk.extensions import db
from desk.models.rating import CRITERIA, Rating, RatingDayStat, RemovalOutcome

DAYS_PER_STATEMENT = 200


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _count(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _columns() -> list:
    removed = Rating.removal_outcome == RemovalOutcome.REMOVED
    counted = and_(not_(Rating.excluded), not_(removed))
    columns = [
        Rating.rated_on,
        func.count().label("total"),
        _count(and_(counted, Rating.recommended)).label("recommended"),
        _count(and_(counted, not_(Rating.recommended))).label("not_recommended"),
        _count(Rating.excluded).label("excluded"),
        _count(removed).label("removed"),
        _count(Rating.removal_requested_at.is_not(None)).label("removal_requested"),
        _count(and_(not_(Rating.recommended), Rating.answer_text.is_(None), not_(removed))).label(
            "unanswered_negative"
        ),
    ]
    for name in CRITERIA:
        rate = getattr(Rating, f"rate_{name}")
        total = func.coalesce(func.sum(case((counted, rate), else_=None)), 0)
        columns.append(total.label(f"rate_{name}_sum"))
        columns.append(_count(and_(counted, rate.is_not(None))).label(f"rate_{name}_count"))
    return columns


def refresh_days(account_id: int, days: Iterable[dt.date]) -> None:
    """Recompute the statistics of these days of one account from its ratings (flushes only)."""
    pending = sorted(set(days))
    for start in range(0, len(pending), DAYS_PER_STATEMENT):
        chunk = pending[start : start + DAYS_PER_STATEMENT]
        db.session.flush()
        db.session.execute(
            delete(RatingDayStat).where(RatingDayStat.account_id == account_id, RatingDayStat.day.in_(chunk))
        )
        query = (
            select(*_columns())
            .where(Rating.account_id == account_id, Rating.rated_on.in_(chunk))
            .group_by(Rating.rated_on)
        )
        rows = [_row(account_id, row) for row in db.session.execute(query).mappings()]
        if rows:
            db.session.execute(insert(RatingDayStat), rows)


def rebuild(account_id: int) -> None:
    """Recompute every day of an account (after an import or a repair). Flushes only."""
    days = db.session.scalars(select(Rating.rated_on).where(Rating.account_id == account_id).distinct())
    db.session.execute(delete(RatingDayStat).where(RatingDayStat.account_id == account_id))
    refresh_days(account_id, list(days))


def _row(account_id: int, row) -> dict:
    values = {key: int(value or 0) for key, value in row.items() if key != "rated_on"}
    day = row["rated_on"]
    return {
        "account_id": account_id,
        "day": day,
        "week_start": week_start(day),
        "month_start": month_start(day),
        **values,
    }
