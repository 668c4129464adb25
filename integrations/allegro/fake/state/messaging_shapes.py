"""The fake Message Center's records and how each version (public.v1, beta.v1) shows them.

Records are plain dataclasses changed only under the state's lock; answers are rendered from
them inside the lock, so a request never sees half a change. Field names of the rendered JSON are
the spec's (`spec/allegro-messaging-2026-09.yaml`).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import random
import string
from dataclasses import dataclass, field
from typing import Any

from integrations.allegro.fake.errors import validation_error
from integrations.allegro.fake.timeutil import iso

COMMON, POST_PURCHASE_ISSUE = "COMMON", "POST_PURCHASE_ISSUE"
# buyer messages in these states are not shown to the seller (allegro-api#13925: VERIFYING;
# a BLOCKED message is seen by its sender only)
HIDDEN_STATUSES = frozenset({"VERIFYING", "BLOCKED"})
ATTACHMENT_URL = "https://upload.allegro.pl/message-center/message-attachments/"
AVATAR_URL = "https://a.allegroimg.com/original/12c30c/0d4b068640de9b0daf22af9d97c5"
# public.v1 requires an author login; Allegro's own authors have none in beta
ALLEGRO_LOGIN = "Allegro"
_ID_ALPHABET = string.ascii_letters + string.digits


@dataclass(slots=True)
class MessagingThread:
    """A thread between one seller and one buyer; `orders` only for post-purchase problems."""

    id: str
    seller_id: str
    seller_login: str
    buyer_login: str
    type: str
    sub_type: str | None
    status: str
    created_at: dt.datetime
    read: bool = False
    orders: list[dict[str, Any]] = field(default_factory=list)
    not_found_reads: int = 0  # the next reads answer THREAD_NOT_FOUND (test handle)


@dataclass(slots=True)
class MessagingMessage:
    """A message; `publish_at` is when Allegro shows it, which can be long after `created_at`."""

    id: str
    thread_id: str
    role: str
    login: str | None
    type: str
    status: str
    created_at: dt.datetime
    publish_at: dt.datetime
    text: str
    subject: str | None = None
    offer_id: str | None = None
    order_id: str | None = None
    has_additional_attachments: bool = False
    attachment_ids: list[str] = field(default_factory=list)
    vin: str | None = None
    deleted: bool = False

    def published(self, now: dt.datetime) -> bool:
        """Shown to the seller at `now` (deleted or not): published, and not held by moderation."""
        return self.publish_at <= now and (self.role == "SELLER" or self.status not in HIDDEN_STATUSES)

    def visible(self, now: dt.datetime) -> bool:
        """Listed and readable by the seller at `now`."""
        return not self.deleted and self.published(now)


@dataclass(slots=True)
class MessagingAttachment:
    """A declared (and, once `data` is set, uploaded) file; `owner` is the seller who may use it."""

    id: str
    owner: str | None
    file_name: str
    size: int
    content_type: str | None = None
    data: bytes | None = None
    uploaded_at: dt.datetime | None = None
    status: str = "SAFE"


def new_thread_id(rng: random.Random) -> str:
    """An opaque 43-character id like the ones Allegro gives threads."""
    return "".join(rng.choice(_ID_ALPHABET) for _ in range(43))


def encode_cursor(last: dt.datetime | None, position: int) -> str:
    """An opaque `nextPage.id` shaped like Allegro's example (a time and a sequence, base64)."""
    stamp = iso(last) if last is not None else "-"
    return base64.b64encode(f"p={stamp};s={position}".encode()).decode()


def decode_cursor(page_id: str | None) -> int:
    """The position a `page.id` points at; 422 for one the fake never gave out."""
    if page_id is None:
        return 0
    try:
        text = base64.b64decode(page_id.encode(), validate=True).decode()
        position = int(text.rsplit(";s=", 1)[1])
    except (binascii.Error, UnicodeDecodeError, IndexError, ValueError):
        raise validation_error("Invalid page identifier", path="page.id") from None
    if position < 0:
        raise validation_error("Invalid page identifier", path="page.id")
    return position


def thread_json(thread: MessagingThread, last: dt.datetime, *, beta: bool) -> dict[str, Any]:
    """ThreadVBeta1 or Thread, with the last message time as the seller sees it."""
    if not beta:
        return {
            "id": thread.id,
            "read": thread.read,
            "lastMessageDateTime": iso(last),
            "interlocutor": {"login": thread.buyer_login, "avatarUrl": AVATAR_URL},
        }
    problem = thread.type == POST_PURCHASE_ISSUE
    buyer_role, seller_role = ("BUYER", "SELLER") if problem else ("USER", "USER")
    shown: dict[str, Any] = {
        "id": thread.id,
        "type": thread.type,
        "read": thread.read,
        "createdAt": iso(thread.created_at),
        "lastMessageDateTime": iso(last),
        "participants": [
            {"role": buyer_role, "login": thread.buyer_login},
            {"role": seller_role, "login": thread.seller_login},
        ],
        "status": thread.status,
    }
    if problem:
        shown["orders"] = [dict(order) for order in thread.orders]
        shown["subType"] = thread.sub_type
    return shown


def message_json(
    message: MessagingMessage, attachments: list[MessagingAttachment], *, beta: bool
) -> dict[str, Any]:
    """MessageVBeta1 or Message."""
    files = [_attachment_json(a, beta=beta) for a in attachments]
    related = {
        "offer": {"id": message.offer_id} if message.offer_id else None,
        # public.v1 declares order non-nullable, yet MAIL messages carry null (allegro-api#12675)
        "order": {"id": message.order_id} if message.order_id else None,
    }
    extra = {"vin": message.vin} if message.vin else None
    shown: dict[str, Any] = {
        "id": message.id,
        "status": message.status,
        "type": message.type,
        "createdAt": iso(message.created_at),
    }
    if beta:
        shown["author"] = {"role": message.role, "login": message.login}
    else:
        shown["thread"] = {"id": message.thread_id}
        shown["author"] = {
            "login": message.login or ALLEGRO_LOGIN,
            "isInterlocutor": message.role != "SELLER",
        }
    shown.update(
        text=message.text,
        subject=message.subject,
        relatesTo=related,
        hasAdditionalAttachments=message.has_additional_attachments,
        attachments=files,
        additionalInformation=extra,
    )
    return shown


def _attachment_json(attachment: MessagingAttachment, *, beta: bool) -> dict[str, Any]:
    shown = {
        "fileName": attachment.file_name,
        "mimeType": attachment.content_type,
        "url": ATTACHMENT_URL + attachment.id,
        "status": attachment.status,
    }
    return {"id": attachment.id, **shown} if beta else shown
