"""Storing issues read from Allegro: columns, chat messages, history, and the derived inbox fields.

Flushes only; the caller (sync page, outbox handler, re-read) commits.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import select

from desk.extensions import db
from desk.models import Order
from desk.models.issue import (
    CLAIM,
    LANE_CLOSED,
    LANE_DECISION,
    LANE_REPLY,
    LANE_WAITING,
    OPEN_LANES,
    SOURCE_ISSUES,
    SOURCE_MESSAGING,
    Issue,
    IssueMessage,
    IssueStateChange,
)
from desk.services.issues.deadlines import effective_due
from desk.services.shared.erasures import guard_conversation
from integrations.allegro import NEEDS_REPLY_STATUSES, OPEN_ISSUE_STATUSES
from integrations.allegro import Issue as IssueDTO
from integrations.allegro import IssueMessage as MessageDTO

SELLER, BUYER, ADVISOR = "SELLER", "BUYER", "ADMIN"
# Who takes part in the conversation; SYSTEM and FULFILLMENT entries are notices nobody answers.
CONVERSATION_ROLES = frozenset({BUYER, SELLER, ADVISOR})
AWAITING_DECISION = "CLAIM_SUBMITTED"
DECIDED_STATUSES = ("CLAIM_ACCEPTED", "CLAIM_REJECTED")
ESCALATED_STATUS = "DISPUTE_UNRESOLVED"
ADVISOR_REPLIED = "ALLEGRO_ADVISOR_REPLIED"
PREVIEW_LENGTH = 200
# Fields whose changes go into the issue's history.
TRACKED = {
    "status": "status",
    "chat_active": "chat_active",
    "decision_due_at": "deadline",
    "status_due_at": "deadline",
    "return_required": "return_required",
}


def change_key(dto: IssueDTO) -> str:
    """(status, messagesCount, lastMessage.createdAt) as stored text: the chat is re-read when it differs."""
    status, count, last = dto.change_key
    return f"{status or ''}|{count}|{last.isoformat() if last else ''}"[:120]


def load_issues(
    account_id: int, allegro_ids: Iterable[str], *, source: str = SOURCE_ISSUES
) -> dict[str, Issue]:
    """Conversations of an account from one source (issues by default), keyed by Allegro id, in
    one query."""
    ids = sorted(set(allegro_ids))
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Issue).where(Issue.account_id == account_id, Issue.source == source, Issue.allegro_id.in_(ids))
    )
    return {issue.allegro_id: issue for issue in rows}


OPEN_THREAD = "OPEN"  # a Message Center thread's status (public.v1 threads have none: open)
# A Message Center question has no end on Allegro: answered and idle this long, it counts as closed
# (the buyer's next message brings it back at once).
THREAD_IDLE_AFTER = dt.timedelta(days=7)


def is_open_status(status: str | None) -> bool:
    return status in OPEN_ISSUE_STATUSES or status == OPEN_THREAD


def apply_issue(issue: Issue, dto: IssueDTO, now: dt.datetime, *, source: str = "sync") -> bool:
    """Copy Allegro's view onto the issue, recording history; True when anything changed."""
    values = _columns(dto, issue)
    changed = False
    for name, value in values.items():
        old = getattr(issue, name)
        if old == value:
            continue
        changed = True
        if issue.id is not None and name in TRACKED:
            issue.changes.append(
                IssueStateChange(
                    source=source, field=TRACKED[name], old_value=_text(old), new_value=_text(value), at=now
                )
            )
        setattr(issue, name, value)
    if issue.id is None:
        issue.changes.append(IssueStateChange(source=source, field="status", new_value=issue.status, at=now))
    guard_conversation(issue)  # erased buyers and orders keep only what is not personal
    return changed


def _columns(dto: IssueDTO, issue: Issue) -> dict:
    return {
        "type": dto.type[:16],
        "reference_number": cut(dto.reference_number, 64),
        "status": (dto.status or issue.status or "")[:32],
        "chat_active": bool(dto.chat_active),
        "return_required": dto.return_required,
        "status_due_at": dto.status_due_date,
        "decision_due_at": dto.decision_due_date,
        "opened_at": dto.opened_date,
        "subject": cut(dto.subject, 64),
        "reason_type": cut(dto.reason_type, 64),
        "reason_description": dto.reason_description,
        "right": cut(dto.right, 16),
        "description": dto.description,
        "expectations": [_expectation(e) for e in dto.expectations] or None,
        "attachments": _attachments(dto.attachments) or None,
        "offer_id": cut(dto.offer_id, 64),
        "quantity": dto.quantity,
        "buyer_allegro_id": cut(dto.buyer_id, 64),
        "buyer_login": cut(dto.buyer_login, 120),
        "checkout_form_id": cut(dto.checkout_form_id, 64),
        "last_message_status": cut(dto.last_message_status, 32),
        "last_message_at": dto.last_message_at,
        "messages_count": dto.messages_count or 0,
    }


def _expectation(expectation) -> dict:
    refund = expectation.refund
    return {
        "name": expectation.name,
        "amount": str(refund.amount) if refund else None,
        "currency": refund.currency if refund else None,
    }


def _attachments(attachments) -> list[dict]:
    return [{"id": a.id, "file_name": a.file_name} for a in attachments]


