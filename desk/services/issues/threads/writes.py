"""Outbox kinds for Message Center threads: a reply ("thread_message"), a new thread to a buyer
about an order ("thread_start") and the read flag ("thread_read").

Neither POST is idempotent on Allegro, so an attempt whose outcome is unknown is confirmed by
reading first: a reply by a seller message with the same text in the thread, created after the
outbox row and not credited to another row; a new thread by the same search among the newest
threads with that buyer. Both POSTs are limited by Allegro to one per second per user, so their
sends are paced (outbox.Handler.pace); a 429 waits for its Retry-After like any other.

Files are kept in the desk (ReplyFile rows) until the message is on Allegro, and uploaded again on
every attempt: a failed send keeps the agent's draft and its files for a retry.
"""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select

from desk.extensions import db
from desk.models import OutboxMessage
from desk.models.issue import Issue, IssueMessage, ReplyFile
from desk.orm import utcnow
from desk.services import outbox
from desk.services.issues.threads.store import load_threads, new_thread
from desk.services.issues.threads.sync import read_messages, refresh_thread
from integrations.allegro import AllegroClient, AllegroError
from integrations.allegro.models_messaging import Message as MessageDTO

log = logging.getLogger(__name__)
REPLY, START, READ = "thread_message", "thread_start", "thread_read"
PACE = dt.timedelta(seconds=1)  # Allegro: 1 request/s per user on both POSTs that create messages
CLOCK_SKEW = dt.timedelta(minutes=2)
THREADS_TO_SEARCH = 2  # pages of newest threads searched to confirm a new thread


def normalize_text(text: str | None) -> str:
    """The text as sent and as compared: Unix line ends, no trailing blanks."""
    return "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n")).strip()


# --- files --------------------------------------------------------------------------------------


def upload_files(client: AllegroClient, outbox_id: int) -> list[str]:
    """Declare and upload the write's kept files; the attachment ids to cite (fresh every attempt)."""
    files = db.session.scalars(
        select(ReplyFile).where(ReplyFile.outbox_id == outbox_id).order_by(ReplyFile.id)
    ).all()
    ids = []
    for kept in files:
        attachment_id = client.declare_message_attachment(kept.file_name, kept.size)
        client.upload_message_attachment(attachment_id, kept.data, kept.content_type)
        ids.append(attachment_id)
    return ids


def _file_names(outbox_id: int) -> list[str]:
    return sorted(db.session.scalars(select(ReplyFile.file_name).where(ReplyFile.outbox_id == outbox_id)))


def _result(sent: MessageDTO, **extra) -> dict:
    return {"message_id": sent.id, "thread_id": sent.thread_id, "created_at": sent.created_at.isoformat(),
            "status": sent.status, **extra}


def _ours(message: MessageDTO, own_login: str | None) -> bool:
    return message.author.is_seller(own_login)


def _matches(entry: MessageDTO, message: OutboxMessage, own_login: str | None, credited: set[str]) -> bool:
    """A seller message on Allegro that is this write: same text and file names, written after it."""
    if not _ours(entry, own_login) or entry.id in credited:
        return False
    if entry.created_at < message.created_at - CLOCK_SKEW:
        return False
    if normalize_text(entry.text) != normalize_text(message.payload.get("text")):
        return False
    return sorted(a.file_name for a in entry.attachments) == _file_names(message.id)


def _credited(account_id: int, outbox_id: int) -> set[str]:
    """Allegro ids of messages already credited to other outbox rows (identical texts sent twice on
    purpose must not confirm each other)."""
    rows = db.session.scalars(
        select(IssueMessage.allegro_id)
        .join(Issue, Issue.id == IssueMessage.issue_id)
        .where(Issue.account_id == account_id, IssueMessage.outbox_id.is_not(None),
               IssueMessage.outbox_id != outbox_id)
    )
    return set(rows)


def _own_login(message: OutboxMessage) -> str | None:
    return message.payload.get("own_login")


# --- reply in a thread --------------------------------------------------------------------------


def _send_reply(client: AllegroClient, message: OutboxMessage) -> dict:
    ids = upload_files(client, message.id)
    sent = client.reply_in_thread(message.target_id, text=message.payload["text"], attachment_ids=ids)
    return _result(sent)


def _confirm_reply(client: AllegroClient, message: OutboxMessage) -> dict | None:
    messages, _complete = read_messages(client, message.target_id, stop_at_known=set(), complete=True)
    credited = _credited(message.account_id, message.id)
    for entry in sorted(messages, key=lambda m: m.created_at, reverse=True):
        if _matches(entry, message, _own_login(message), credited):
            return {**_result(entry), "confirmed": True}
    return None


