"""Outbox kinds for issues: a message in the chat ("issue_message") and a claim decision ("claim_decision").

Neither request is idempotent on Allegro, so an attempt whose outcome is unknown is confirmed by
reading before anything is sent again: a message by finding a seller message with the same text
and attachments, created after the outbox row and not already credited to another row; a
decision by the claim's new status. Their handlers are HANDLERS, gathered by outbox_kinds.
"""
from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models import OutboxMessage
from desk.models.issue import Issue, IssueMessage, IssueStateChange
from desk.orm import utcnow
from desk.services import outbox
from desk.services.issues.store import apply_conversation
from desk.services.issues.sync import rederive, refresh_issue
from desk.services.issues.threads import writes as thread_writes
from integrations.allegro import AllegroClient, AllegroError, Price

log = logging.getLogger(__name__)
MESSAGE = "issue_message"
DECISION = "claim_decision"
# Allegro's clock and ours may disagree a little; a message this much "older" than the row still counts.
CLOCK_SKEW = dt.timedelta(minutes=2)
ACCEPTED, REJECTED = "CLAIM_ACCEPTED", "CLAIM_REJECTED"


def normalize_text(text: str | None) -> str:
    """The text as sent and as compared: Unix line ends, no trailing blanks."""
    return "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n")).strip()


def status_after(decision: str) -> str:
    """The claim status a decision leads to: ACCEPTED_* -> CLAIM_ACCEPTED, REJECTED_* -> CLAIM_REJECTED."""
    return ACCEPTED if decision.startswith("ACCEPTED_") else REJECTED


# --- message ------------------------------------------------------------------------------------


def _send_message(client: AllegroClient, message: OutboxMessage) -> dict:
    payload = message.payload
    sent = client.post_issue_message(
        message.target_id,
        type=payload["type"],
        text=payload.get("text") or None,
        attachment_ids=tuple(payload.get("attachment_ids") or ()),
    )
    return {"message_id": sent.id, "created_at": sent.created_at.isoformat()}


def _confirm_message(client: AllegroClient, message: OutboxMessage) -> dict | None:
    """The result if Allegro already holds this message, else None (then it is safe to send)."""
    payload = message.payload
    wanted_text = normalize_text(payload.get("text"))
    wanted_files = sorted(payload.get("attachment_ids") or ())
    credited = _credited_elsewhere(payload.get("issue_id"), message.id)
    since = message.created_at - CLOCK_SKEW
    for entry in reversed(client.get_issue_chat(message.target_id)):
        if entry.author.role != "SELLER" or entry.created_at < since or entry.id in credited:
            continue
        same_files = sorted(a.id for a in entry.attachments) == wanted_files
        if same_files and normalize_text(entry.text) == wanted_text:
            return {"message_id": entry.id, "created_at": entry.created_at.isoformat(), "confirmed": True}
    return None


def _credited_elsewhere(issue_id: int | None, outbox_id: int) -> set[str]:
    """Allegro ids of messages already known to come from other outbox rows (identical texts sent twice
    on purpose must not confirm each other)."""
    if issue_id is None:
        return set()
    rows = db.session.scalars(
        select(IssueMessage.allegro_id).where(
            IssueMessage.issue_id == issue_id,
            IssueMessage.outbox_id.is_not(None),
            IssueMessage.outbox_id != outbox_id,
        )
    )
    return set(rows)


def _after_message(client: AllegroClient, message: OutboxMessage) -> None:
    """Show the sent message in the desk at once, credited to the agent, and re-read the issue."""
    issue = db.session.get(Issue, message.payload.get("issue_id"))
    if issue is None:
        return
    _refresh(client, issue)
    result = message.result or {}
    ours = next((m for m in issue.messages if m.allegro_id == result.get("message_id")), None)
    if ours is None and result.get("message_id"):
        ours = IssueMessage(
            allegro_id=str(result["message_id"])[:64],
            author_role="SELLER",
            text=message.payload.get("text") or None,
            created_at=_when(result.get("created_at")),
            attachments=message.payload.get("attachments") or None,
        )
        issue.messages.append(ours)
        apply_conversation(issue, issue.messages)
        rederive(issue, utcnow())
    if ours is not None:
        ours.sent_by_agent_id = message.created_by
        ours.outbox_id = message.id
    _flush(issue)


# --- claim decision -----------------------------------------------------------------------------


def _send_decision(client: AllegroClient, message: OutboxMessage) -> dict:
    payload = message.payload
    refund = payload.get("partial_refund")
    client.change_claim_status(
        message.target_id,
        status=payload["decision"],
        message=payload["message"],
        partial_refund=Price(Decimal(refund["amount"]), refund["currency"]) if refund else None,
    )
    return {"decision": payload["decision"]}


def _confirm_decision(client: AllegroClient, message: OutboxMessage) -> dict | None:
    """Applied when the claim reached the decision's status; from the same status (a changed
    acceptance) the decision's message must also be in the chat."""
    payload = message.payload
    expected = status_after(payload["decision"])
    if client.get_issue(message.target_id).status != expected:
        return None
    if payload.get("from_status") != expected:
        return {"decision": payload["decision"], "confirmed": True}
    wanted = normalize_text(payload["message"])
    since = message.created_at - CLOCK_SKEW
    for entry in client.get_issue_chat(message.target_id):
        # Allegro notes the decision in the chat, its message quoted inside
        if entry.created_at >= since and wanted in normalize_text(entry.text):
            return {"decision": payload["decision"], "confirmed": True}
    return None


def _after_decision(client: AllegroClient, message: OutboxMessage) -> None:
    """Record who decided what, then re-read the claim."""
    issue = db.session.get(Issue, message.payload.get("issue_id"))
    if issue is None:
        return
    payload = message.payload
    now = utcnow()
    refund = payload.get("partial_refund")
    issue.decision = payload["decision"]
    issue.decided_by_agent_id = message.created_by
    issue.decided_at = now
    label = payload["decision"] + (f" {refund['amount']} {refund['currency']}" if refund else "")
    issue.changes.append(
        IssueStateChange(
            source="agent", field="decision", new_value=label[:255], agent_id=message.created_by, at=now
        )
    )
    db.session.flush()
    _refresh(client, issue)
    _flush(issue)


# --- shared -------------------------------------------------------------------------------------


def _refresh(client: AllegroClient, issue: Issue) -> None:
    try:
        refresh_issue(client, issue, utcnow(), chat=True)
    except AllegroError as exc:  # the write is done; the next sync brings the copy up to date
        log.info("re-read of issue %s after a write failed: %s", issue.allegro_id, exc)


def _flush(issue: Issue) -> None:
    try:
        db.session.flush()
    except IntegrityError:  # the sync stored the same chat entry meanwhile: its copy is as good
        db.session.rollback()
        log.info("issue %s was refreshed concurrently", issue.allegro_id)


def _when(text: str | None) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text) if text else utcnow()
    except ValueError:
        return utcnow()


HANDLERS: outbox.Handlers = {
    MESSAGE: outbox.Handler(send=_send_message, confirm=_confirm_message, after=_after_message),
    DECISION: outbox.Handler(send=_send_decision, confirm=_confirm_decision, after=_after_decision),
    **thread_writes.HANDLERS,  # Message Center threads are conversations of this area too
}
