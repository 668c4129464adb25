"""Message Center answers decoded by msgspec, in C, straight from the answer's bytes.

One set of structs reads both versions (public.v1 and beta.v1): each struct holds the union of
both shapes' fields, all optional, and the functions only move values into the DTOs of
`models_messaging.py`. Anything unusual (a missing id or flag, a time not in UTC, the string
'false' of the public spec's example, a number for an id) makes msgspec or these functions miss,
and the answer is read again by `_parse_messaging.py`, one element at a time.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from integrations.allegro import _parse_messaging
from integrations.allegro._parse_issues import attachment_id
from integrations.allegro._records import Unusual, fast_or_lenient, utc
from integrations.allegro._values import Json
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


class _Wire(msgspec.Struct, rename="camel", gc=False):
    """A part of Allegro's JSON, read once and dropped."""


class _Ref(_Wire):
    id: str | None = None


class _Login(_Wire):
    login: str | None = None


class _Participant(_Wire):
    role: str | None = None
    login: str | None = None


class _Offer(_Wire):
    id: str | None = None
    quantity: int | None = None


class _Order(_Wire):
    id: str | None = None
    offers: tuple[_Offer, ...] = ()


class _Thread(_Wire):
    id: str
    read: bool
    type: str | None = None
    status: str | None = None
    sub_type: str | None = None
    created_at: dt.datetime | None = None
    last_message_date_time: dt.datetime | None = None
    interlocutor: _Login | None = None
    participants: tuple[_Participant, ...] = ()
    orders: tuple[_Order, ...] | None = None


class _ThreadPage(_Wire):
    threads: tuple[_Thread, ...] = ()
    next_page: _Ref | None = None


class _Author(_Wire):
    role: str | None = None
    login: str | None = None
    is_interlocutor: bool | None = None


class _Related(_Wire):
    offer: _Ref | None = None
    order: _Ref | None = None


class _Attachment(_Wire):
    id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    url: str | None = None
    status: str | None = None


class _Extra(_Wire):
    vin: str | None = None


class _Message(_Wire):
    id: str
    status: str
    type: str
    created_at: dt.datetime
    thread: _Ref | None = None
    author: _Author | None = None
    text: str | None = None
    subject: str | None = None
    relates_to: _Related | None = None
    has_additional_attachments: bool | None = None
    attachments: tuple[_Attachment, ...] = ()
    additional_information: _Extra | None = None


class _MessagePage(_Wire):
    messages: tuple[_Message, ...] = ()
    next_page: _Ref | None = None


class _ReadFlag(_Wire):
    read: bool


_NO_REF = _Ref()
_NO_AUTHOR = _Author()
_NO_RELATED = _Related()
_NO_EXTRA = _Extra()

_THREAD = msgspec.json.Decoder(_Thread)
_THREAD_PAGE = msgspec.json.Decoder(_ThreadPage)
_MESSAGE = msgspec.json.Decoder(_Message)
_MESSAGE_PAGE = msgspec.json.Decoder(_MessagePage)
_READ_FLAG = msgspec.json.Decoder(_ReadFlag)


def thread_page(content: bytes) -> ThreadPage:
    """GET /messaging/threads (either version), from the answer's bytes."""
    page = _THREAD_PAGE.decode(content)
    return ThreadPage(threads=tuple(map(_thread, page.threads)), next_page_id=_cursor(page.next_page))


def thread(content: bytes) -> Thread:
    """GET /messaging/threads/{threadId} and public.v1's PUT …/read, from the answer's bytes."""
    return _thread(_THREAD.decode(content))


def read_flag(content: bytes) -> bool:
    """beta.v1's PUT …/read answer `{read}` (public.v1 answers a Thread, which has `read` too)."""
    return _READ_FLAG.decode(content).read


def message_page(content: bytes, thread_id: str | None) -> MessagePage:
    """GET /messaging/threads/{threadId}/messages (either version), from the answer's bytes."""
    page = _MESSAGE_PAGE.decode(content)
    messages = tuple(_message(w, thread_id) for w in page.messages)
    return MessagePage(messages=messages, next_page_id=_cursor(page.next_page))


def message(content: bytes, thread_id: str | None = None) -> Message:
    """One Message / MessageVBeta1 (GET, and the 201 answers of both POSTs)."""
    return _message(_MESSAGE.decode(content), thread_id)


def _thread(w: _Thread) -> Thread:
    if not w.id:
        raise Unusual
    participants = tuple(ThreadParticipant(role=p.role or "USER", login=p.login) for p in w.participants)
    interlocutor = w.interlocutor.login if w.interlocutor is not None else None
    if interlocutor is None:  # see _parse_messaging.parse_thread
        interlocutor = next((p.login for p in participants if p.role == "BUYER"), None)
    return Thread(
        id=w.id,
        read=w.read,
        type=w.type or COMMON,
        status=w.status,
        sub_type=w.sub_type,
        created_at=utc(w.created_at),
        last_message_at=utc(w.last_message_date_time),
        interlocutor_login=interlocutor,
        participants=participants,
        orders=tuple(_order(o) for o in w.orders or ()),
    )


def _order(w: _Order) -> ThreadOrder:
    if not w.id or any(not o.id for o in w.offers):
        raise Unusual
    return ThreadOrder(id=w.id, offers=tuple(ThreadOrderOffer(o.id or "", o.quantity) for o in w.offers))


def _message(w: _Message, thread_id: str | None) -> Message:
    if not (w.id and w.status and w.type):
        raise Unusual
    author, related = w.author or _NO_AUTHOR, w.relates_to or _NO_RELATED
    return Message(
        id=w.id,
        thread_id=(w.thread or _NO_REF).id or thread_id,
        status=w.status,
        type=w.type,
        created_at=utc(w.created_at),
        author=MessageAuthor(role=author.role, login=author.login, is_interlocutor=author.is_interlocutor),
        text=w.text or "",
        subject=w.subject,
        offer_id=(related.offer or _NO_REF).id,
        order_id=(related.order or _NO_REF).id,
        has_additional_attachments=bool(w.has_additional_attachments),
        attachments=tuple(map(_attachment, w.attachments)),
        vin=(w.additional_information or _NO_EXTRA).vin,
    )


def _attachment(w: _Attachment) -> MessageAttachment:
    key = w.id or (attachment_id(w.url) if w.url else None)  # see _parse_messaging._attachment
    return MessageAttachment(
        id=key or None,
        file_name=w.file_name or key or "",
        mime_type=w.mime_type,
        url=w.url,
        status=w.status or "NEW",
    )


def _cursor(w: _Ref | None) -> str | None:
    return (w.id or None) if w is not None else None


# --- read again by the lenient parser ------------------------------------------------------------

read_thread = fast_or_lenient(_Thread, _thread, _parse_messaging.parse_thread)


def lenient_thread_page(body: Json) -> ThreadPage:
    """The page read by the lenient parser, each thread still tried fast first."""
    return _parse_messaging.parse_threads(body, parse=read_thread)


def message_reader(thread_id: str | None):
    """A parser of one message's JSON object (fast first) that fills in `thread_id`."""
    return fast_or_lenient(
        _Message,
        lambda w: _message(w, thread_id),
        lambda data: _parse_messaging.parse_message(data, thread_id),
    )


def lenient_message_page(body: Json, thread_id: str | None) -> MessagePage:
    """The page read by the lenient parser, each message still tried fast first."""
    return _parse_messaging.parse_messages(body, thread_id, parse=message_reader(thread_id))
