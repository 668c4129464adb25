"""Answering buyers: validation, the send-time chat check, attachments, the outbox; writes of an issue.

Every write goes through the outbox with the form's idempotency key, so a double click, a
browser retry after a timeout or a crash after Allegro accepted the message never produces a
second message. A refused write keeps its text in the outbox row: the issue page offers it again.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select

from desk.extensions import db
from desk.models import OutboxMessage, OutboxState
from desk.models.issue import CLAIM, DISPUTE, Issue
from desk.orm import utcnow
from desk.services import outbox
from desk.services.errors import N_, DeskError, NotFoundError, ValidationError
from desk.services.issues import presence as issue_presence
from desk.services.issues.detail import visible_issue
from desk.services.issues.store import change_key
from desk.services.issues.sync import refresh_issue
from desk.services.issues.templates import unfilled_placeholders
from desk.services.issues.threads import replies as thread_replies
from desk.services.issues.threads.sync import refresh_thread
from desk.services.issues.uploads import Upload, check_uploads
from desk.services.issues.writes import DECISION, HANDLERS, MESSAGE, normalize_text
from desk.services.ports import AllegroGateway
from integrations.allegro import (
    ATTACHMENT_MAX_BYTES,
    CLAIM_MESSAGE_TYPES,
    DISPUTE_MESSAGE_TYPES,
    ISSUE_TEXT_MAX,
    AllegroError,
    AllegroHTTPError,
)

log = logging.getLogger(__name__)


def attachment_limit(issue: Issue) -> int:
    """The largest file Allegro takes in this conversation (5 MB in threads, 2 MiB in issues)."""
    return thread_replies.ATTACHMENT_MAX_BYTES if issue.is_thread else ATTACHMENT_MAX_BYTES


def text_limit(issue: Issue) -> int:
    """The longest message Allegro takes in this conversation."""
    return thread_replies.THREAD_TEXT_MAX if issue.is_thread else ISSUE_TEXT_MAX


@dataclass(frozen=True)
class ReplyOutcome:
    """The outbox row of the reply, or no row and `chat_changed` when the chat moved on meanwhile."""

    message: OutboxMessage | None
    chat_changed: bool = False


def allowed_message_types(issue: Issue) -> tuple[str, ...]:
    """Message types Allegro accepts for this issue now (empty when its chat is closed).

    END_REQUEST (asking the buyer to close) only in an ongoing discussion; the RETURN_* types only
    while a claim awaits the seller's decision.
    """
    if not issue.chat_active:
        return ()
    if issue.is_thread:
        return ("REGULAR",)
    if issue.type == DISPUTE:
        return tuple(t for t in DISPUTE_MESSAGE_TYPES if t == "REGULAR" or issue.status == "DISPUTE_ONGOING")
    if issue.type == CLAIM:
        return tuple(t for t in CLAIM_MESSAGE_TYPES if t == "REGULAR" or issue.status == "CLAIM_SUBMITTED")
    return ("REGULAR",)


def send_reply(
    gateway: AllegroGateway,
    *,
    issue_id: int,
    agent_id: int | None,
    text: str,
    message_type: str,
    uploads: list[Upload],
    seen_key: str | None,
    idempotency_key: str,
    account_ids: set[int] | None,
) -> ReplyOutcome:
    """Send the agent's message to the buyer, exactly once. Commits.

    Before anything is recorded the issue is read from Allegro: if its chat changed since the
    agent opened it (`seen_key`), the new messages are stored and nothing is sent.
    """
    issue = visible_issue(issue_id, account_ids)
    if issue.is_thread:
        return _send_thread_reply(gateway, issue, agent_id, text, uploads, seen_key, idempotency_key)
    key = outbox.write_key(MESSAGE, issue.account_id, issue.id, idempotency_key)
    repeated = outbox.find_by_key(key)
    if repeated is not None:  # the same form again (double click, browser retry): no second message
        return ReplyOutcome(outbox.deliver(gateway, repeated.id, HANDLERS))
    body = normalize_text(text)
    files = _validate_reply(issue, body, message_type, uploads)
    client = gateway.client_for(issue.account_id)
    if _chat_moved(client, issue, seen_key):
        return ReplyOutcome(None, chat_changed=True)
    attachments = _upload(client, files)
    message = outbox.enqueue(
        account_id=issue.account_id,
        kind=MESSAGE,
        target_id=issue.allegro_id,
        payload={
            "issue_id": issue.id,
            "type": message_type,
            "text": body,
            "attachment_ids": [a["id"] for a in attachments],
            "attachments": attachments,
        },
        idempotency_key=key,
        agent_id=agent_id,
    )
    message = outbox.deliver(gateway, message.id, HANDLERS)
    after_attempt(client, issue, message, agent_id)
    return ReplyOutcome(message)


def _send_thread_reply(gateway, issue: Issue, agent_id, text, uploads, seen_key, idempotency_key):
    """send_reply for a Message Center thread (see threads/replies.py)."""
    key = outbox.write_key(thread_replies.REPLY, issue.account_id, issue.id, idempotency_key)
    repeated = outbox.find_by_key(key)
    if repeated is not None:
        return ReplyOutcome(outbox.deliver(gateway, repeated.id, HANDLERS))
    if not issue.chat_active:
        raise ValidationError(N_("This post-purchase problem is closed: Allegro accepts no new messages."))
    body = normalize_text(text)
    missing = unfilled_placeholders(body)
    if missing:
        raise ValidationError(
            N_("Fill in the template's gaps before sending: %(names)s."), names=", ".join(missing)
        )
    files = thread_replies.check_thread_files(uploads)
    thread_replies.check_thread_text(body, files)
    client = gateway.client_for(issue.account_id)
    if thread_replies.thread_moved(client, issue, seen_key):
        return ReplyOutcome(None, chat_changed=True)
    message = thread_replies.enqueue_reply(issue, body=body, files=files, agent_id=agent_id, key=key)
    message = outbox.deliver(gateway, message.id, HANDLERS)
    if message.state is not OutboxState.FAILED and agent_id is not None:
        issue_presence.done_writing(issue.id, agent_id)
    return ReplyOutcome(message)


def _validate_reply(issue: Issue, body: str, message_type: str, uploads: list[Upload]):
    allowed = allowed_message_types(issue)
    if not allowed:
        raise ValidationError(N_("The chat of this issue is closed: Allegro accepts no new messages."))
    if message_type not in allowed:
        raise ValidationError(N_("This kind of message cannot be sent in this issue now."))
    if len(body) > ISSUE_TEXT_MAX:
        raise ValidationError(N_("A message may have at most %(max)d characters."), max=ISSUE_TEXT_MAX)
    missing = unfilled_placeholders(body)
    if missing:
        raise ValidationError(
            N_("Fill in the template's gaps before sending: %(names)s."), names=", ".join(missing)
        )
    files = check_uploads(uploads, max_bytes=ATTACHMENT_MAX_BYTES)
    if not body and not files:
        raise ValidationError(N_("Write the message or attach a file."))
    return files


def _chat_moved(client, issue: Issue, seen_key: str | None) -> bool:
    """True (and the new state stored) when Allegro's chat is not the one the agent saw."""
    try:
        dto = client.get_issue(issue.allegro_id)
    except AllegroError as exc:  # cannot check now: the outbox still sends exactly once
        log.info("send-time check of issue %s failed: %s", issue.allegro_id, exc)
        return False
    if seen_key and change_key(dto) == seen_key:
        return False
    try:
        refresh_issue(client, issue, utcnow(), chat=True)
        db.session.commit()
    except AllegroError as exc:
        db.session.rollback()
        log.info("re-read of issue %s failed: %s", issue.allegro_id, exc)
    return True