def _after(client: AllegroClient, message: OutboxMessage) -> None:
    """Show the sent message in the desk at once, credited to the agent and the outbox row."""
    issue = _thread_of(message)
    if issue is None:
        return
    try:
        refresh_thread(client, issue, utcnow())
    except AllegroError as exc:  # the write is done; the next sync brings the copy up to date
        log.info("re-read of thread %s after a send failed: %s", issue.allegro_id, exc)
    result = message.result or {}
    ours = next((m for m in issue.messages if m.allegro_id == result.get("message_id")), None)
    if ours is not None:
        ours.sent_by_agent_id = message.created_by
        ours.outbox_id = message.id
    db.session.flush()


def _thread_of(message: OutboxMessage) -> Issue | None:
    issue_id = message.payload.get("issue_id")
    if issue_id is not None:
        return db.session.get(Issue, issue_id)
    thread_id = (message.result or {}).get("thread_id")
    if not thread_id:
        return None
    return load_threads(message.account_id, [thread_id]).get(thread_id)


# --- a new thread to a buyer --------------------------------------------------------------------


def _send_start(client: AllegroClient, message: OutboxMessage) -> dict:
    payload = message.payload
    ids = upload_files(client, message.id)
    sent = client.send_message(
        recipient_login=payload["recipient_login"], order_id=payload["order_id"], text=payload["text"],
        attachment_ids=ids,
    )
    return _result(sent)


def _confirm_start(client: AllegroClient, message: OutboxMessage) -> dict | None:
    """Search the newest threads with this buyer for our message (a new message moves its thread
    to the top of the list)."""
    recipient = (message.payload.get("recipient_login") or "").casefold()
    credited = _credited(message.account_id, message.id)
    page_id = None
    for _ in range(THREADS_TO_SEARCH):
        page = client.list_threads(page_id=page_id)
        for thread in page.threads:
            if (thread.other_login(_own_login(message)) or "").casefold() != recipient:
                continue
            messages, _complete = read_messages(client, thread.id, stop_at_known=set(), complete=True)
            for entry in messages:
                if _matches(entry, message, _own_login(message), credited):
                    return {**_result(entry), "thread_id": thread.id, "confirmed": True}
        if page.next_page_id is None:
            return None
        page_id = page.next_page_id
    return None


def _after_start(client: AllegroClient, message: OutboxMessage) -> None:
    """Bring the new thread into the desk at once (its id is in the answer only in public.v1;
    otherwise it is the buyer's newest thread holding our message)."""
    result = dict(message.result or {})
    if not result.get("thread_id"):
        result["thread_id"] = _find_thread(client, message, result.get("message_id"))
        message.result = result
    thread_id = result.get("thread_id")
    if thread_id and not load_threads(message.account_id, [thread_id]):
        new_thread(message.account_id, thread_id, utcnow())
        db.session.flush()
    _after(client, message)


def _find_thread(client: AllegroClient, message: OutboxMessage, message_id: str | None) -> str | None:
    recipient = (message.payload.get("recipient_login") or "").casefold()
    try:
        page = client.list_threads()
        for thread in page.threads:
            if (thread.other_login(_own_login(message)) or "").casefold() != recipient:
                continue
            messages, _complete = read_messages(client, thread.id, stop_at_known=set(), complete=False)
            if any(m.id == message_id for m in messages):
                return thread.id
    except AllegroError as exc:  # the next sync finds the thread anyway
        log.info("thread of new message %s not found now: %s", message_id, exc)
    return None


# --- read flag ----------------------------------------------------------------------------------


def _send_read(client: AllegroClient, message: OutboxMessage) -> dict:
    return {"read": client.mark_thread_read(message.target_id, read=True)}


def _confirm_read(client: AllegroClient, message: OutboxMessage) -> dict | None:
    return {"read": True, "confirmed": True} if client.get_thread(message.target_id).read else None


def _after_read(client: AllegroClient, message: OutboxMessage) -> None:
    issue = _thread_of(message)
    if issue is not None:
        issue.allegro_read = True
        db.session.flush()


PACED = frozenset({REPLY, START})
HANDLERS: outbox.Handlers = {
    REPLY: outbox.Handler(
        send=_send_reply, confirm=_confirm_reply, after=_after, pace=PACE, pace_kinds=PACED
    ),
    START: outbox.Handler(
        send=_send_start, confirm=_confirm_start, after=_after_start, pace=PACE, pace_kinds=PACED
    ),
    # setting a flag twice is harmless: no confirmation needed after a 5xx
    READ: outbox.Handler(send=_send_read, confirm=_confirm_read, after=_after_read, confirm_after_5xx=False),
}
