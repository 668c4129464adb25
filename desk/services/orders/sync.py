"""Order sync for one seller account: backfill, the event fast path and the updatedAt sweep.

Every page is applied and its cursor moved in one commit, so a sync killed at any point
resumes where it stopped, with no lost and no duplicated orders.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass

from desk.config import Config
from desk.extensions import db
from desk.models import SyncRun
from desk.services.orders.prefetch import Prefetcher
from desk.services.orders.store import Outcome, load_orders, store_forms
from desk.services.shared.cursors import get_cursor, set_cursor
from desk.services.shared.quarantine import Quarantine
from integrations.allegro import AllegroClient, CheckoutFormPage, NotFound, OrderEvent, UnreadableRecord

EVENTS_FEED = "order_events"
SWEEP_FEED = "order_sweep"
BACKFILL_FEED = "order_backfill"
STEP = "orders"  # the sync step these records belong to (quarantine)
EVENTS_PAGE = 1000
FORMS_PAGE = 100
MAX_WINDOW = 10_000  # Allegro refuses offset + limit beyond this
PREFETCH_PAGES = 3  # pages fetched ahead of the one being stored
DONE = "done"

Progress = Callable[[SyncRun], None]


@dataclass(frozen=True)
class SyncSettings:
    """Tunables of one sync run (wiring builds them from the app's config; the defaults are Config's)."""

    sweep_margin: dt.timedelta = dt.timedelta(minutes=Config.SWEEP_MARGIN_MINUTES)
    backfill_days: int = Config.BACKFILL_DAYS
    on_page: Callable[[], None] = lambda: None  # renews the lease; called before each commit
    # A history backfill commits every few pages rather than every page: each commit writes
    # the index pages it dirtied, and pages committed together share most of them. The cursor
    # always lands in the same commit as its rows, so a killed sync still resumes exactly.
    commit_pages: int = 10
    commit_seconds: float = 1.0
    idle_commit_seconds: float = 0.2  # waiting this long for the next page commits what is pending


def sync_events(client: AllegroClient, run: SyncRun, settings: SyncSettings, progress: Progress) -> None:
    """Apply `/order/events` from the stored cursor until caught up (the fast path)."""
    cursor = get_cursor(run.account_id, EVENTS_FEED) or None
    quarantine = Quarantine(run.account_id, STEP)
    while True:
        page = client.list_order_events(from_id=cursor, limit=EVENTS_PAGE)
        if page.last_id is None or page.last_id == cursor:
            return  # caught up (or nothing on the page says where it ends)
        quarantine.reject_all(page.rejected)
        _apply_events(client, run, page.events, quarantine)
        cursor = page.last_id
        set_cursor(run.account_id, EVENTS_FEED, cursor)
        _commit_page(run, client, settings, progress)
        if page.size < EVENTS_PAGE:
            return


def _apply_events(
    client: AllegroClient, run: SyncRun, events: tuple[OrderEvent, ...], quarantine: Quarantine
) -> None:
    latest: dict[str, OrderEvent] = {}
    for event in events:
        if event.checkout_form_id:
            latest[event.checkout_form_id] = event
    existing = load_orders(run.account_id, latest)
    forms = []
    for form_id, event in latest.items():
        if _already_applied(existing.get(form_id), event):
            continue
        try:
            forms.append(client.get_checkout_form(form_id))
        except NotFound:
            continue  # very old or withdrawn orders: nothing to store
        except UnreadableRecord as exc:
            quarantine.reject(exc.record)
    _count(run, store_forms(run.account_id, forms, quarantine, source="event", existing=existing))


def _already_applied(order, event: OrderEvent) -> bool:
    return (
        order is not None
        and event.revision is not None
        and order.revision == event.revision
        and order.allegro_updated_at is not None
        and order.allegro_updated_at >= event.occurred_at
    )


def sync_order(client: AllegroClient, account_id: int, form_id: str) -> bool:
    """Read one order again and store it (a retry from the quarantine); flushes only.

    True when it was stored; False when it was set aside again. NotFound propagates.
    """
    quarantine = Quarantine(account_id, STEP)
    try:
        form = client.get_checkout_form(form_id)
    except UnreadableRecord as exc:
        quarantine.reject(exc.record)
        return False
    store_forms(account_id, [form], quarantine, source="retry")
    return quarantine.added == 0


def start_backfill(client: AllegroClient, account_id: int, settings: SyncSettings, now: dt.datetime) -> None:
    """First connection: fix the event cursor at 'now', then page history from the horizon.

    The cursor is taken before the history, so events during the backfill are replayed, not lost.
    """
    stats = client.get_order_event_stats()
    set_cursor(account_id, EVENTS_FEED, stats.latest_event_id or "")
    horizon = now - dt.timedelta(days=settings.backfill_days)
    set_cursor(account_id, BACKFILL_FEED, _position(horizon, 0))
    set_cursor(account_id, SWEEP_FEED, now.isoformat())
    db.session.commit()


def backfill_pending(account_id: int) -> bool:
    value = get_cursor(account_id, BACKFILL_FEED)
    return value is not None and value != DONE


def sync_backfill(client: AllegroClient, run: SyncRun, settings: SyncSettings, progress: Progress) -> None:
    """Continue the history backfill from its saved position."""
    gte, offset = _parse_position(get_cursor(run.account_id, BACKFILL_FEED))
    _page_updates(
        client, run, settings, progress, gte=gte, offset=offset, feed=BACKFILL_FEED, source="backfill"
    )


def sync_sweep(
    client: AllegroClient,
    run: SyncRun,
    settings: SyncSettings,
    progress: Progress,
    *,
    now: dt.datetime,
    since: dt.datetime | None = None,
) -> None:
    """Re-read orders updated since the last sweep (minus a margin): repairs events Allegro lost."""
    if since is None:
        last = get_cursor(run.account_id, SWEEP_FEED)
        base = dt.datetime.fromisoformat(last) if last else now - dt.timedelta(days=settings.backfill_days)
        since = base - settings.sweep_margin
    _page_updates(client, run, settings, progress, gte=since, offset=0, feed=None, source="sweep")
    set_cursor(run.account_id, SWEEP_FEED, now.isoformat())
    _commit_page(run, client, settings, progress)


def _page_updates(client, run, settings, progress, *, gte, offset, feed, source) -> None:
    """Page `/order/checkout-forms` by updatedAt ascending, moving the window to stay under 10 000.

    Pages are fetched ahead in a helper thread while earlier ones are written, so database
    work and network waits overlap. Pages are committed in small batches (see SyncSettings),
    each with the cursor of its last page, and also whenever the next page is slow to come, so
    no write transaction stays open while waiting. Progress is reported after each commit, so
    it never shows more than the database holds.
    """

    def fetch(window: tuple[dt.datetime, int]):
        return client.list_checkout_forms(
            updated_at_gte=window[0], sort="updatedAt", offset=window[1], limit=FORMS_PAGE
        )

    def following(window: tuple[dt.datetime, int], page) -> tuple[dt.datetime, int] | None:
        return _next_window(*window, page) if page.size >= FORMS_PAGE else None

    batch = _CommitBatch(settings)
    quarantine = Quarantine(run.account_id, STEP)
    resume_at: tuple[dt.datetime, int] | None = (gte, offset)

    def commit() -> None:
        if feed:
            set_cursor(run.account_id, feed, _position(*resume_at) if resume_at else DONE)
        _commit_page(run, client, settings, progress)
        batch.restart()

    def commit_pending() -> None:
        if batch.pages:
            commit()

    pages = Prefetcher(
        fetch,
        following,
        (gte, offset),
        depth=PREFETCH_PAGES,
        on_wait=commit_pending,
        wait_seconds=settings.idle_commit_seconds,
    )
    # closing(): a failure while storing stops the helper at once, not when the frame is freed
    backfill = feed == BACKFILL_FEED
    with closing(iter(pages)) as stream:
        for page, resume_at in stream:
            if run.progress_total is None:
                run.progress_total = page.total_count
            quarantine.reject_all(page.rejected)
            outcomes = store_forms(run.account_id, page.forms, quarantine, source=source, mostly_new=backfill)
            _count(run, outcomes, repaired=source == "sweep")
            if resume_at is None or batch.due():
                commit()


class _CommitBatch:
    """Counts pages and time since the last commit against the settings' limits."""

    def __init__(self, settings: SyncSettings) -> None:
        self.settings = settings
        self.restart()

    def restart(self) -> None:
        self.pages = 0
        self.started = time.monotonic()

    def due(self) -> bool:
        """Called once per applied page: True when this page should be committed."""
        self.pages += 1
        if self.pages >= self.settings.commit_pages:
            return True
        return time.monotonic() - self.started >= self.settings.commit_seconds


