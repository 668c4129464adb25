"""Issue sync for one seller account: there is no change feed for `/sale/issues`, so every cycle
re-lists open and recently closed issues and re-reads a chat only when its change key
(status, messagesCount, lastMessage.createdAt) differs from the one stored with the chat.

An idle cycle therefore costs only the list requests. The nightly full reconcile lists every
issue and re-reads the chats of open and recently closed ones whatever their key says, which
repairs the stale counters Allegro is known to send. Each page is applied and committed on its
own, so a sync killed half-way loses nothing. The caller holds the account's sync lease.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from desk.extensions import db
from desk.models.issue import OPEN_LANES, SOURCE_ISSUES, Issue
from desk.services.issues.deadlines import WARSAW
from desk.services.issues.shipments import read_shipments
from desk.services.issues.store import (
    apply_conversation,
    apply_issue,
    change_key,
    derive,
    is_open_status,
    link_orders,
    load_issues,
    store_chat,
)
from desk.services.shared.cursors import get_cursor, set_cursor
from desk.services.shared.quarantine import Quarantine, store_each
from integrations.allegro import (
    ISSUE_STATUSES,
    OPEN_ISSUE_STATUSES,
    AllegroClient,
    NotFound,
    UnreadableRecord,
)
from integrations.allegro import Issue as IssueDTO

log = logging.getLogger(__name__)
PAGE = 100
STEP = "issues"  # the sync step these records belong to (quarantine)
CLOSED_STATUSES = tuple(s for s in ISSUE_STATUSES if s not in OPEN_ISSUE_STATUSES)
# Closed issues still get messages for a while; they are re-listed while recent.
RECENT_OPENED = dt.timedelta(days=30)
RECENT_CLOSED = dt.timedelta(days=7)
FULL_FEED = "issues_full"  # cursor: when the last full reconcile finished
RECONCILE_NIGHT = (1, 5)  # hours, Europe/Warsaw: when the nightly full reconcile runs
RECONCILE_EVERY = dt.timedelta(hours=20)
RECONCILE_OVERDUE = dt.timedelta(hours=48)
DERIVED = ("lane", "needs_reply", "needs_reply_since", "escalated", "due_at", "activity_at", "closed_at")


@dataclass
class IssueSyncStats:
    """What one issue sync did; `requests` counts every Allegro request it made."""

    requests: int = 0
    listed: int = 0
    created: int = 0
    updated: int = 0
    chats_fetched: int = 0
    shipments_read: int = 0  # orders whose tracking numbers were re-read (those of re-read chats)
    reread: int = 0  # issues that left the lists and were read one by one
    quarantined: int = 0  # issues or chats set aside (unreadable, or refused by the store)
    full: bool = False  # a full reconcile: asked for, the first issue sync, or the nightly one


def sync_issues(
    client: AllegroClient,
    account_id: int,
    *,
    full: bool,
    now: dt.datetime,
    on_page: Callable[[], None] | None = None,
) -> IssueSyncStats:
    """Bring the account's issues and their chats up to date. Commits after each page.

    `full` lists every issue and re-reads open chats; it is also chosen here for an account's first
    issue sync and once a night (see full_reconcile_due), so no separate job is needed.
    `on_page` is called before every commit (the account sync renews its lease there).
    Does not take the lease itself: run it inside the account's sync.
    """
    started = client.request_count
    full = full or full_reconcile_due(account_id, now)
    run = _Pass(client, account_id, now, full, on_page or (lambda: None), Quarantine(account_id, STEP))
    if full:
        run.scan(statuses=None, horizon=None)
    else:
        run.scan(statuses=OPEN_ISSUE_STATUSES, horizon=None)
        run.scan(statuses=CLOSED_STATUSES, horizon=closed_horizon(account_id, now))
    run.reread_missing()
    if full:
        set_cursor(account_id, FULL_FEED, now.isoformat())
        db.session.commit()
    run.stats.full = full
    run.stats.quarantined = run.quarantine.added
    run.stats.requests = client.request_count - started
    return run.stats


def full_reconcile_due(account_id: int, now: dt.datetime) -> bool:
    """True for an account's first issue sync, at night (Warsaw) when the last full reconcile is
    a day old, and at any hour once it is two days old (a desk that sleeps at night)."""
    last = get_cursor(account_id, FULL_FEED)
    if not last:
        return True
    age = now - dt.datetime.fromisoformat(last)
    night = RECONCILE_NIGHT[0] <= now.astimezone(WARSAW).hour < RECONCILE_NIGHT[1]
    return age >= RECONCILE_OVERDUE or (night and age >= RECONCILE_EVERY)


def closed_horizon(account_id: int, now: dt.datetime) -> dt.datetime:
    """Closed issues opened after this are re-listed every cycle (the list is newest-opened first).

    It reaches back far enough to cover every issue that closed in the last days, even one that
    was opened long ago.
    """
    horizon = now - RECENT_OPENED
    oldest = db.session.scalar(
        select(func.min(Issue.opened_at)).where(
            Issue.account_id == account_id,
            Issue.source == SOURCE_ISSUES,
            Issue.closed_at >= now - RECENT_CLOSED,
        )
    )
    return min(horizon, oldest) if oldest is not None else horizon


@dataclass
class _Pass:
    client: AllegroClient
    account_id: int
    now: dt.datetime
    full: bool
    on_page: Callable[[], None]
    quarantine: Quarantine
    stats: IssueSyncStats = field(default_factory=IssueSyncStats)
    seen: set[str] = field(default_factory=set)
    chats_read: set[str] = field(default_factory=set)  # issues whose chat this pass re-read

    def scan(self, *, statuses, horizon: dt.datetime | None) -> None:
        offset = 0
        while True:
            page = self.client.list_issues(offset=offset, limit=PAGE, statuses=statuses)
            self.stats.listed += page.size
            self.quarantine.reject_all(page.rejected)
            self._apply_page(page.issues)
            if page.size < PAGE:
                return
            oldest = page.issues[-1].opened_date if page.issues else None
            if horizon is not None and oldest is not None and oldest < horizon:
                return
            offset += PAGE

    def _apply_page(self, page: tuple[IssueDTO, ...]) -> None:
        fresh = [dto for dto in page if dto.id not in self.seen]  # the list may shift while paging
        self.seen.update(dto.id for dto in fresh)
        touched = self._store(fresh)
        link_orders(self.account_id, touched)
        self._read_shipments(touched)
        self.on_page()
        db.session.commit()

    def _store(self, dtos: list[IssueDTO]) -> list[Issue]:
        """Apply issues, setting aside any the store refuses; returns the stored rows."""
        refused: set[str] = set()

        def store(batch):
            existing = load_issues(self.account_id, (dto.id for dto in batch))
            return [(dto, self._apply(dto, existing.get(dto.id))) for dto in batch]

        def refuse(dto: IssueDTO, exc: BaseException) -> None:
            refused.add(dto.id)
            self.quarantine.refuse("issue", dto.id, dto, exc)

        applied = store_each(dtos, store, refuse)
        self.quarantine.stored("issue", (dto.id for dto in dtos if dto.id not in refused))
        for _dto, (_issue, created, changed) in applied:
            self.stats.created += created
            self.stats.updated += changed and not created
        return [issue for _dto, (issue, _created, _changed) in applied]

    def _apply(self, dto: IssueDTO, issue: Issue | None) -> tuple[Issue, bool, bool]:
        """Apply one issue (re-reading its chat when it moved): the row, created, changed."""
        created = issue is None
        if issue is None:
            issue = new_issue(self.account_id, dto.id, self.now)
        changed = apply_issue(issue, dto, self.now)
        if self._chat_wanted(issue, dto):
            try:
                changed = refresh_chat(self.client, issue, dto) or changed
            except UnreadableRecord as exc:  # the chat key stays old: the next sync reads it again
                self.quarantine.reject(exc.record)
            else:
                self.stats.chats_fetched += 1
                self.chats_read.add(dto.id)
                self.quarantine.stored("issue_chat", [dto.id])
        changed = rederive(issue, self.now) or changed
        if changed:
            issue.updated_at = issue.synced_at = self.now
        return issue, created, changed

    def _read_shipments(self, issues: list[Issue]) -> None:
        """Tracking numbers of the orders whose issues moved (their chat was re-read), once each."""
        orders = {issue.order.id: issue.order for issue in issues
                  if issue.allegro_id in self.chats_read and issue.order_id is not None}
        for order in orders.values():
            if order.shipments_read_at != self.now and read_shipments(self.client, order, self.now):
                self.stats.shipments_read += 1

    def _chat_wanted(self, issue: Issue, dto: IssueDTO) -> bool:
        if issue.chat_key != change_key(dto):
            return True
        if not self.full:
            return False
        recent = issue.closed_at is not None and issue.closed_at >= self.now - RECENT_CLOSED
        return is_open_status(dto.status) or recent

    def reread_missing(self) -> None:
        """Open issues that were in no list (they closed long after opening): read them one by one."""
        open_issues = db.session.execute(
            select(Issue.id, Issue.allegro_id).where(
                Issue.account_id == self.account_id,
                Issue.source == SOURCE_ISSUES,
                Issue.lane.in_(OPEN_LANES),
            )
        ).all()
        for issue_id in [row.id for row in open_issues if row.allegro_id not in self.seen]:
            issue = db.session.get(Issue, issue_id)
            try:
                dto = self.client.get_issue(issue.allegro_id)
            except NotFound:
                log.info("issue %s of account %s is gone from Allegro", issue.allegro_id, self.account_id)
                continue
            except UnreadableRecord as exc:
                self.quarantine.reject(exc.record)
                db.session.commit()
                continue
            self.stats.reread += 1
            self._read_shipments(self._store([dto]))
            self.on_page()
            db.session.commit()


def sync_issue(client: AllegroClient, account_id: int, issue_id: str, *, now: dt.datetime) -> bool:
    """Read one issue and its chat again and store them (a retry from the quarantine); commits.

    True when stored; False when set aside again. NotFound propagates.
    """
    run = _Pass(client, account_id, now, True, lambda: None, Quarantine(account_id, STEP))
    try:
        dto = client.get_issue(issue_id)
    except UnreadableRecord as exc:
        run.quarantine.reject(exc.record)
    else:
        issue = load_issues(account_id, [issue_id]).get(issue_id)
        if issue is not None:
            issue.chat_key = None  # read the chat too, whatever its key says
        run._read_shipments(run._store([dto]))
    db.session.commit()
    return run.quarantine.added == 0


def new_issue(account_id: int, allegro_id: str, now: dt.datetime) -> Issue:
    """A fresh issue row (added to the session) to be filled by apply_issue."""
    issue = Issue(
        account_id=account_id, allegro_id=allegro_id, status="", type="", first_seen_at=now,
        updated_at=now, synced_at=now, activity_at=now, messages=[], changes=[],
    )
    db.session.add(issue)
    return issue


def refresh_chat(client: AllegroClient, issue: Issue, dto: IssueDTO) -> bool:
    """Re-read the whole chat, store new entries and whose turn it is; True when messages were added."""
    chat = client.get_issue_chat(dto.id)
    added = store_chat(issue, chat)
    apply_conversation(issue, chat)
    issue.chat_key = change_key(dto)
    issue.chat_synced_at = dt.datetime.now(dt.UTC)
    return added > 0


def rederive(issue: Issue, now: dt.datetime) -> bool:
    """Recompute the inbox fields; True (and updated_at moved) when any of them changed."""
    before = tuple(getattr(issue, name) for name in DERIVED)
    derive(issue, now)
    changed = before != tuple(getattr(issue, name) for name in DERIVED)
    if changed or issue.id is None:
        issue.updated_at = now
        issue.synced_at = now
    return changed


def refresh_issue(client: AllegroClient, issue: Issue, now: dt.datetime, *, chat: bool = True) -> IssueDTO:
    """Re-read one issue (and its chat when `chat` or when its key changed) and store it; flushes only.
    Tracking numbers are left to the sync and to `detail.refresh` (writes need none)."""
    dto = client.get_issue(issue.allegro_id)
    apply_issue(issue, dto, now)
    if chat or issue.chat_key != change_key(dto):
        refresh_chat(client, issue, dto)
    rederive(issue, now)
    link_orders(issue.account_id, [issue])
    return dto
