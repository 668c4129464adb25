"""The retention job's receipts as the owners' settings page shows them."""

from __future__ import annotations

from sqlalchemy import select

from desk.extensions import db
from desk.models import RetentionRun


def latest_preview(account_id: int) -> RetentionRun | None:
    """The account's newest dry run (the preview an owner sees before activating retention)."""
    return db.session.scalar(
        select(RetentionRun).where(RetentionRun.account_id == account_id, RetentionRun.dry_run.is_(True))
        .order_by(RetentionRun.id.desc()).limit(1)
    )


def recent_runs(account_id: int, limit: int = 10) -> list[RetentionRun]:
    """The account's newest receipts, dry runs included, newest first."""
    return list(db.session.scalars(
        select(RetentionRun).where(RetentionRun.account_id == account_id)
        .order_by(RetentionRun.id.desc()).limit(limit)
    ))
