"""One issue as its page shows it: the chat, the order and its shipment, the buyer's other orders,
issues and ratings, notes; attachments fetched through the desk.

Every function takes `account_ids`, the seller accounts the caller may see (None means all); an
issue of another account behaves exactly like a missing one.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import defer, selectinload

from desk.extensions import db
from desk.models import Order, OrderLine, SellerAccount
from desk.models.issue import NOTE_MAX_LENGTH, Issue, IssueMessage, IssueNote, IssueStateChange
from desk.models.rating import Rating
from desk.orm import utcnow
from desk.services.errors import N_, DeskError, NotFoundError, ValidationError
from desk.services.issues.shipments import read_shipments
from desk.services.issues.sync import refresh_issue
from desk.services.issues.threads.sync import refresh_thread
from desk.services.ports import AllegroGateway
from integrations.allegro import AllegroError

log = logging.getLogger(__name__)
# The buyer's other issues are listed without these (never shown there).
_LIST_DEFERRED = (Issue.description, Issue.reason_description, Issue.expectations, Issue.attachments)



@dataclass(frozen=True)
class IssueDetail:
    issue: Issue
    account: SellerAccount
    messages: list[IssueMessage]  # oldest first, like the chat
    changes: list[IssueStateChange]  # newest first
    notes: list[IssueNote]
    order: Order | None
    other_orders: list[Order]
    other_issues: list[Issue]
    ratings: list[Rating]


def visible_issue(issue_id: int, account_ids: set[int] | None, *options) -> Issue:
    """The issue if it exists and the caller may see it, else NotFoundError (no hint that it exists)."""
    issue = db.session.scalar(select(Issue).where(Issue.id == issue_id).options(*options))
    if issue is None or (account_ids is not None and issue.account_id not in account_ids):
        raise NotFoundError(N_("Issue not found."))
    return issue


def issue_detail(issue_id: int, account_ids: set[int] | None) -> IssueDetail:
    """Everything the issue page shows."""
    issue = visible_issue(
        issue_id,
        account_ids,
        selectinload(Issue.messages).selectinload(IssueMessage.sent_by),
        selectinload(Issue.changes).selectinload(IssueStateChange.agent),
        selectinload(Issue.notes).selectinload(IssueNote.agent),
        selectinload(Issue.order).selectinload(Order.lines),
    )
    account = db.session.get(SellerAccount, issue.account_id)
    return IssueDetail(
        issue=issue,
        account=account,
        messages=list(issue.messages),
        changes=issue.changes[::-1],
        notes=list(issue.notes),
        order=issue.order,
        other_orders=_other_orders(issue),
        other_issues=_other_issues(issue),
        ratings=_ratings(issue),
    )


def _other_orders(issue: Issue, limit: int = 10) -> list[Order]:
    if not issue.buyer_login:
        return []
    query = (
        select(Order)
        .where(Order.account_id == issue.account_id, Order.buyer_login == issue.buyer_login)
        .order_by(Order.bought_at.desc(), Order.id.desc())
        .limit(limit + 1)
    )
    return [o for o in db.session.scalars(query) if o.id != issue.order_id][:limit]


def _other_issues(issue: Issue, limit: int = 10) -> list[Issue]:
    if not issue.buyer_login:
        return []
    query = (
        select(Issue)
        .options(*(defer(c, raiseload=True) for c in _LIST_DEFERRED))
        .where(
            Issue.account_id == issue.account_id, Issue.buyer_login == issue.buyer_login, Issue.id != issue.id
        )
        .order_by(Issue.activity_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def _ratings(issue: Issue, limit: int = 10) -> list[Rating]:
    if not issue.buyer_allegro_id:
        return []
    query = (
        select(Rating)
        .where(Rating.account_id == issue.account_id, Rating.buyer_allegro_id == issue.buyer_allegro_id)
        .order_by(Rating.rated_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def conversations_for_order(order_id: int, account_ids: set[int] | None) -> list[Issue]:
    """Every conversation about an order (problems, questions, discussions, claims), newest
    activity first; those of accounts the caller may not see are left out."""
    order = db.session.get(Order, order_id)
    if order is None or (account_ids is not None and order.account_id not in account_ids):
        return []
    query = (
        select(Issue)
        .options(*(defer(c, raiseload=True) for c in _LIST_DEFERRED))
        .where(
            Issue.account_id == order.account_id,
            (Issue.order_id == order.id) | (Issue.checkout_form_id == order.allegro_id),
        )
        .order_by(Issue.activity_at.desc(), Issue.id.desc())
    )
    return list(db.session.scalars(query))


def add_note(issue_id: int, *, text: str, agent_id: int | None, account_ids: set[int] | None) -> IssueNote:
    """Add an internal note (plain text, never sent to the buyer). Commits."""
    issue = visible_issue(issue_id, account_ids)
    body = (text or "").strip()
    if not body:
        raise ValidationError(N_("Write the note first."))
    if len(body) > NOTE_MAX_LENGTH:
        raise ValidationError(N_("A note may have at most %(max)d characters."), max=NOTE_MAX_LENGTH)
    note = IssueNote(issue_id=issue.id, agent_id=agent_id, body=body)
    db.session.add(note)
    db.session.commit()
    return note


def refresh(gateway: AllegroGateway, issue_id: int, account_ids: set[int] | None) -> Issue:
    """Re-read the issue, its whole chat and its order's tracking numbers from Allegro now. Commits."""
    issue = visible_issue(issue_id, account_ids)
    client = gateway.client_for(issue.account_id)
    try:
        if issue.is_thread:
            refresh_thread(client, issue, utcnow())
        else:
            refresh_issue(client, issue, utcnow(), chat=True)
    except AllegroError as exc:
        db.session.rollback()
        log.info("re-read of issue %s failed: %s", issue.allegro_id, exc)
        raise DeskError(N_("Allegro could not be asked for the issue now. Try again in a moment.")) from exc
    if issue.order is not None:
        read_shipments(client, issue.order, utcnow())
    db.session.commit()
    return issue


