"""Running syncs: lease, run record, mode selection and failure handling for one account."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import select

from desk.extensions import db
from desk.models import AccountStatus, SellerAccount, SyncRun
from desk.orm import utcnow
from desk.services.accounts.sellers import mark_needs_reconnect
from desk.services.cursors import get_cursor
from desk.services.issues import sync as issue_sync
from desk.services.orders import sync as order_sync
from desk.services.orders.sync import SyncSettings
from desk.services.ports import AllegroGateway
from desk.services.ratings.sync import RatingSyncSettings, sync_ratings
from desk.services.sync.lease import acquire_lease, release_lease, renew_lease
from integrations.allegro import AllegroError, AuthExpired

log = logging.getLogger(__name__)
MODES = ("incremental", "sweep", "full")


class SyncBusy(Exception):
    """Another process holds this account's lease."""


def default_holder() -> str:
    """Identifies this process in leases (host:pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_sync(
    gateway: AllegroGateway,
    account_id: int,
    *,
    mode: str = "incremental",
    settings: SyncSettings | None = None,
    lease_seconds: int = 900,
    holder: str | None = None,
    progress: Callable[[SyncRun], None] | None = None,
) -> SyncRun:
    """Sync one account and return its run record.

    `incremental` applies order events (and continues a pending backfill); `sweep` does that and
    then re-reads orders updated since the last sweep; `full` re-reads the whole backfill window.
    Raises SyncBusy when another process is syncing the account.
    """
    if mode not in MODES:
        raise ValueError(f"unknown sync mode {mode!r}")
    holder = holder or default_holder()
    if not acquire_lease(account_id, holder, ttl_seconds=lease_seconds):
        raise SyncBusy(account_id)
    settings = replace(
        settings or SyncSettings(), on_page=lambda: renew_lease(account_id, holder, ttl_seconds=lease_seconds)
    )
    try:
        return _run(gateway, account_id, mode, settings, progress or (lambda run: None))
    finally:
        release_lease(account_id, holder)


def _run(gateway, account_id, mode, settings, progress) -> SyncRun:
    run = SyncRun(account_id=account_id, kind=mode)
    db.session.add(run)
    db.session.commit()
    client = gateway.client_for(account_id)
    try:
        _steps(client, run, mode, settings, progress)
        run.state = "ok"
    except AuthExpired as exc:
        db.session.rollback()
        mark_needs_reconnect(account_id, str(exc), commit=False)
        _fail(run, "auth_expired: the refresh token is no longer valid; reconnect the account")
    except AllegroError as exc:
        db.session.rollback()
        _fail(run, f"{type(exc).__name__}: {exc}")
    except Exception as exc:
        db.session.rollback()
        _fail(run, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        run.requests = client.request_count
        run.finished_at = utcnow()
        db.session.commit()
    return run


def _steps(client, run: SyncRun, mode: str, settings: SyncSettings, progress) -> None:
    now = utcnow()
    if get_cursor(run.account_id, order_sync.EVENTS_FEED) is None:
        run.kind = "backfill"
        order_sync.start_backfill(client, run.account_id, settings, now)
    if order_sync.backfill_pending(run.account_id):
        run.kind = "backfill"
        order_sync.sync_backfill(client, run, settings, progress)
        _mark_backfilled(run.account_id)
    order_sync.sync_events(client, run, settings, progress)
    if mode == "sweep":
        order_sync.sync_sweep(client, run, settings, progress, now=now)
    elif mode == "full":
        since = now - dt.timedelta(days=settings.backfill_days)
        order_sync.sync_sweep(client, run, settings, progress, now=now, since=since)
    _sync_after_sales(client, run, mode, settings, now)


def _sync_after_sales(client, run: SyncRun, mode: str, settings: SyncSettings, now) -> None:
    """Issues (discussions and claims) and ratings ride on the same lease and run record."""
    issues = issue_sync.sync_issues(
        client, run.account_id, full=mode == "full", now=now, on_page=settings.on_page
    )
    run.issues_changed = issues.created + issues.updated
    ratings = sync_ratings(
        client, run.account_id, now=now, settings=RatingSyncSettings(on_page=settings.on_page)
    )
    run.ratings_changed = ratings.created + ratings.updated
    db.session.commit()


def _mark_backfilled(account_id: int) -> None:
    account = db.session.get(SellerAccount, account_id)
    account.backfill_done_at = utcnow()
    db.session.commit()


def _fail(run: SyncRun, message: str) -> None:
    run.state = "failed"
    run.error = message[:2000]
    log.warning("sync of account %s failed: %s", run.account_id, message)


def syncable_account_ids() -> list[int]:
    """Accounts the scheduler should sync (connected and healthy)."""
    return list(
        db.session.scalars(select(SellerAccount.id).where(SellerAccount.status == AccountStatus.ACTIVE))
    )


def sync_all(gateway: AllegroGateway, *, mode: str, settings: SyncSettings, lease_seconds: int) -> dict:
    """Sync every active account once; busy accounts are skipped. Returns counts for the job log."""
    totals = {"accounts": 0, "busy": 0, "failed": 0, "created": 0, "updated": 0, "repaired": 0}
    totals |= {"issues_changed": 0, "ratings_changed": 0}
    for account_id in syncable_account_ids():
        try:
            run = run_sync(gateway, account_id, mode=mode, settings=settings, lease_seconds=lease_seconds)
        except SyncBusy:
            totals["busy"] += 1
            continue
        totals["accounts"] += 1
        totals["failed"] += run.state == "failed"
        for key in ("created", "updated", "repaired", "issues_changed", "ratings_changed"):
            totals[key] += getattr(run, key)
    return totals
