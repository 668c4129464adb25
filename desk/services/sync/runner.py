"""Running syncs: lease, run record, mode selection, and each step's outcome for one account."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace

from sqlalchemy import select, update

from desk.config import Config
from desk.extensions import db
from desk.models import AccountStatus, SellerAccount, SyncRun
from desk.orm import utcnow
from desk.services.accounts.sellers import mark_needs_reconnect
from desk.services.orders.sync import SyncSettings
from desk.services.ports import AllegroGateway
from desk.services.sync.heartbeat import Heartbeat, LeaseLost
from desk.services.sync.lease import acquire_lease, lease_of, release_lease, renew_lease
from desk.services.sync.steps import STEPS, Step, StepContext
from integrations.allegro import AllegroError, AuthExpired

log = logging.getLogger(__name__)
MODES = ("incremental", "sweep", "full")
AUTH_EXPIRED = "auth_expired: the refresh token is no longer valid; reconnect the account"
INTERRUPTED = "interrupted: the process running this sync stopped before it finished"
LEASE_LOST = "lease_lost"


class SyncBusy(Exception):
    """Another process holds this account's lease: `holder` (host:pid) since `since`, until `until`."""

    def __init__(self, account_id: int, holder: str | None = None, since=None, until=None) -> None:
        self.account_id, self.holder, self.since, self.until = account_id, holder, since, until
        super().__init__(f"account {account_id} is being synced by {holder or '?'} since {since}")


def default_holder() -> str:
    """Identifies this process and thread in leases (host:pid:thread).

    The thread is part of it because a lease taken again by its own holder is simply extended:
    two threads of one worker must never pass for the same holder.
    """
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def run_sync(
    gateway: AllegroGateway,
    account_id: int,
    *,
    mode: str = "incremental",
    settings: SyncSettings | None = None,
    lease_seconds: int = Config.SYNC_LEASE_SECONDS,
    holder: str | None = None,
    progress: Callable[[SyncRun], None] | None = None,
    steps: Sequence[Step] = STEPS,
) -> SyncRun:
    """Sync one account and return its run record.

    `incremental` applies order events (and continues a pending backfill); `sweep` does that and
    then re-reads orders updated since the last sweep; `full` re-reads the whole backfill window.
    Then discussions and claims, then ratings: each step on its own (see sync.steps); the run is
    ok, partial or failed, with each step's error. Raises SyncBusy when another process is
    syncing the account.

    While it runs, a heartbeat renews the account's lease on its own connection (see
    sync.heartbeat). If another process took the lease over all the same, the sync stops at its
    next page commit (the page is rolled back) and the run is failed with a `lease_lost` error.
    """
    if mode not in MODES:
        raise ValueError(f"unknown sync mode {mode!r}")
    holder = holder or default_holder()
    take_lease(account_id, holder, lease_seconds)
    try:
        return run_sync_held(
            gateway, account_id, holder=holder, mode=mode, settings=settings, lease_seconds=lease_seconds,
            progress=progress, steps=steps,
        )
    finally:
        release_lease(account_id, holder)


def take_lease(account_id: int, holder: str, lease_seconds: int) -> None:
    """Take the account's sync lease for `holder`; SyncBusy (naming the holder) when it is taken."""
    if not acquire_lease(account_id, holder, ttl_seconds=lease_seconds):
        lease = lease_of(account_id)
        raise SyncBusy(account_id, lease.holder, lease.acquired_at, lease.expires_at)


def run_sync_held(
    gateway: AllegroGateway,
    account_id: int,
    *,
    holder: str,
    mode: str = "incremental",
    settings: SyncSettings | None = None,
    lease_seconds: int = Config.SYNC_LEASE_SECONDS,
    progress: Callable[[SyncRun], None] | None = None,
    steps: Sequence[Step] = STEPS,
) -> SyncRun:
    """`run_sync` for a caller that already holds the account's lease as `holder` and releases it
    itself (so it can record what the run means before anybody else may sync the account)."""
    if mode not in MODES:
        raise ValueError(f"unknown sync mode {mode!r}")
    mark_interrupted(account_id)
    heartbeat = Heartbeat(db.engine, account_id, holder, ttl_seconds=lease_seconds)
    settings = replace(settings or SyncSettings(), on_page=_page_guard(heartbeat))
    heartbeat.start()
    try:
        return _run(gateway, account_id, mode, settings, progress or (lambda run: None), steps, heartbeat)
    finally:
        heartbeat.stop()  # before the caller releases the lease


