"""Read side of sync: the last runs per account, lag and errors for the sync pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from desk.extensions import db
from desk.models import SellerAccount, SyncRun
from desk.models.sync import SyncSchedule
from desk.orm import utcnow


@dataclass(frozen=True)
class AccountSyncStatus:
    account: SellerAccount
    last_run: SyncRun | None
    last_ok: SyncRun | None
    running: SyncRun | None
    schedule: SyncSchedule | None = None  # adaptive polling: when it is synced next, how often

    @property
    def next_in(self) -> dt.timedelta | None:
        """Time until the scheduled sync (negative when it is overdue); None without a schedule."""
        if self.schedule is None:
            return None
        return self.schedule.next_sync_at - utcnow()

    @property
    def lag(self) -> dt.timedelta | None:
        """Time since the last successful sync finished."""
        if self.last_ok is None or self.last_ok.finished_at is None:
            return None
        return utcnow() - self.last_ok.finished_at


def last_run(account_id: int) -> SyncRun | None:
    return db.session.scalar(
        select(SyncRun).where(SyncRun.account_id == account_id).order_by(SyncRun.id.desc()).limit(1)
    )


def recent_runs(
    account_id: int | None = None, *, limit: int = 50, before_id: int | None = None
) -> list[SyncRun]:
    """Newest first, keyset-paged by id."""
    query = select(SyncRun).order_by(SyncRun.id.desc()).limit(limit)
    if account_id is not None:
        query = query.where(SyncRun.account_id == account_id)
    if before_id is not None:
        query = query.where(SyncRun.id < before_id)
    return list(db.session.scalars(query))


def overview(account_ids: set[int] | None) -> list[AccountSyncStatus]:
    """Per visible account: last run, last successful run, and a run in progress."""
    query = select(SellerAccount).order_by(SellerAccount.name)
    if account_ids is not None:
        query = query.where(SellerAccount.id.in_(account_ids))
    accounts = list(db.session.scalars(query))
    schedules = {
        schedule.account_id: schedule
        for schedule in db.session.scalars(
            select(SyncSchedule).where(SyncSchedule.account_id.in_([account.id for account in accounts]))
        )
    }
    return [
        AccountSyncStatus(
            account=account,
            last_run=last_run(account.id),
            last_ok=_last_with_state(account.id, "ok"),
            running=_last_with_state(account.id, "running"),
            schedule=schedules.get(account.id),
        )
        for account in accounts
    ]


def _last_with_state(account_id: int, state: str) -> SyncRun | None:
    newest = (
        select(func.max(SyncRun.id)).where(SyncRun.account_id == account_id, SyncRun.state == state)
    ).scalar_subquery()
    return db.session.scalar(select(SyncRun).where(SyncRun.id == newest))
