"""Message Center part of the fake (`/messaging`): threads, messages, attachments, and the test
handles that reproduce what integrators meet on the real one:

- messages published long after their `createdAt` (`publish_at`, allegro-api#13907), and buyer
  messages held in VERIFYING, invisible to the seller until released (#13925);
- deleted messages gone from lists and GET while the thread keeps its `lastMessageDateTime`
  (#11411, #12489); a listed thread answering THREAD_NOT_FOUND (#13123);
- 429 for a second send within a second per user (#5438), on the state's clock;
- attachment limits, the 2000-character text, the mandatory order of a new message (#10383),
  THREAD_CLOSED in a closed post-purchase problem; reading never flips `read` (#8736).

A thread is listed once it holds a message the seller can see (or could, before it was deleted).
Request shapes are checked by `routes.messaging`; the rules that depend on the state live here.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections.abc import Callable, Iterable
from typing import Any

from integrations.allegro.fake.errors import ApiError, not_found, validation_error
from integrations.allegro.fake.state.form_factory import new_uuid
from integrations.allegro.fake.state.messaging_shapes import (
    COMMON,
    POST_PURCHASE_ISSUE,
    MessagingAttachment,
    MessagingMessage,
    MessagingThread,
    encode_cursor,
    message_json,
    new_thread_id,
    thread_json,
)
from integrations.allegro.fake.state.orders_index import OrderIndex
from integrations.allegro.fake.timeutil import to_utc, truncate_ms

ATTACHMENT_TYPES = frozenset(
    {"image/png", "image/gif", "image/bmp", "image/tiff", "image/jpeg", "application/pdf"}
)
ATTACHMENT_EXTENSIONS = frozenset({"png", "gif", "bmp", "tif", "tiff", "jpg", "jpeg", "pdf"})
ATTACHMENT_MAX_BYTES = 5_242_880
ATTACHMENT_RETENTION = dt.timedelta(days=183)  # "attachments uploaded within the last 6 months"
TEXT_MAX = 2000
SEND_INTERVAL = dt.timedelta(seconds=1)  # both POSTs: 1 request per second per user
_THREAD = object()  # "the thread's own" default of a message's offer and order


def _thread_not_found(thread_id: str) -> ApiError:
    return ApiError(404, "THREAD_NOT_FOUND", f"No thread with such Id [{thread_id}]")


class MessagingStateMixin:
    """Threads, messages and attachments of the fake; mixed into FakeAllegroState."""

    _lock: threading.RLock
    _rng: random.Random
    _index: OrderIndex
    now: Callable[[], dt.datetime]
    sellers: dict[str, dict[str, Any]]
    checkout_forms: dict[str, dict[str, Any]]

    def _init_messaging(self) -> None:
        """Called by FakeAllegroState.__init__."""
        self.threads: dict[str, MessagingThread] = {}
        self.thread_messages: dict[str, list[str]] = {}
        self.messages: dict[str, MessagingMessage] = {}
        self.message_attachments: dict[str, MessagingAttachment] = {}
        self._sent: dict[str, list[dict[str, Any]]] = {}
        self._last_send: dict[str, dt.datetime] = {}

    # -- arranging (test handle) -------------------------------------------------------------------

    def add_thread(
        self,
        seller_id: str,
        *,
        type: str = COMMON,
        sub_type: str | None = None,
        buyer_login: str | None = None,
        order_id: str | None = None,
        status: str = "OPEN",
        created_at: dt.datetime | None = None,
        read: bool = False,
        text: str | None = None,
    ) -> str:
        """Open a thread of `seller_id` with a buyer; returns its id.

        With `order_id` (one of the seller's checkout forms) the buyer is that order's buyer and a
        post-purchase problem lists the order and its offers; a problem without one gets a made-up
        order. `text` adds the buyer's first message at `created_at`; without any message the
        thread is not listed yet.
        """
        with self._lock:
            seller = self.sellers[seller_id]
            opened = truncate_ms(to_utc(created_at) if created_at is not None else self.now())
            orders: list[dict[str, Any]] = []
            if order_id is not None:
                form = self._seller_form(seller_id, order_id)
                buyer_login = buyer_login or form["buyer"]["login"]
                offers = [{"id": i["offer"]["id"], "quantity": i["quantity"]} for i in form["lineItems"]]
                orders = [{"id": order_id, "offers": offers}]
            elif type == POST_PURCHASE_ISSUE:
                orders = [{"id": new_uuid(self._rng), "offers": [{"id": self._offer_id(), "quantity": 1}]}]
            thread = MessagingThread(
                id=new_thread_id(self._rng),
                seller_id=seller_id,
                seller_login=seller["login"],
                buyer_login=buyer_login or f"client:{self._rng.randint(10_000_000, 99_999_999)}",
                type=type,
                sub_type=sub_type if type == POST_PURCHASE_ISSUE else None,
                status=status,
                created_at=opened,
                read=read,
                orders=orders if type == POST_PURCHASE_ISSUE else [],
            )
            self.threads[thread.id] = thread
            self.thread_messages[thread.id] = []
            if text is not None:
                self.add_thread_buyer_message(thread.id, text, created_at=opened)
            return thread.id

    def add_thread_buyer_message(
        self,
        thread_id: str,
        text: str,
        *,
        created_at: dt.datetime | None = None,
        publish_at: dt.datetime | None = None,
        status: str = "DELIVERED",
        attachments: Iterable[str] = (),
        type: str = "MESSAGE_CENTER",
        subject: str | None = None,
        role: str | None = None,
        offer_id: Any = _THREAD,
        order_id: Any = _THREAD,
        has_additional_attachments: bool = False,
        vin: str | None = None,
    ) -> str:
        """The buyer writes; returns the message id and marks the thread unread.

        `publish_at` (default `created_at`) is when the seller first sees it; `status="VERIFYING"`
        holds it until `release_message`. The author's role is BUYER in a problem and USER in a
        common thread unless `role` says otherwise; `attachments` are ids of `attach_message_file`.
        """
        with self._lock:
            thread = self.threads[thread_id]
            default_role = "BUYER" if thread.type == POST_PURCHASE_ISSUE else "USER"
            message = self._new_message(
                thread,
                role or default_role,
                thread.buyer_login,
                text,
                created_at,
                publish_at,
                status=status,
                type=type,
                subject=subject,
                offer_id=offer_id,
                order_id=order_id,
                attachment_ids=self._link_message_files(thread.seller_id, attachments),
                has_additional_attachments=has_additional_attachments,
                vin=vin,
            )
            thread.read = False
            return message.id

    def add_thread_allegro_message(
        self, thread_id: str, text: str, *, role: str = "CONSULTANT", created_at: dt.datetime | None = None
    ) -> str:
        """An Allegro advisor or the system writes (no login; `role` is kept whatever it is)."""
        with self._lock:
            thread = self.threads[thread_id]
            message = self._new_message(thread, role, None, text, created_at, None)
            thread.read = False
            return message.id

    def add_thread_seller_message(
        self, thread_id: str, text: str, *, created_at: dt.datetime | None = None
    ) -> str:
        """A message the seller wrote on Allegro's own pages (history; no API rule applies)."""
        with self._lock:
            thread = self.threads[thread_id]
            return self._new_message(thread, "SELLER", thread.seller_login, text, created_at, None).id

    def attach_message_file(
        self,
        file_name: str,
        data: bytes,
        content_type: str,
        *,
        uploaded_at: dt.datetime | None = None,
        status: str = "SAFE",
    ) -> str:
        """Store a buyer's file for `add_thread_buyer_message(attachments=...)`; returns its id."""
        if content_type not in ATTACHMENT_TYPES or not 0 < len(data) <= ATTACHMENT_MAX_BYTES:
            raise ValueError("an attachment is a file of an allowed type with 1 byte to 5 MiB")
        with self._lock:
            attachment = MessagingAttachment(
                id=new_uuid(self._rng),
                owner=None,
                file_name=file_name,
                size=len(data),
                content_type=content_type,
                data=bytes(data),
                uploaded_at=to_utc(uploaded_at) if uploaded_at is not None else self.now(),
                status=status,
            )
            self.message_attachments[attachment.id] = attachment
            return attachment.id

    def release_message(self, message_id: str, status: str = "DELIVERED") -> None:
        """Moderation is over: the held message gets `status` (BLOCKED keeps it hidden)."""
        with self._lock:
            self.messages[message_id].status = status

    def delete_message_silently(self, message_id: str) -> None:
        """The message disappears (as after a delete on Allegro's pages); the thread's
        `lastMessageDateTime` keeps its date."""
        with self._lock:
            self.messages[message_id].deleted = True

    def close_thread(self, thread_id: str) -> None:
        """The post-purchase problem is closed (who closes them on Allegro is not published)."""
        with self._lock:
            self.threads[thread_id].status = "CLOSED"

    def thread_not_found_next(self, thread_id: str, times: int = 1) -> None:
        """The next `times` reads of the thread (GET it or its messages) answer THREAD_NOT_FOUND."""
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self.threads[thread_id].not_found_reads += times

    def messaging_sent(self, seller_id: str) -> list[dict[str, Any]]:
        """What the seller sent through the API, oldest first: {id, thread_id, text,
        attachment_ids, recipient_login, order_id, at} (order_id and recipient for new messages)."""
        with self._lock:
            return [dict(entry) for entry in self._sent.get(seller_id, [])]

    def seller_of_thread(self, thread_id: str) -> str | None:
        """The seller a thread belongs to (None for an unknown id)."""
        thread = self.threads.get(thread_id)
        return thread.seller_id if thread is not None else None

    # -- API operations ----------------------------------------------------------------------------

    def list_threads(
        self,
        seller_id: str,
        *,
        beta: bool,
        position: int,
        limit: int,
        filters: dict[str, Any],
    ) -> dict[str, Any]:
        """GET /messaging/threads: newest last message first; `filters` are beta's
        (type, read, status, orderId)."""
        with self._lock:
            now = self.now()
            listed = [
                (last, thread)
                for thread in self.threads.values()
                if thread.seller_id == seller_id
                and (last := self._last_message_at(thread, now)) is not None
                and _matches(thread, filters)
            ]
            listed.sort(key=lambda pair: (pair[0], pair[1].id), reverse=True)
            page = listed[position : position + limit]
            threads = [thread_json(thread, last, beta=beta) for last, thread in page]
        if not beta:
            return {"threads": threads, "offset": position, "limit": limit}
        more = position + limit < len(listed)
        cursor = {"id": encode_cursor(page[-1][0], position + limit)} if more else None
        return {"threads": threads, "nextPage": cursor}

    def thread_for(self, seller_id: str, thread_id: str, *, beta: bool) -> dict[str, Any]:
        """GET /messaging/threads/{threadId}."""
        with self._lock:
            thread, last = self._read_thread(seller_id, thread_id)
            return thread_json(thread, last, beta=beta)

    def set_read(self, seller_id: str, thread_id: str, read: bool, *, beta: bool) -> dict[str, Any]:
        """PUT /messaging/threads/{threadId}/read: beta answers `{read}`, public the Thread."""
        with self._lock:
            thread, last = self._seller_thread(seller_id, thread_id)
            thread.read = read
            return {"read": read} if beta else thread_json(thread, last, beta=False)

    def thread_messages_for(
        self,
        seller_id: str,
        thread_id: str,
        *,
        beta: bool,
        position: int,
        limit: int,
        before: dt.datetime | None = None,
        after: dt.datetime | None = None,
    ) -> dict[str, Any]:
        """GET /messaging/threads/{threadId}/messages: newest first (Allegro publishes no order)."""
        with self._lock:
            self._read_thread(seller_id, thread_id)
            now = self.now()
            found = [
                m
                for m in map(self.messages.__getitem__, self.thread_messages[thread_id])
                if m.visible(now)
                and (before is None or m.created_at < before)
                and (after is None or m.created_at > after)
            ]
            found.sort(key=lambda m: (m.created_at, m.id), reverse=True)
            page = found[position : position + limit]
            shown = [self._message_json(m, beta=beta) for m in page]
        if not beta:
            return {"messages": shown, "offset": position, "limit": limit}
        more = position + limit < len(found)
        cursor = {"id": encode_cursor(page[-1].created_at, position + limit)} if more else None
        return {"messages": shown, "nextPage": cursor}

    def message_for(self, seller_id: str, message_id: str, *, beta: bool) -> dict[str, Any]:
        """GET /messaging/messages/{messageId}: 404 for hidden, deleted and other sellers' ones."""
        with self._lock:
            message = self._seller_message(seller_id, message_id)
            return self._message_json(message, beta=beta)

    def delete_message(self, seller_id: str, message_id: str) -> None:
        """DELETE /messaging/messages/{messageId}: only the seller's own messages (403 otherwise)."""
        with self._lock:
            message = self._seller_message(seller_id, message_id)
            if message.role != "SELLER":
                raise ApiError(403, "ACCESS_DENIED", "User not allowed to delete particular message")
            message.deleted = True

    def send_wait(self, seller_id: str) -> float | None:
        """Seconds the seller must still wait before the next send (None: may send now)."""
        with self._lock:
            last = self._last_send.get(seller_id)
            if last is None:
                return None
            left = (last + SEND_INTERVAL - self.now()).total_seconds()
            return left if left > 0 else None

    def reply(
        self, seller_id: str, thread_id: str, *, text: str, attachment_ids: list[str], beta: bool
    ) -> dict[str, Any]:
        """POST /messaging/threads/{threadId}/messages: the seller's reply."""
        with self._lock:
            thread, _ = self._seller_thread(seller_id, thread_id)
            if thread.type == POST_PURCHASE_ISSUE and thread.status == "CLOSED":
                raise ApiError(
                    422, "THREAD_CLOSED", "Cannot add a message to a closed POST_PURCHASE_ISSUE thread."
                )
            self._check_send(seller_id, text, attachment_ids)
            return self._send(thread, text, attachment_ids, beta=beta)

    def send_new_message(
        self,
        seller_id: str,
        *,
        recipient: str,
        order_id: str | None,
        text: str,
        attachment_ids: list[str],
        beta: bool,
    ) -> dict[str, Any]:
        """POST /messaging/messages: to a buyer about their order, in their common thread
        (opened when there is none yet)."""
        with self._lock:
            if not order_id:
                raise validation_error("Order id is required", path="order")
            form = self.checkout_forms.get(order_id)
            if (
                form is None
                or self._index.seller_of(order_id) != seller_id
                or form["buyer"]["login"].casefold() != recipient.casefold()
            ):
                raise validation_error("The order does not belong to the recipient", path="order")
            thread = next(
                (
                    t
                    for t in self.threads.values()
                    if t.seller_id == seller_id
                    and t.type == COMMON
                    and t.buyer_login == form["buyer"]["login"]
                ),
                None,
            )
            self._check_send(seller_id, text, attachment_ids)
            if thread is None:
                thread = self.threads[
                    self.add_thread(seller_id, buyer_login=form["buyer"]["login"], read=True)
                ]
            offer_id = form["lineItems"][0]["offer"]["id"]
            return self._send(
                thread, text, attachment_ids, beta=beta, order_id=order_id, offer_id=offer_id, new=True
            )

    def declare_message_attachment(self, seller_id: str, file_name: str, size: int) -> str:
        """POST /messaging/message-attachments: the type is judged from the name (415)."""
        extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
        if extension not in ATTACHMENT_EXTENSIONS:
            raise ApiError(
                415,
                "UNSUPPORTED_MIME_TYPE",
                f"Unsupported mime type of file {file_name}",
                path="attachment.filename",
            )
        if not 0 < size <= ATTACHMENT_MAX_BYTES:
            raise validation_error(f"size must be between 1 and {ATTACHMENT_MAX_BYTES}", path="size")
        with self._lock:
            attachment = MessagingAttachment(
                id=new_uuid(self._rng), owner=seller_id, file_name=file_name, size=size
            )
            self.message_attachments[attachment.id] = attachment
            return attachment.id

    def upload_message_attachment(
        self, seller_id: str, attachment_id: str, content: bytes, content_type: str
    ) -> None:
        """PUT /messaging/message-attachments/{attachmentId}: `content_type` is the raw header."""
        with self._lock:
            attachment = self.message_attachments.get(attachment_id)
            if attachment is None or attachment.owner != seller_id:
                raise not_found("Attachment declaration")
            if ";" in content_type or content_type not in ATTACHMENT_TYPES:
                # exactly the type: `application/pdf;charset=UTF-8` is refused (allegro-api#5760)
                raise ApiError(415, "UNSUPPORTED_MIME_TYPE", f"Unsupported mime type: {content_type}")
            if len(content) > attachment.size:
                raise ApiError(413, "PAYLOAD_TOO_LARGE", "The file is larger than declared")
            if not content:
                raise validation_error("The file is empty")
            attachment.content_type, attachment.data, attachment.uploaded_at = (
                content_type,
                content,
                self.now(),
            )

    def message_attachment_content(self, seller_id: str, attachment_id: str) -> MessagingAttachment:
        """GET /messaging/message-attachments/{attachmentId}: only files of the last 6 months."""
        with self._lock:
            attachment = self.message_attachments.get(attachment_id)
            if (
                attachment is None
                or attachment.data is None
                or attachment.owner != seller_id
                or attachment.uploaded_at is None
                or attachment.uploaded_at < self.now() - ATTACHMENT_RETENTION
            ):
                raise not_found("Attachment")
            return attachment

    # -- internals ---------------------------------------------------------------------------------

    def _new_message(
        self,
        thread: MessagingThread,
        role: str,
        login: str | None,
        text: str,
        created_at: dt.datetime | None,
        publish_at: dt.datetime | None,
        *,
        status: str = "DELIVERED",
        type: str = "MESSAGE_CENTER",
        offer_id: Any = _THREAD,
        order_id: Any = _THREAD,
        **extra: Any,
    ) -> MessagingMessage:
        written = truncate_ms(to_utc(created_at) if created_at is not None else self.now())
        order = thread.orders[0] if thread.orders else None
        message = MessagingMessage(
            id=new_uuid(self._rng),
            thread_id=thread.id,
            role=role,
            login=login,
            type=type,
            status=status,
            created_at=written,
            publish_at=to_utc(publish_at) if publish_at is not None else written,
            text=text,
            offer_id=(order["offers"][0]["id"] if order and order["offers"] else None)
            if offer_id is _THREAD
            else offer_id,
            order_id=(order["id"] if order else None) if order_id is _THREAD else order_id,
            **extra,
        )
        self.messages[message.id] = message
        self.thread_messages[thread.id].append(message.id)
        return message

    def _send(
        self,
        thread: MessagingThread,
        text: str,
        attachment_ids: list[str],
        *,
        beta: bool,
        order_id: Any = _THREAD,
        offer_id: Any = _THREAD,
        new: bool = False,
    ) -> dict[str, Any]:
        """The seller's message through the API (checked by `_check_send`): recorded, and shown
        as the seller's."""
        message = self._new_message(
            thread,
            "SELLER",
            thread.seller_login,
            text,
            None,
            None,
            offer_id=offer_id,
            order_id=order_id,
            attachment_ids=list(attachment_ids),
        )
        self._last_send[thread.seller_id] = self.now()
        self._sent.setdefault(thread.seller_id, []).append(
            {
                "id": message.id,
                "thread_id": thread.id,
                "text": text,
                "attachment_ids": list(attachment_ids),
                "recipient_login": thread.buyer_login if new else None,
                "order_id": message.order_id if new else None,
                "at": message.created_at,
            }
        )
        return self._message_json(message, beta=beta)

    def _check_send(self, seller_id: str, text: str, attachment_ids: list[str]) -> None:
        if not 0 < len(text) <= TEXT_MAX:
            raise validation_error(f"text must have 1 to {TEXT_MAX} characters", path="text")
        for attachment_id in attachment_ids:
            attachment = self.message_attachments.get(attachment_id)
            if attachment is None or attachment.owner != seller_id or attachment.data is None:
                raise ApiError(
                    422,
                    "ASSIGNING_ATTACHMENTS_TO_MESSAGE_FAILED",
                    f"Assigning attachments to message failed: {attachment_id} has not been uploaded",
                    path="attachments",
                )

    def _link_message_files(self, seller_id: str, attachment_ids: Iterable[str]) -> list[str]:
        """Files of a buyer's message; from now on the seller of the thread may download them."""
        ids = list(attachment_ids)
        for attachment_id in ids:
            self.message_attachments[attachment_id].owner = seller_id
        return ids

    def _last_message_at(self, thread: MessagingThread, now: dt.datetime) -> dt.datetime | None:
        """The time of the newest message the seller has been shown (deleted ones count)."""
        times = [
            m.created_at
            for m in map(self.messages.__getitem__, self.thread_messages[thread.id])
            if m.published(now)
        ]
        return max(times, default=None)

    def _seller_thread(self, seller_id: str, thread_id: str) -> tuple[MessagingThread, dt.datetime]:
        thread = self.threads.get(thread_id)
        last = self._last_message_at(thread, self.now()) if thread is not None else None
        if thread is None or thread.seller_id != seller_id or last is None:
            raise _thread_not_found(thread_id)
        return thread, last

    def _read_thread(self, seller_id: str, thread_id: str) -> tuple[MessagingThread, dt.datetime]:
        """A read of the thread, which answers THREAD_NOT_FOUND while the handle says so."""
        thread, last = self._seller_thread(seller_id, thread_id)
        if thread.not_found_reads > 0:
            thread.not_found_reads -= 1
            raise _thread_not_found(thread_id)
        return thread, last

    def _seller_message(self, seller_id: str, message_id: str) -> MessagingMessage:
        message = self.messages.get(message_id)
        if message is None or not message.visible(self.now()):
            raise not_found("Message")
        if self.threads[message.thread_id].seller_id != seller_id:
            raise not_found("Message")
        return message

    def _message_json(self, message: MessagingMessage, *, beta: bool) -> dict[str, Any]:
        files = [self.message_attachments[a] for a in message.attachment_ids]
        return message_json(message, files, beta=beta)

    def _seller_form(self, seller_id: str, form_id: str) -> dict[str, Any]:
        if self._index.seller_of(form_id) != seller_id:
            raise KeyError(f"checkout form {form_id!r} is not an order of seller {seller_id!r}")
        return self.checkout_forms[form_id]

    def _offer_id(self) -> str:
        return str(self._rng.randint(10_000_000_000, 19_999_999_999))


def _matches(thread: MessagingThread, filters: dict[str, Any]) -> bool:
    order = filters.get("orderId")
    return (
        filters.get("type") in (None, thread.type)
        and filters.get("read") in (None, thread.read)
        and filters.get("status") in (None, thread.status)
        and (order is None or any(o["id"] == order for o in thread.orders))
    )