def mark_interrupted(account_id: int) -> int:
    """Runs of the account still "running" although nobody holds its lease any more (their process
    died) become "interrupted". Called with the lease held, so none of them is alive. Commits."""
    result = db.session.execute(
        update(SyncRun)
        .where(SyncRun.account_id == account_id, SyncRun.state == "running")
        .values(state="interrupted", finished_at=utcnow(), error=INTERRUPTED)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def _page_guard(heartbeat: Heartbeat) -> Callable[[], None]:
    """Called before each page commit: stops the sync if the lease was taken over, else extends
    the lease inside the page's transaction, so a page only commits while the lease is ours."""

    def guard() -> None:
        heartbeat.check()
        if not renew_lease(heartbeat.account_id, heartbeat.holder, ttl_seconds=heartbeat.ttl_seconds):
            raise LeaseLost(heartbeat.account_id, heartbeat.holder)

    return guard


def _run(
    gateway, account_id, mode, settings, progress, steps: Sequence[Step], heartbeat: Heartbeat
) -> SyncRun:
    run = SyncRun(account_id=account_id, kind=mode, steps={})
    db.session.add(run)
    db.session.commit()
    client = gateway.client_for(account_id)
    ctx = StepContext(client=client, run=run, mode=mode, settings=settings, progress=progress, now=utcnow())
    try:
        stopped = None
        for index, step in enumerate(steps):
            stopped = _run_step(step, ctx, heartbeat)
            if stopped:
                for later in steps[index + 1:]:
                    _record(run, later.name, "skipped", stopped)
                break
        _finish(run, lease_lost=stopped == LEASE_LOST)
    finally:
        run.requests = client.request_count
        run.finished_at = utcnow()
        db.session.commit()
    return run


def _run_step(step: Step, ctx: StepContext, heartbeat: Heartbeat) -> str | None:
    """Run one step and record how it ended; returns why the remaining steps are skipped, if they
    are (the account's authorisation expired, or the lease was taken over)."""
    run = ctx.run
    try:
        heartbeat.check()  # no step starts once another process syncs the account
        step.run(ctx)
        ctx.settings.on_page()
        db.session.commit()
    except LeaseLost as exc:
        db.session.rollback()
        _record(run, step.name, "failed", str(exc))
        return LEASE_LOST
    except AuthExpired as exc:
        db.session.rollback()
        mark_needs_reconnect(run.account_id, str(exc), commit=False)
        _record(run, step.name, "failed", AUTH_EXPIRED)
        return "auth_expired"
    except AllegroError as exc:
        db.session.rollback()
        _record(run, step.name, "failed", f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # a bug or bad data in one area must not stop the others
        db.session.rollback()
        log.exception("sync step %s of account %s failed", step.name, run.account_id)
        _record(run, step.name, "failed", f"{type(exc).__name__}: {exc}")
    else:
        _record(run, step.name, "ok", None)
    return None


def _record(run: SyncRun, name: str, state: str, error: str | None) -> None:
    run.steps = {**(run.steps or {}), name: {"state": state, "error": error[:1000] if error else None}}
    db.session.commit()


def _finish(run: SyncRun, *, lease_lost: bool = False) -> None:
    """ok when every step did; partial when some did; failed when none did, or when the lease was
    lost (the run stopped half-way, and another process syncs the account now)."""
    results = (run.steps or {}).values()
    failed = [name for name, result in (run.steps or {}).items() if result["state"] != "ok"]
    if not failed:
        run.state = "ok"
        return
    partial = not lease_lost and any(result["state"] == "ok" for result in results)
    run.state = "partial" if partial else "failed"
    run.error = "; ".join(f"{name}: {run.steps[name]['error']}" for name in failed)[:2000]
    log.warning("sync of account %s: %s", run.account_id, run.error)


def syncable_account_ids() -> list[int]:
    """Accounts the scheduler should sync (connected and healthy)."""
    return list(
        db.session.scalars(select(SellerAccount.id).where(SellerAccount.status == AccountStatus.ACTIVE))
    )
