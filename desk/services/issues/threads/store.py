"""Storing Message Center threads and their messages in the conversation model.

Flushes only; the caller commits. Roles are normalised to the inbox's words: SELLER (us), BUYER
(the other party), ADMIN (an Allegro consultant, which marks the thread as escalated) and SYSTEM
(Allegro's or a bot's notices). A role Allegro adds later is kept verbatim and treated as a notice.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from desk.extensions import db
from desk.models.issue import (
    SOURCE_MESSAGING,
    Issue,
    IssueMessage,
    IssueStateChange,
)
from desk.services.issues.store import cut, load_issues, preview
from desk.services.shared.erasures import guard_conversation
from integrations.allegro.models_messaging import Message as MessageDTO
from integrations.allegro.models_messaging import Thread as ThreadDTO

SELLER, BUYER, ADVISOR, SYSTEM = "SELLER", "BUYER", "ADMIN", "SYSTEM"
_NOTICE_ROLES = frozenset({"ALLEGRO", "SYSTEM", "CHATBOT"})
CLOSED = "CLOSED"
# Statuses of a message the buyer never received (held for review, or refused by Allegro).
NOT_DELIVERED = frozenset({"VERIFYING", "BLOCKED"})


def thread_key(dto: ThreadDTO) -> str:
    """What changes when the thread does (last message time, read flag, status): its messages are
    re-read only when this differs from the stored key."""
    last = dto.last_message_at.isoformat() if dto.last_message_at else ""
    return f"{last}|{int(dto.read)}|{dto.status or ''}"[:120]


def load_threads(account_id: int, thread_ids: Iterable[str]) -> dict[str, Issue]:
    """Threads of an account keyed by Allegro id, in one query."""
    return load_issues(account_id, thread_ids, source=SOURCE_MESSAGING)


def new_thread(account_id: int, thread_id: str, now: dt.datetime) -> Issue:
    """A fresh conversation row for a thread (added to the session), filled by apply_thread."""
    issue = Issue(
        account_id=account_id, allegro_id=thread_id[:64], source=SOURCE_MESSAGING, status="",
        type="", first_seen_at=now, updated_at=now, synced_at=now, activity_at=now, messages=[],
        changes=[], missing_count=0,
    )
    db.session.add(issue)
    return issue


def apply_thread(issue: Issue, dto: ThreadDTO, own_login: str | None, now: dt.datetime) -> bool:
    """Copy Allegro's view of the thread onto the row (status changes go into its history)."""
    offers = dto.orders[0].offers if dto.orders else ()
    values = {
        "type": dto.type[:24],
        "status": (dto.status or "OPEN")[:32],
        "chat_active": dto.status != CLOSED,
        "reason_type": cut(dto.sub_type, 64),
        "opened_at": dto.created_at or issue.opened_at,
        "buyer_login": cut(dto.other_login(own_login), 120) or issue.buyer_login,
        "checkout_form_id": cut(dto.order_id, 64) or issue.checkout_form_id,
        "offer_id": cut(offers[0].id, 64) if offers else issue.offer_id,
        "quantity": offers[0].quantity if offers else issue.quantity,
        "allegro_read": dto.read,
        "last_message_at": dto.last_message_at,
    }
    changed = False
    for name, value in values.items():
        old = getattr(issue, name)
        if old == value:
            continue
        changed = True
        if name == "status" and issue.id is not None:
            issue.changes.append(
                IssueStateChange(source="sync", field="status", old_value=old, new_value=value, at=now)
            )
        setattr(issue, name, value)
    if issue.id is None:
        issue.changes.append(IssueStateChange(source="sync", field="status", new_value=issue.status, at=now))
    guard_conversation(issue)  # erased buyers and orders keep only what is not personal
    return changed


def role_of(dto: MessageDTO, own_login: str | None) -> str:
    """The inbox's role of a message's author (see the module docstring)."""
    author = dto.author
    if author.is_seller(own_login):
        return SELLER
    role = author.role
    if role in (None, "BUYER", "USER"):
        return BUYER
    if role == "CONSULTANT":
        return ADVISOR
    if role in _NOTICE_ROLES:
        return SYSTEM
    return role[:16]


def store_messages(
    issue: Issue,
    messages: Sequence[MessageDTO],
    own_login: str | None,
    now: dt.datetime,
    *,
    first_import: bool = False,
) -> int:
    """Add new messages and refresh the status of known ones; returns how many were added.

    A new message is stamped `seen_at = now`: the reply clock counts from when the desk could
    first show it, since Allegro publishes some messages hours after their `createdAt`. On an
    account's first import nothing was "seen" earlier, so Allegro's time is the best estimate.
    """
    known = {m.allegro_id: m for m in issue.messages} if issue.id is not None else {}
    added = 0
    for dto in sorted(messages, key=lambda m: m.created_at):  # rows get ids in the order written
        row = known.get(dto.id)
        if row is not None:
            _refresh(row, dto)
            continue
        row = IssueMessage(
            allegro_id=dto.id[:64],
            author_role=role_of(dto, own_login),
            author_login=cut(dto.author.login, 120),
            text=dto.text,
            created_at=dto.created_at,
            seen_at=dto.created_at if first_import else max(now, dto.created_at),
            status=cut(dto.status, 16),
            message_type=cut(dto.type, 16),
            subject=cut(dto.subject, 255),
            attachments=_attachments(dto) or None,
        )
        issue.messages.append(row)
        known[dto.id] = row
        added += 1
        if dto.order_id and not issue.checkout_form_id:
            issue.checkout_form_id = dto.order_id[:64]
        if dto.offer_id and not issue.offer_id:
            issue.offer_id = dto.offer_id[:64]
        if dto.subject and not issue.subject:
            issue.subject = dto.subject[:64]
    if messages:
        guard_conversation(issue, issue.messages)
    return added


def mark_deleted(issue: Issue, present_ids: set[str], now: dt.datetime) -> int:
    """Messages Allegro no longer lists (deleted there) are marked, never removed; returns how many."""
    marked = 0
    for row in issue.messages:
        if row.deleted_at is None and row.allegro_id not in present_ids:
            row.deleted_at = now
            marked += 1
        elif row.deleted_at is not None and row.allegro_id in present_ids:
            row.deleted_at = None  # it came back (a transient gap on Allegro's side)
    return marked


def apply_turn(issue: Issue) -> None:
    """Whose turn it is, from the messages: the reply clock starts when the desk first saw the
    first buyer (or consultant) message after our last delivered one."""
    talk = sorted(
        (m for m in issue.messages if m.deleted_at is None and m.author_role in (BUYER, SELLER, ADVISOR)),
        key=lambda m: (m.created_at, m.id or 0),
    )
    since = None
    for message in talk:
        if message.author_role == SELLER:
            if message.status != "BLOCKED":  # a blocked answer never reached the buyer
                since = None
        elif message.status not in NOT_DELIVERED and since is None:
            since = message.seen_at or message.created_at
    issue.needs_reply_since = since
    issue.advisor_joined = any(m.author_role == ADVISOR for m in talk)
    last = talk[-1] if talk else None
    if last is not None:
        issue.last_message_role = last.author_role
        issue.last_message_preview = preview(last.text)


def _refresh(row: IssueMessage, dto: MessageDTO) -> None:
    row.status = cut(dto.status, 16)
    row.deleted_at = None
    attachments = _attachments(dto) or None
    if attachments != row.attachments:
        row.attachments = attachments


def _attachments(dto: MessageDTO) -> list[dict]:
    return [
        {"id": a.id, "file_name": a.file_name, "mime_type": a.mime_type, "status": a.status}
        for a in dto.attachments
    ]
