"""Answering a buyer in a Message Center thread, exactly once.

The reply is recorded as an outbox row (the form's idempotency key) with its files kept in the
desk, then delivered at once; the outbox paces sends (one per second per account) and confirms an
unknown outcome by reading the thread before any retry. A refused or failed send keeps the text
and the files: the conversation page offers them again.
"""
from __future__ import annotations

import logging

from desk.extensions import db
from desk.models import SellerAccount
from desk.models.issue import Issue, ReplyFile
from desk.orm import utcnow
from desk.services import outbox
from desk.services.errors import N_, ValidationError
from desk.services.issues.threads.store import thread_key
from desk.services.issues.threads.sync import refresh_thread
from desk.services.issues.threads.writes import REPLY
from desk.services.issues.uploads import Upload, check_uploads
from integrations.allegro import AllegroError
from integrations.allegro.models_messaging import (
    ATTACHMENT_CONTENT_TYPES,
    ATTACHMENT_MAX_BYTES,
    MESSAGE_TEXT_MAX,
)

log = logging.getLogger(__name__)
THREAD_TEXT_MAX = MESSAGE_TEXT_MAX


def check_thread_files(uploads: list[Upload]) -> list[tuple[str, bytes, str]]:
    """The files Allegro's Message Center accepts (5 MB; pictures and PDF)."""
    return check_uploads(uploads, max_bytes=ATTACHMENT_MAX_BYTES, content_types=ATTACHMENT_CONTENT_TYPES)


def check_thread_text(body: str, files: list) -> None:
    """Refuse an empty message and one longer than Allegro takes, in Polish."""
    if len(body) > THREAD_TEXT_MAX:
        raise ValidationError(
            N_("A Message Center message may have at most %(max)d characters (this one has %(count)d)."),
            max=THREAD_TEXT_MAX, count=len(body),
        )
    if not body:
        raise ValidationError(N_("Write the message: Allegro does not send files without text."))


def keep_files(message_id: int, issue_id: int | None, agent_id: int | None, files) -> None:
    """Store the checked files with the outbox row (flushes only)."""
    for name, data, kind in files:
        db.session.add(ReplyFile(
            issue_id=issue_id, outbox_id=message_id, agent_id=agent_id, file_name=name,
            content_type=kind, size=len(data), data=data,
        ))


def enqueue_reply(
    issue: Issue, *, body: str, files, agent_id: int | None, key: str
):
    """Record the reply and its files (commits); the same key returns the row already recorded."""
    existing = outbox.find_by_key(key)
    if existing is not None:
        return existing
    account = db.session.get(SellerAccount, issue.account_id)
    message = outbox.enqueue(
        account_id=issue.account_id,
        kind=REPLY,
        target_id=issue.allegro_id,
        payload={
            "issue_id": issue.id,
            "text": body,
            "own_login": account.allegro_login if account else None,
            "attachments": [{"file_name": name} for name, _data, _kind in files],
        },
        idempotency_key=key,
        agent_id=agent_id,
    )
    if files and not _has_files(message.id):
        keep_files(message.id, issue.id, agent_id, files)
        db.session.commit()
    return message


def _has_files(outbox_id: int) -> bool:
    return db.session.query(ReplyFile.id).filter(ReplyFile.outbox_id == outbox_id).first() is not None


def thread_moved(client, issue: Issue, seen_key: str | None) -> bool:
    """True (and the new state stored) when the thread is not the one the agent saw."""
    if not seen_key:
        return False
    try:
        dto = client.get_thread(issue.allegro_id)
    except AllegroError as exc:  # cannot check now: the outbox still sends exactly once
        log.info("send-time check of thread %s failed: %s", issue.allegro_id, exc)
        return False
    # the key's first part is the last message time; the read flag and status may change freely
    seen_last = seen_key.split("|", 1)[0]
    if thread_key(dto).split("|", 1)[0] == seen_last:
        return False
    try:
        refresh_thread(client, issue, utcnow())
        db.session.commit()
    except AllegroError as exc:
        db.session.rollback()
        log.info("re-read of thread %s failed: %s", issue.allegro_id, exc)
    return True
