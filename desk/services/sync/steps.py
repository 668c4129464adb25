"""The steps of an account's sync, one per area, named and run in this order.

Each step succeeds or fails on its own (its error is kept on the run under its name); a failing
step never skips the ones after it. Only an expired authorisation stops the rest, since every
later request would be refused the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from desk.extensions import db
from desk.models import SellerAccount, SyncRun
from desk.orm import utcnow
from desk.services.issues import sync as issue_sync
from desk.services.issues.threads import sync as thread_sync
from desk.services.orders import sync as order_sync
from desk.services.orders.sync import SyncSettings
from desk.services.ratings.sync import RatingSyncSettings, sync_ratings
from desk.services.shared.cursors import get_cursor
from integrations.allegro import AllegroClient


@dataclass(frozen=True)
class StepContext:
    client: AllegroClient
    run: SyncRun
    mode: str  # incremental | sweep | full
    settings: SyncSettings
    progress: Callable[[SyncRun], None]
    now: dt.datetime


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[StepContext], None]


def orders_step(ctx: StepContext) -> None:
    """Order events (after a pending backfill), plus the updatedAt sweep in sweep and full modes."""
    run, client, settings = ctx.run, ctx.client, ctx.settings
    if get_cursor(run.account_id, order_sync.EVENTS_FEED) is None:
        run.kind = "backfill"
        order_sync.start_backfill(client, run.account_id, settings, ctx.now)
    if order_sync.backfill_pending(run.account_id):
        run.kind = "backfill"
        order_sync.sync_backfill(client, run, settings, ctx.progress)
        account = db.session.get(SellerAccount, run.account_id)
        account.backfill_done_at = utcnow()
        db.session.commit()
    order_sync.sync_events(client, run, settings, ctx.progress)
    if ctx.mode == "sweep":
        order_sync.sync_sweep(client, run, settings, ctx.progress, now=ctx.now)
    elif ctx.mode == "full":
        since = ctx.now - dt.timedelta(days=settings.backfill_days)
        order_sync.sync_sweep(client, run, settings, ctx.progress, now=ctx.now, since=since)


def issues_step(ctx: StepContext) -> None:
    """Discussions and claims (`/sale/issues`)."""
    stats = issue_sync.sync_issues(
        ctx.client, ctx.run.account_id, full=ctx.mode == "full", now=ctx.now, on_page=ctx.settings.on_page
    )
    ctx.run.issues_changed = stats.created + stats.updated


def messages_step(ctx: StepContext) -> None:
    """Message Center threads (`/messaging`): buyers' questions and post-purchase problems."""
    stats = thread_sync.sync_threads(
        ctx.client, ctx.run.account_id, now=ctx.now, full=ctx.mode == "full", on_page=ctx.settings.on_page
    )
    ctx.run.issues_changed += stats.created + stats.updated


def ratings_step(ctx: StepContext) -> None:
    """Buyers' ratings and their answers."""
    stats = sync_ratings(
        ctx.client, ctx.run.account_id, now=ctx.now, settings=RatingSyncSettings(on_page=ctx.settings.on_page)
    )
    ctx.run.ratings_changed = stats.created + stats.updated


STEPS = (
    Step("orders", orders_step),
    Step("issues", issues_step),
    Step("messages", messages_step),
    Step("ratings", ratings_step),
)
