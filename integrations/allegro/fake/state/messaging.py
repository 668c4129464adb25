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
from typing import Any

from integrations.allegro.fake.errors import ApiError, not_found, validation_error
from integrations.allegro.fake.state.form_factory import new_uuid
from integrations.allegro.fake.state.messaging_handles import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    THREAD,
    MessagingHandlesMixin,
)
from integrations.allegro.fake.state.messaging_shapes import (
    COMMON,
    POST_PURCHASE_ISSUE,
    MessagingAttachment,
    MessagingMessage,
    MessagingThread,
    encode_cursor,
    message_json,
    thread_json,
)

__all__ = ["ATTACHMENT_MAX_BYTES", "ATTACHMENT_TYPES", "MessagingStateMixin"]

ATTACHMENT_EXTENSIONS = frozenset({"png", "gif", "bmp", "tif", "tiff", "jpg", "jpeg", "pdf"})
ATTACHMENT_RETENTION = dt.timedelta(days=183)  # "attachments uploaded within the last 6 months"
TEXT_MAX = 2000
SEND_INTERVAL = dt.timedelta(seconds=1)  # both POSTs: 1 request per second per user


def _thread_not_found(thread_id: str) -> ApiError:
    return ApiError(404, "THREAD_NOT_FOUND", f"No thread with such Id [{thread_id}]")


class MessagingStateMixin(MessagingHandlesMixin):
    """Threads, messages and attachments of the fake (the API operations; the test handles are
    MessagingHandlesMixin's); mixed into FakeAllegroState."""

    def _init_messaging(self) -> None:
        """Called by FakeAllegroState.__init__."""
        self.threads: dict[str, MessagingThread] = {}
        self.thread_messages: dict[str, list[str]] = {}
        self.messages: dict[str, MessagingMessage] = {}
        self.message_attachments: dict[str, MessagingAttachment] = {}
        self._sent: dict[str, list[dict[str, Any]]] = {}
        self._last_send: dict[str, dt.datetime] = {}

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

    def _send(
        self,
        thread: MessagingThread,
        text: str,
        attachment_ids: list[str],
        *,
        beta: bool,
        order_id: Any = THREAD,
        offer_id: Any = THREAD,
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


def _matches(thread: MessagingThread, filters: dict[str, Any]) -> bool:
    order = filters.get("orderId")
    return (
        filters.get("type") in (None, thread.type)
        and filters.get("read") in (None, thread.read)
        and filters.get("status") in (None, thread.status)
        and (order is None or any(o["id"] == order for o in thread.orders))
    )