def _upload(client, files: list[tuple[str, bytes, str]]) -> list[dict]:
    """Declare and upload each file; ids to cite in the message."""
    uploaded = []
    for name, data, kind in files:
        try:
            upload = client.declare_issue_attachment(name, len(data))
            client.upload_issue_attachment(upload, data, kind)
        except AllegroHTTPError as exc:
            log.info("upload of %s failed: %s", name, exc)
            raise DeskError(
                N_("Allegro refused the file %(name)s (%(reason)s); nothing was sent."),
                name=name, reason=exc.user_message or f"HTTP {exc.status}",
            ) from exc
        except AllegroError as exc:
            log.info("upload of %s failed: %s", name, exc)
            raise DeskError(
                N_("The file %(name)s could not be uploaded to Allegro; nothing was sent. Try again."),
                name=name,
            ) from exc
        uploaded.append({"id": upload.id, "file_name": name})
    return uploaded


def after_attempt(client, issue: Issue, message: OutboxMessage, agent_id: int | None) -> None:
    if message.state is OutboxState.FAILED:
        # e.g. 409: the chat closed meanwhile; show Allegro's current state next to the kept draft
        try:
            if issue.is_thread:
                refresh_thread(client, issue, utcnow())
            else:
                refresh_issue(client, issue, utcnow(), chat=False)
            db.session.commit()
        except AllegroError:
            db.session.rollback()
    elif agent_id is not None:
        issue_presence.done_writing(issue.id, agent_id)


# --- shared -------------------------------------------------------------------------------------


def pending_writes(issue: Issue) -> list[OutboxMessage]:
    """Writes of this issue not yet known as sent (newest first). A refused one stays (its text is the
    agent's draft) until it is discarded or a later write of the same kind went through."""
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.account_id == issue.account_id,
            OutboxMessage.target_id == issue.allegro_id,
            OutboxMessage.kind.in_((MESSAGE, DECISION, thread_replies.REPLY)),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(20)
    ).all()
    last_sent = {}
    for row in rows:
        if row.state is OutboxState.SENT:
            last_sent.setdefault(row.kind, row.id)
    return [
        row
        for row in rows
        if row.state is not OutboxState.SENT
        and not (row.state is OutboxState.FAILED and row.id < last_sent.get(row.kind, 0))
        and not row.payload.get("discarded_at")
    ]


def retry_write(gateway: AllegroGateway, *, issue_id: int, message_id: int, account_ids: set[int] | None):
    """Send a refused or waiting write of this issue again (same key, confirmed first). Commits."""
    issue = visible_issue(issue_id, account_ids)
    row = db.session.get(OutboxMessage, message_id)
    if row is None or row.target_id != issue.allegro_id or row.account_id != issue.account_id:
        raise NotFoundError(N_("This write does not exist."))
    outbox.retry(row.id)
    row = outbox.deliver(gateway, row.id, HANDLERS)
    after_attempt(gateway.client_for(issue.account_id), issue, row, None)
    return row


def discard_write(*, issue_id: int, message_id: int, account_ids: set[int] | None) -> None:
    """Forget a refused write the agent no longer wants (its text stays in the audit of the outbox)."""
    issue = visible_issue(issue_id, account_ids)
    row = db.session.get(OutboxMessage, message_id)
    if row is None or row.target_id != issue.allegro_id or row.account_id != issue.account_id:
        raise NotFoundError(N_("This write does not exist."))
    if row.state is not OutboxState.FAILED:
        return
    row.payload = {**row.payload, "discarded_at": dt.datetime.now(dt.UTC).isoformat()}
    db.session.commit()
