"""Message Center sync for one seller account, in three layers (there is no change feed).

- **Fast poll** (every sync): the newest threads (beta cursor), page after page until a page ends
  older than the stored watermark minus FAST_OVERLAP. Messages are read only for threads whose
  last-message time, read flag or status differs from the stored key. Idle, it costs one request.
- **Sweep** (hourly): the same walk reaching SWEEP_OVERLAP (48 h) behind the watermark, for
  messages Allegro published hours after their `createdAt` (allegro-api#13907, #10049).
- **Reconcile** (nightly): every message of every thread active in the last RECONCILE_WINDOW is read
  again whatever its key says; this finds late-published messages older than a thread's newest
  one, and messages deleted on Allegro (marked, never removed).

Each page of threads is stored and committed on its own, so a sync killed half-way keeps what it
stored; the watermark moves only in the commit of the walk's last page, with its rows, so the next
sync repeats an unfinished walk. A thread whose messages answer 404 (Allegro has answered THREAD_NOT_FOUND for
threads it had just listed, allegro-api#13123) is counted and retried at the next sync, never
deleted. The caller holds the account's sync lease.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from desk.extensions import db
from desk.models import SellerAccount
from desk.models.issue import SOURCE_MESSAGING, Issue
from desk.services.issues.store import derive, link_orders
from desk.services.issues.threads.store import (
    apply_thread,
    apply_turn,
    load_threads,
    mark_deleted,
    new_thread,
    store_messages,
    thread_key,
)
from desk.services.shared.cursors import get_cursor, set_cursor
from desk.services.shared.quarantine import Quarantine, store_each
from integrations.allegro import AllegroClient, NotFound, UnreadableRecord
from integrations.allegro.models_messaging import Message as MessageDTO
from integrations.allegro.models_messaging import Thread as ThreadDTO

log = logging.getLogger(__name__)
STEP = "messages"  # the sync step these records belong to (quarantine)
WATERMARK = "threads"  # cursor: the newest lastMessageDateTime the last finished walk saw
SWEEP_FEED = "threads_sweep"  # cursor: when the last sweep finished
RECONCILE_FEED = "threads_reconcile"  # cursor: when the last reconcile finished
FAST_OVERLAP = dt.timedelta(minutes=30)
SWEEP_OVERLAP = dt.timedelta(hours=48)
SWEEP_EVERY = dt.timedelta(hours=1)
RECONCILE_EVERY = dt.timedelta(hours=20)
RECONCILE_WINDOW = dt.timedelta(days=14)
FIRST_IMPORT = dt.timedelta(days=30)  # how far back an account's first walk reaches
MAX_MESSAGE_PAGES = 50  # a runaway cursor never loops forever


@dataclass
class ThreadSyncStats:
    """What one Message Center sync did; `requests` counts every Allegro request it made."""

    layer: str = "fast"  # fast | sweep | reconcile | first
    requests: int = 0
    listed: int = 0
    created: int = 0
    updated: int = 0
    threads_read: int = 0  # threads whose messages were read
    messages_added: int = 0
    deleted_found: int = 0
    missing: int = 0  # threads that answered 404 this time
    quarantined: int = 0


def sync_threads(
    client: AllegroClient,
    account_id: int,
    *,
    now: dt.datetime,
    full: bool = False,
    on_page: Callable[[], None] | None = None,
) -> ThreadSyncStats:
    """Bring the account's Message Center threads up to date (see the module docstring); commits
    after each page. `full` forces the nightly reconcile."""
    started = client.request_count
    account = db.session.get(SellerAccount, account_id)
    layer = choose_layer(account_id, now, full=full)
    run = _Walk(client, account_id, account.allegro_login if account else None, now, layer,
                on_page or (lambda: None), Quarantine(account_id, STEP))
    run.walk(stop_before=_horizon(account_id, now, layer))
    if layer == "reconcile":
        run.reconcile_quiet_threads()
    _finish(account_id, run, now)
    run.stats.quarantined = run.quarantine.added
    run.stats.requests = client.request_count - started
    return run.stats


def choose_layer(account_id: int, now: dt.datetime, *, full: bool = False) -> str:
    """Which layer this sync runs: first (no watermark yet), reconcile, sweep or fast."""
    if get_cursor(account_id, WATERMARK) is None:
        return "first"
    if full or _age(account_id, RECONCILE_FEED, now) >= RECONCILE_EVERY:
        return "reconcile"
    if _age(account_id, SWEEP_FEED, now) >= SWEEP_EVERY:
        return "sweep"
    return "fast"


def _age(account_id: int, feed: str, now: dt.datetime) -> dt.timedelta:
    last = get_cursor(account_id, feed)
    return now - dt.datetime.fromisoformat(last) if last else dt.timedelta.max


def _horizon(account_id: int, now: dt.datetime, layer: str) -> dt.datetime:
    """The walk stops at the first page that ends before this moment."""
    if layer == "first":
        return now - FIRST_IMPORT
    watermark = dt.datetime.fromisoformat(get_cursor(account_id, WATERMARK))
    if layer == "reconcile":
        return min(watermark - SWEEP_OVERLAP, now - RECONCILE_WINDOW)
    return watermark - (SWEEP_OVERLAP if layer == "sweep" else FAST_OVERLAP)


def _set_watermark(account_id: int, newest: dt.datetime | None, now: dt.datetime) -> None:
    """The newest last-message time a finished walk saw (it never moves back); flushes only."""
    previous = get_cursor(account_id, WATERMARK)
    if previous is not None:
        newest = max(filter(None, (newest, dt.datetime.fromisoformat(previous))))
    set_cursor(account_id, WATERMARK, (newest or now - FIRST_IMPORT).isoformat())


def _finish(account_id: int, run: _Walk, now: dt.datetime) -> None:
    """After the walk (and the reconcile's re-reads): the layer's own cursors."""
    if run.layer in ("first", "reconcile"):
        set_cursor(account_id, RECONCILE_FEED, now.isoformat())
    if run.layer != "fast":
        set_cursor(account_id, SWEEP_FEED, now.isoformat())
    run.on_page()
    db.session.commit()


@dataclass
class _Walk:
    client: AllegroClient
    account_id: int
    own_login: str | None
    now: dt.datetime
    layer: str
    on_page: Callable[[], None]
    quarantine: Quarantine
    stats: ThreadSyncStats = field(default_factory=ThreadSyncStats)
    seen: set[str] = field(default_factory=set)
    newest: dt.datetime | None = None

    def __post_init__(self) -> None:
        self.stats.layer = self.layer

    def walk(self, *, stop_before: dt.datetime) -> None:
        """Page through the threads, newest first, until a page ends before `stop_before`."""
        page_id = None
        while True:
            page = self.client.list_threads(page_id=page_id)
            self.stats.listed += page.size
            self.quarantine.reject_all(page.rejected)
            oldest = min((t.last_message_at for t in page.threads if t.last_message_at), default=None)
            last = page.next_page_id is None or (oldest is not None and oldest < stop_before)
            self._apply_page(page.threads, last=last)
            if last:
                return
            page_id = page.next_page_id

    def _apply_page(self, threads: tuple[ThreadDTO, ...], *, last: bool) -> None:
        """Store a page; the walk's last page commits the watermark with its rows."""
        fresh = [t for t in threads if t.id not in self.seen]  # the list shifts while we page
        self.seen.update(t.id for t in fresh)
        for dto in fresh:
            if dto.last_message_at and (self.newest is None or dto.last_message_at > self.newest):
                self.newest = dto.last_message_at
        link_orders(self.account_id, self._store(fresh))
        if last:
            _set_watermark(self.account_id, self.newest, self.now)
        self.on_page()
        db.session.commit()

    def _store(self, dtos: list[ThreadDTO]) -> list[Issue]:
        refused: set[str] = set()

        def store(batch):
            existing = load_threads(self.account_id, (dto.id for dto in batch))
            return [self._apply(dto, existing.get(dto.id)) for dto in batch]

        def refuse(dto: ThreadDTO, exc: BaseException) -> None:
            refused.add(dto.id)
            self.quarantine.refuse("thread", dto.id, dto, exc)

        applied = store_each(dtos, store, refuse)
        self.quarantine.stored("thread", (dto.id for dto in dtos if dto.id not in refused))
        return [issue for issue in applied if issue is not None]

    def _apply(self, dto: ThreadDTO, issue: Issue | None) -> Issue:
        created = issue is None
        if issue is None:
            issue = new_thread(self.account_id, dto.id, self.now)
        key = thread_key(dto)
        changed = apply_thread(issue, dto, self.own_login, self.now)
        if issue.chat_key != key or self.layer == "reconcile":
            changed = self._read_messages(issue, dto, key) or changed
        changed = _rederive(issue, self.now) or changed
        self.stats.created += created
        self.stats.updated += changed and not created
        return issue

    def _read_messages(self, issue: Issue, dto: ThreadDTO, key: str) -> bool:
        """Read the thread's messages; the key is stored only when they were read whole."""
        complete = self.layer == "reconcile"
        try:
            messages, walked_all = read_messages(self.client, dto.id, stop_at_known=_known_ids(issue),
                                                 complete=complete)
        except NotFound:
            issue.missing_count += 1
            issue.missing_since = issue.missing_since or self.now
            self.stats.missing += 1
            log.info("thread %s of account %s answered 404 (%d times); retried later",
                     dto.id, self.account_id, issue.missing_count)
            return False
        except UnreadableRecord as exc:  # the key stays old: the next sync reads it again
            self.quarantine.reject(exc.record)
            return False
        issue.missing_count, issue.missing_since = 0, None
        added = store_messages(issue, messages, self.own_login, self.now, first_import=self.layer == "first")
        if complete and walked_all:
            self.stats.deleted_found += mark_deleted(issue, {m.id for m in messages}, self.now)
        apply_turn(issue)
        issue.chat_key = key
        issue.chat_synced_at = self.now
        issue.messages_count = sum(1 for m in issue.messages if m.deleted_at is None)
        self.stats.threads_read += 1
        self.stats.messages_added += added
        self.quarantine.stored("thread_messages", [dto.id])
        return added > 0

    def reconcile_quiet_threads(self) -> None:
        """Threads active in the reconcile window that the walk did not reach (their last message
        is older than where it stopped): re-read each one and its messages."""
        rows = db.session.execute(
            select(Issue.id, Issue.allegro_id).where(
                Issue.account_id == self.account_id,
                Issue.source == SOURCE_MESSAGING,
                Issue.activity_at >= self.now - RECONCILE_WINDOW,
            )
        ).all()
        for row in rows:
            if row.allegro_id in self.seen:
                continue
            try:
                dto = self.client.get_thread(row.allegro_id)
            except NotFound:
                issue = db.session.get(Issue, row.id)
                issue.missing_count += 1
                issue.missing_since = issue.missing_since or self.now
                self.stats.missing += 1
                db.session.commit()
                continue
            except UnreadableRecord as exc:
                self.quarantine.reject(exc.record)
                db.session.commit()
                continue
            self.seen.add(dto.id)
            self._store([dto])
            self.on_page()
            db.session.commit()


def read_messages(
    client: AllegroClient, thread_id: str, *, stop_at_known: set[str], complete: bool
) -> tuple[list[MessageDTO], bool]:
    """Messages of a thread (beta cursor) and whether every page was read.

    The order of messages within a page is not published. When a page runs newest first, the walk
    stops at the first page holding nothing new; otherwise (or when `complete`) it reads to the end.
    """
    found: dict[str, MessageDTO] = {}
    page_id = None
    for _ in range(MAX_MESSAGE_PAGES):
        page = client.list_thread_messages(thread_id, page_id=page_id)
        if page.rejected:
            raise UnreadableRecord(page.rejected[0])
        fresh = [m for m in page.messages if m.id not in found]
        found.update((m.id, m) for m in fresh)
        if page.next_page_id is None:
            return list(found.values()), True
        times = [m.created_at for m in page.messages]
        newest_first = times == sorted(times, reverse=True)
        if not fresh or (not complete and newest_first and all(m.id in stop_at_known for m in fresh)):
            return list(found.values()), False
        page_id = page.next_page_id
    return list(found.values()), False


def sync_thread(client: AllegroClient, account_id: int, thread_id: str, *, now: dt.datetime) -> bool:
    """Read one thread and all its messages again and store them (a quarantine retry); commits.

    True when stored; False when set aside again. NotFound propagates.
    """
    account = db.session.get(SellerAccount, account_id)
    run = _Walk(client, account_id, account.allegro_login if account else None, now, "reconcile",
                lambda: None, Quarantine(account_id, STEP))
    try:
        dto = client.get_thread(thread_id)
    except UnreadableRecord as exc:
        run.quarantine.reject(exc.record)
    else:
        run._store([dto])
    db.session.commit()
    return run.quarantine.added == 0


def refresh_thread(client: AllegroClient, issue: Issue, now: dt.datetime) -> None:
    """Re-read one thread and its messages (after a send, or when an agent opens it); flushes only."""
    account = db.session.get(SellerAccount, issue.account_id)
    run = _Walk(client, issue.account_id, account.allegro_login if account else None, now, "reconcile",
                lambda: None, Quarantine(issue.account_id, STEP))
    dto = client.get_thread(issue.allegro_id)
    apply_thread(issue, dto, run.own_login, now)
    run._read_messages(issue, dto, thread_key(dto))
    _rederive(issue, now)
    link_orders(issue.account_id, [issue])


def _known_ids(issue: Issue) -> set[str]:
    return {m.allegro_id for m in issue.messages} if issue.id is not None else set()


def _rederive(issue: Issue, now: dt.datetime) -> bool:
    names = ("lane", "needs_reply", "needs_reply_since", "escalated", "activity_at", "closed_at")
    before = tuple(getattr(issue, name) for name in names)
    derive(issue, now)
    changed = before != tuple(getattr(issue, name) for name in names)
    if changed or issue.id is None:
        issue.updated_at = issue.synced_at = now
    return changed
