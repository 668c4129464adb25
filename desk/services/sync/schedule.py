"""Per-account sync schedules: which accounts are due, handing them out, and planning the next sync.

The dispatcher (`claim_due`) marks due accounts as handed out and returns them; whoever runs one
(`run_due`, inline or in a queue worker) takes the account's lease, checks that the slot it was
handed out for has not been served yet, syncs, and plans the next sync before giving the lease
back. So a copy of a handed-out sync that arrives late (a redelivered or re-dispatched task)
finds either the lease taken or its slot served, and does nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from desk.config import Config
from desk.extensions import db
from desk.models import AccountStatus, SellerAccount, SyncRun, SyncSchedule
from desk.services.orders.sync import SyncSettings
from desk.services.ports import AllegroGateway, Clock
from desk.services.sync.lease import release_lease
from desk.services.sync.polling import PollingPolicy
from desk.services.sync.runner import SyncBusy, default_holder, run_sync_held, take_lease

log = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    SYNCED = "synced"
    BUSY = "busy"  # somebody else holds the lease: looked at again soon
    STALE = "stale"  # this slot was served already (a late copy of a handed-out sync)
    INACTIVE = "inactive"  # the account is no longer active


@dataclass(frozen=True)
class DispatchSettings:
    """How the dispatcher hands out syncs (wiring builds them from the config)."""

    batch: int = Config.SYNC_DISPATCH_BATCH
    redispatch_after: dt.timedelta = dt.timedelta(seconds=Config.SYNC_REDISPATCH_SECONDS)
    sweep_every: dt.timedelta = dt.timedelta(minutes=Config.SWEEP_INTERVAL_MINUTES)


@dataclass(frozen=True)
class Due:
    """One handed-out sync: the account, the slot it serves, when it was due, and its mode."""

    account_id: int
    slot: int
    due_at: dt.datetime
    mode: str  # incremental | sweep


def add_missing(now: dt.datetime, policy: PollingPolicy) -> int:
    """Give every active account without a schedule one, due now. Commits; returns how many."""
    has_row = exists().where(SyncSchedule.account_id == SellerAccount.id)
    ids = list(
        db.session.scalars(
            select(SellerAccount.id).where(SellerAccount.status == AccountStatus.ACTIVE, ~has_row)
        )
    )
    for account_id in ids:
        row = SyncSchedule(account_id=account_id, next_sync_at=now, interval_seconds=policy.fast_seconds)
        row.last_sweep_at = now  # the first sweep comes one sweep interval after the first sync
        db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:  # another dispatcher added them first: fine
        db.session.rollback()
        return 0
    return len(ids)


def claim_due(now: dt.datetime, settings: DispatchSettings, policy: PollingPolicy) -> list[Due]:
    """Hand out the accounts due at `now`, most overdue first, at most `settings.batch`. Commits.

    A handed-out account is not handed out again until its sync is done or
    `settings.redispatch_after` has passed (a lost task). On PostgreSQL the rows are locked with
    SKIP LOCKED, so two dispatchers never hand out the same account at once.
    """
    add_missing(now, policy)
    query = (
        select(SyncSchedule)
        .join(SellerAccount, SellerAccount.id == SyncSchedule.account_id)
        .where(
            SellerAccount.status == AccountStatus.ACTIVE,
            SyncSchedule.next_sync_at <= now,
            or_(
                SyncSchedule.dispatched_at.is_(None),
                SyncSchedule.dispatched_at <= now - settings.redispatch_after,
            ),
        )
        .order_by(SyncSchedule.next_sync_at, SyncSchedule.account_id)
        .limit(settings.batch)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=SyncSchedule)
    due = []
    for row in db.session.scalars(query):
        row.dispatched_at = now
        sweep = row.last_sweep_at is None or row.last_sweep_at <= now - settings.sweep_every
        due.append(Due(row.account_id, row.slot, row.next_sync_at, "sweep" if sweep else "incremental"))
    db.session.commit()
    return due


def run_due(
    gateway: AllegroGateway,
    due: Due,
    *,
    clock: Clock,
    policy: PollingPolicy,
    settings: SyncSettings | None = None,
    lease_seconds: int = Config.SYNC_LEASE_SECONDS,
) -> Outcome:
    """Run one handed-out sync and plan the account's next one. Commits.

    The slot is checked and the next sync planned while the lease is held, so no second sync of
    the same slot can start in between.
    """
    holder = f"{default_holder()}:{uuid.uuid4().hex[:8]}"  # unique per run, even within one thread
    try:
        take_lease(due.account_id, holder, lease_seconds)
    except SyncBusy:
        _look_again_soon(due, clock.now(), policy)
        return Outcome.BUSY
    try:
        row = db.session.get(SyncSchedule, due.account_id, populate_existing=True)
        if row is None or row.slot != due.slot:
            return Outcome.STALE
        if db.session.get(SellerAccount, due.account_id).status != AccountStatus.ACTIVE:
            row.dispatched_at = None
            db.session.commit()
            return Outcome.INACTIVE
        started = clock.now()
        run = run_sync_held(
            gateway, due.account_id, holder=holder, mode=due.mode, settings=settings,
            lease_seconds=lease_seconds,
        )
        _plan_next(row, run, due, started, clock.now(), policy)
        return Outcome.SYNCED
    finally:
        db.session.rollback()
        release_lease(due.account_id, holder)


def after_manual_sync(run: SyncRun, now: dt.datetime, policy: PollingPolicy) -> bool:
    """A sync started by hand ("Synchronizuj teraz", `flask desk sync`) that found news puts the
    account back on the fast interval at once, as a scheduled one would. Its slot is left alone,
    so a scheduled sync handed out meanwhile still runs. Commits; True when the schedule moved."""
    if not had_news(run):
        return False
    soon = now + dt.timedelta(seconds=policy.fast_seconds)
    result = db.session.execute(
        update(SyncSchedule)
        .where(SyncSchedule.account_id == run.account_id, SyncSchedule.next_sync_at > soon)
        .values(next_sync_at=soon, interval_seconds=policy.fast_seconds, idle_streak=0)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def had_news(run: SyncRun) -> bool:
    """Whether a sync found anything new: orders, discussions or claims, ratings."""
    return (run.created + run.updated + run.repaired + run.issues_changed + run.ratings_changed) > 0


def _plan_next(
    row: SyncSchedule, run: SyncRun, due: Due, started: dt.datetime, finished: dt.datetime,
    policy: PollingPolicy,
) -> None:
    plan = policy.after_sync(row.idle_streak, had_news=had_news(run))
    row.slot += 1
    row.interval_seconds = plan.interval_seconds
    row.idle_streak = plan.idle_streak
    row.next_sync_at = finished + dt.timedelta(seconds=plan.interval_seconds)
    row.dispatched_at = None
    row.last_sync_at = started
    if due.mode == "sweep":
        row.last_sweep_at = started
    db.session.commit()
    late = (started - due.due_at).total_seconds()
    log.info(
        "sync of account %s (%s, %.0f s after due): %s, next in %s s",
        due.account_id, due.mode, late, run.state, plan.interval_seconds,
    )


def _look_again_soon(due: Due, now: dt.datetime, policy: PollingPolicy) -> None:
    """The lease is taken (a manual sync, or a copy of this slot running): look again soon,
    unless the slot has been served meanwhile (then the one who served it has planned)."""
    db.session.execute(
        update(SyncSchedule)
        .where(SyncSchedule.account_id == due.account_id, SyncSchedule.slot == due.slot)
        .values(
            next_sync_at=now + dt.timedelta(seconds=policy.busy_retry_seconds()), dispatched_at=None
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
