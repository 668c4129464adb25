"""Turn `/messaging` JSON objects (public.v1 and beta.v1) into the DTOs of `models_messaging.py`.

The lenient parser: answers are first read by msgspec (`_wire_messaging.py`); this one reads what
that reader leaves to it, one list element at a time. Only what identifies an entry is demanded
(a thread's id and read flag; a message's id, time, status and type). Enum values are kept as
text whatever they are: Allegro's own lists conflict (author roles, allegro-api#13797 against the
swagger of Sept 2026) and `subType` values were published only in an issue thread (#13970).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from integrations.allegro._parse_issues import attachment_id, lenient_timestamp
from integrations.allegro._records import parse_each
from integrations.allegro._values import Json, boolean, integer, items, obj, required_text, text
from integrations.allegro.errors import AllegroResponseError
from integrations.allegro.models_messaging import (
    COMMON,
    Message,
    MessageAttachment,
    MessageAuthor,
    MessagePage,
    Thread,
    ThreadOrder,
    ThreadOrderOffer,
    ThreadPage,
    ThreadParticipant,
)


def read_flag(value: Any, where: str) -> bool:
    """`read`: a boolean; the public spec's example gives the string 'false', so strings are read too."""
    found = boolean(value)
    if found is None and isinstance(value, str) and value.lower() in ("true", "false"):
        found = value.lower() == "true"
    if found is None:
        raise AllegroResponseError(f"{where}: missing or unreadable 'read'")
    return found


def parse_thread(data: Json) -> Thread:
    """Thread (public.v1) or ThreadVBeta1: the shape is told by the fields present."""
    thread_id = required_text(data, "id", "thread")
    where = f"thread {thread_id}"
    participants = tuple(_participant(p) for p in items(data.get("participants")))
    interlocutor = text(obj(data.get("interlocutor")).get("login"))
    if interlocutor is None:  # beta: the buyer, when the thread names one (never in a COMMON thread)
        interlocutor = next((p.login for p in participants if p.role == "BUYER"), None)
    return Thread(
        id=thread_id,
        read=read_flag(data.get("read"), where),
        # public.v1 has no type: every thread it shows reads as a common one
        type=text(data.get("type")) or COMMON,
        status=text(data.get("status")),
        sub_type=text(data.get("subType")),
        created_at=_time(data, "createdAt", where),
        last_message_at=_time(data, "lastMessageDateTime", where),
        interlocutor_login=interlocutor,
        participants=participants,
        orders=tuple(_order(o, where) for o in items(data.get("orders"))),
    )


def parse_threads(body: Json, parse: Callable[[Json], Thread] | None = None) -> ThreadPage:
    """GET /messaging/threads in either version; unreadable threads are set aside."""
    threads, rejected = parse_each(body.get("threads"), parse or parse_thread, "thread")
    return ThreadPage(threads=threads, rejected=rejected, next_page_id=next_page_id(body))


def parse_message(data: Json, thread_id: str | None = None) -> Message:
    """Message (public.v1) or MessageVBeta1; `thread_id` fills in what beta does not say."""
    message_id = required_text(data, "id", "message")
    where = f"message {message_id}"
    created_at = _time(data, "createdAt", where)
    if created_at is None:
        raise AllegroResponseError(f"{where}: missing 'createdAt'")
    relates, extra = obj(data.get("relatesTo")), obj(data.get("additionalInformation"))
    return Message(
        id=message_id,
        thread_id=text(obj(data.get("thread")).get("id")) or thread_id,
        status=required_text(data, "status", where),
        type=required_text(data, "type", where),
        created_at=created_at,
        author=parse_author(data.get("author")),
        text=text(data.get("text")) or "",
        subject=text(data.get("subject")),
        # both may be null: real MAIL messages carry neither (allegro-api#12675)
        offer_id=text(obj(relates.get("offer")).get("id")),
        order_id=text(obj(relates.get("order")).get("id")),
        has_additional_attachments=boolean(data.get("hasAdditionalAttachments")) or False,
        attachments=tuple(_attachment(a) for a in items(data.get("attachments"))),
        vin=text(extra.get("vin")),
    )


def parse_messages(
    body: Json, thread_id: str | None, parse: Callable[[Json], Message] | None = None
) -> MessagePage:
    """GET /messaging/threads/{threadId}/messages in either version, in the order Allegro sent.

    That order is not published for either version, so callers sort by `created_at` themselves.
    """
    reader = parse or (lambda data: parse_message(data, thread_id))
    messages, rejected = parse_each(body.get("messages"), reader, "thread_message")
    return MessagePage(messages=messages, rejected=rejected, next_page_id=next_page_id(body))


def parse_author(value: Any) -> MessageAuthor:
    """MessageAuthor {login, isInterlocutor} or MessageAuthorVBeta1 {role, login}."""
    data = obj(value)
    return MessageAuthor(
        role=text(data.get("role")),
        login=text(data.get("login")),
        is_interlocutor=boolean(data.get("isInterlocutor")),
    )


def next_page_id(body: Json) -> str | None:
    """beta's `nextPage.id` (null on the last page); None for public.v1, which has no cursor."""
    return text(obj(body.get("nextPage")).get("id")) or None


def _participant(data: Json) -> ThreadParticipant:
    return ThreadParticipant(role=text(data.get("role")) or "USER", login=text(data.get("login")))


def _order(data: Json, where: str) -> ThreadOrder:
    offers = tuple(
        ThreadOrderOffer(id=required_text(o, "id", f"{where} offer"), quantity=integer(o.get("quantity")))
        for o in items(data.get("offers"))
    )
    return ThreadOrder(id=required_text(data, "id", f"{where} order"), offers=offers)


def _attachment(data: Json) -> MessageAttachment:
    url = text(data.get("url"))
    # public.v1 gives no id: the download id is the last segment of the (non-public) url
    key = text(data.get("id")) or (attachment_id(url) if url else None)
    return MessageAttachment(
        id=key or None,
        file_name=text(data.get("fileName")) or key or "",
        mime_type=text(data.get("mimeType")),
        url=url,
        status=text(data.get("status")) or "NEW",
    )


def _time(data: Json, key: str, where: str) -> Any:
    """A date-time field: absent or null is None, present but unreadable is an error."""
    value = data.get(key)
    if value is None:
        return None
    parsed = lenient_timestamp(value)
    if parsed is None:
        raise AllegroResponseError(f"{where}: unreadable {key!r}: {value!r}")
    return parsed