def _next_window(gte: dt.datetime, offset: int, page: CheckoutFormPage) -> tuple[dt.datetime, int]:
    """Where the page after this one starts. Unreadable forms have no time of their own, so the
    last readable one decides; when the page has none, the offset moves on past the whole page."""
    last = page.forms[-1].updated_at if page.forms else None
    if last is not None and last > gte:
        return last, 0
    if offset + 2 * FORMS_PAGE > MAX_WINDOW:
        raise RuntimeError("more than 10 000 orders share one updatedAt; cannot page further")
    return gte, offset + page.size


def _count(run: SyncRun, outcomes: list[Outcome], *, repaired: bool = False) -> None:
    created = sum(1 for o in outcomes if o is Outcome.CREATED)
    updated = sum(1 for o in outcomes if o is Outcome.UPDATED)
    run.created += created
    run.updated += updated
    run.progress_done += len(outcomes)
    if repaired:
        run.repaired += created + updated


def _commit_page(run: SyncRun, client: AllegroClient, settings: SyncSettings, progress: Progress) -> None:
    run.requests = client.request_count
    settings.on_page()
    db.session.commit()
    progress(run)


def _position(gte: dt.datetime, offset: int) -> str:
    return f"{gte.isoformat()}|{offset}"


def _parse_position(value: str | None) -> tuple[dt.datetime, int]:
    if not value or value == DONE:
        raise ValueError("no backfill in progress")
    when, _, offset = value.partition("|")
    return dt.datetime.fromisoformat(when), int(offset or 0)