def store_chat(
    issue: Issue, chat: Sequence[MessageDTO], *, known: dict[str, IssueMessage] | None = None
) -> int:
    """Add the chat entries the desk does not hold yet; returns how many were new."""
    if known is None:
        known = {m.allegro_id: m for m in issue.messages} if issue.id is not None else {}
    added = 0
    for entry in chat:
        if entry.id in known:
            continue
        message = IssueMessage(
            allegro_id=entry.id[:64],
            author_role=entry.author.role[:16],
            author_login=cut(entry.author.login, 120),
            text=entry.text,
            created_at=entry.created_at,
            attachments=_attachments(entry.attachments) or None,
        )
        issue.messages.append(message)
        known[entry.id] = message
        added += 1
    if added:
        guard_conversation(issue, issue.messages)
    return added


def apply_conversation(issue: Issue, messages: Sequence[IssueMessage | MessageDTO]) -> None:
    """Whose turn it is, from the chat itself (Allegro's counters are known to lag).

    The reply clock starts at the first buyer or advisor message after our last message, like a
    helpdesk SLA that stops on our reply and restarts on the customer's next message.
    """
    ordered = sorted(messages, key=lambda m: m.created_at)
    talk = [m for m in ordered if _role(m) in CONVERSATION_ROLES]
    decided_at = _decision_time(issue, ordered)
    since = None
    for message in talk:
        if _role(message) == SELLER or (decided_at is not None and message.created_at <= decided_at):
            since = None  # our message, or a claim decision (which carries our message to the buyer)
        elif since is None:
            since = message.created_at
    if not talk and issue.last_message_status in NEEDS_REPLY_STATUSES:
        since = issue.opened_at or issue.last_message_at
    newest = ordered[-1].created_at if ordered else None
    if (
        since is None
        and issue.last_message_status in NEEDS_REPLY_STATUSES
        and issue.last_message_at is not None
        and (newest is None or issue.last_message_at > newest + dt.timedelta(seconds=1))
    ):
        since = issue.last_message_at  # Allegro lists a newer buyer message than its chat shows yet
    issue.needs_reply_since = since
    issue.advisor_joined = any(_role(m) == ADVISOR for m in talk)
    last = talk[-1] if talk else (ordered[-1] if ordered else None)
    if last is not None:
        issue.last_message_role = _role(last)[:16]
        issue.last_message_preview = preview(_text_of(last))
    guard_conversation(issue)  # the preview may come from Allegro's own copy of the chat


def _decision_time(issue: Issue, ordered) -> dt.datetime | None:
    """When a decided claim was decided: Allegro's state-change note, or our own record of it."""
    if issue.type != CLAIM or issue.status not in DECIDED_STATUSES:
        return None
    notes = [m.created_at for m in ordered if _role(m) == "SYSTEM"]
    candidates = [t for t in (max(notes, default=None), issue.decided_at) if t is not None]
    return max(candidates, default=None)


def derive(issue: Issue, now: dt.datetime) -> None:
    """Recompute the inbox fields from the stored columns (after any change)."""
    issue.activity_at = issue.last_message_at or issue.opened_at or issue.first_seen_at or now
    is_open = is_open_status(issue.status)
    was_open = issue.id is not None and issue.lane in OPEN_LANES
    awaiting = issue.type == CLAIM and issue.status == AWAITING_DECISION
    issue.needs_reply = issue.needs_reply_since is not None and bool(issue.chat_active)
    if not issue.needs_reply and not is_open:
        lane = LANE_CLOSED
    elif awaiting:
        lane = LANE_DECISION
    elif issue.needs_reply:
        lane = LANE_REPLY
    elif issue.source == SOURCE_MESSAGING and issue.activity_at < now - THREAD_IDLE_AFTER:
        lane = LANE_CLOSED  # an answered question nobody took up again: nothing is waiting
    else:
        lane = LANE_WAITING
    issue.lane = lane
    involved = issue.status == ESCALATED_STATUS or issue.last_message_status == ADVISOR_REPLIED
    issue.escalated = lane != LANE_CLOSED and (involved or bool(issue.advisor_joined))
    opened = issue.opened_at or issue.first_seen_at or now  # a claim awaiting decision always gets a deadline
    issue.due_at, _estimated = effective_due(
        issue.status, issue.decision_due_at, issue.status_due_at, opened,
        awaiting_decision=awaiting, is_open=is_open,
    )
    if lane != LANE_CLOSED:
        issue.closed_at = None
    elif issue.closed_at is None:
        # Seen closing now, or first seen already closed: then its last activity is the best guess.
        issue.closed_at = now if was_open else (issue.last_message_at or issue.opened_at or now)


def link_orders(account_id: int, issues: Iterable[Issue]) -> int:
    """Point issues at their orders (by checkout form id) where the order is known; one query."""
    waiting = [i for i in issues if i.order_id is None and i.checkout_form_id]
    if not waiting:
        return 0
    ids = sorted({i.checkout_form_id for i in waiting})
    found = dict(
        db.session.execute(
            select(Order.allegro_id, Order.id).where(
                Order.account_id == account_id, Order.allegro_id.in_(ids)
            )
        ).all()
    )
    linked = 0
    for issue in waiting:
        order_id = found.get(issue.checkout_form_id)
        if order_id is not None:
            issue.order_id = order_id
            linked += 1
    return linked


def _role(message) -> str:
    return message.author_role if isinstance(message, IssueMessage) else message.author.role


def _text_of(message) -> str | None:
    return message.text


def preview(text: str | None) -> str | None:
    """The text on one line, cut to PREVIEW_LENGTH with an ellipsis (the inbox's last-message column)."""
    if not text:
        return None
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_LENGTH else flat[: PREVIEW_LENGTH - 1] + "…"


def cut(value: str | None, length: int) -> str | None:
    """The value cut to its column's length (None and empty stay as they are)."""
    return value[:length] if value else value


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return str(value)[:255]
