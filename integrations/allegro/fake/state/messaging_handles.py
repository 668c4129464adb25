"""Test handles of the fake Message Center: arrange threads and messages, hold, release and
delete them, make a thread vanish for a while, and read what the seller sent.

Mixed into FakeAllegroState through MessagingStateMixin (`state/messaging.py`), which holds the
API operations; the records and their JSON shapes are in `messaging_shapes.py`.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections.abc import Callable, Iterable
from typing import Any

from integrations.allegro.fake.state.form_factory import new_uuid
from integrations.allegro.fake.state.messaging_shapes import (
    COMMON,
    POST_PURCHASE_ISSUE,
    MessagingAttachment,
    MessagingMessage,
    MessagingThread,
    new_thread_id,
)
from integrations.allegro.fake.state.orders_index import OrderIndex
from integrations.allegro.fake.timeutil import to_utc, truncate_ms

ATTACHMENT_TYPES = frozenset(
    {"image/png", "image/gif", "image/bmp", "image/tiff", "image/jpeg", "application/pdf"}
)
ATTACHMENT_MAX_BYTES = 5_242_880
THREAD = object()  # "the thread's own" default of a message's offer and order


class MessagingHandlesMixin:
    """The arranging half of the fake Message Center (see the module)."""

    _lock: threading.RLock
    _rng: random.Random
    _index: OrderIndex
    now: Callable[[], dt.datetime]
    sellers: dict[str, dict[str, Any]]
    checkout_forms: dict[str, dict[str, Any]]
    threads: dict[str, MessagingThread]
    thread_messages: dict[str, list[str]]
    messages: dict[str, MessagingMessage]
    message_attachments: dict[str, MessagingAttachment]
    _sent: dict[str, list[dict[str, Any]]]

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
                thread.read = read  # as asked, even though the buyer has just written
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
        offer_id: Any = THREAD,
        order_id: Any = THREAD,
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

    # -- shared with the API operations ------------------------------------------------------------

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
        offer_id: Any = THREAD,
        order_id: Any = THREAD,
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
            if offer_id is THREAD
            else offer_id,
            order_id=(order["id"] if order else None) if order_id is THREAD else order_id,
            **extra,
        )
        self.messages[message.id] = message
        self.thread_messages[thread.id].append(message.id)
        return message

    def _link_message_files(self, seller_id: str, attachment_ids: Iterable[str]) -> list[str]:
        """Files of a buyer's message; from now on the seller of the thread may download them."""
        ids = list(attachment_ids)
        for attachment_id in ids:
            self.message_attachments[attachment_id].owner = seller_id
        return ids

    def _seller_form(self, seller_id: str, form_id: str) -> dict[str, Any]:
        if self._index.seller_of(form_id) != seller_id:
            raise KeyError(f"checkout form {form_id!r} is not an order of seller {seller_id!r}")
        return self.checkout_forms[form_id]

    def _offer_id(self) -> str:
        return str(self._rng.randint(10_000_000_000, 19_999_999_999))