# --- attachments (read live from Allegro, on the agent's click) ---------------------------------


def attachment_name(issue: Issue, attachment_id: str) -> str | None:
    """The file name if the attachment belongs to this issue or one of its messages, else None.
    A Message Center file counts only when Allegro marked it SAFE (scanned, no malware)."""
    for item in issue.attachments or ():
        if item.get("id") == attachment_id:
            return item.get("file_name") or attachment_id
    rows = db.session.scalars(
        select(IssueMessage.attachments).where(
            IssueMessage.issue_id == issue.id, IssueMessage.attachments.is_not(None)
        )
    )
    for attachments in rows:
        for item in attachments or ():
            if item.get("id") == attachment_id and item.get("status", "SAFE") == "SAFE":
                return item.get("file_name") or attachment_id
    return None


@dataclass(frozen=True)
class AttachmentFile:
    file_name: str
    data: bytes
    content_type: str


def download_attachment(
    gateway: AllegroGateway, *, issue_id: int, attachment_id: str, account_ids: set[int] | None
) -> AttachmentFile:
    """An attachment of a visible issue, fetched through the desk (the browser never sees the token)."""
    issue = visible_issue(issue_id, account_ids)
    name = attachment_name(issue, attachment_id)
    if name is None:
        raise NotFoundError(N_("Attachment not found."))
    client = gateway.client_for(issue.account_id)
    try:
        if issue.is_thread:
            file = client.download_message_attachment(attachment_id)
            data, content_type = file.data, file.content_type
        else:
            data, content_type = client.download_issue_attachment(attachment_id)
    except AllegroError as exc:
        log.info("download of attachment %s failed: %s", attachment_id, exc)
        raise NotFoundError(N_("Allegro did not give the attachment now. Try again in a moment.")) from exc
    return AttachmentFile(name, data, content_type)


def order_lines_for(issue: Issue) -> list[OrderLine]:
    """The order lines the issue is about (its offer's line when known, else all)."""
    if issue.order is None:
        return []
    lines = list(issue.order.lines)
    matching = [line for line in lines if issue.offer_id and line.offer_id == issue.offer_id]
    return matching or lines
