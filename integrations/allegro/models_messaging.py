"""Typed views of the Message Center (`/messaging`): threads, their messages and attachments.

Allegro serves two shapes on the same paths, chosen by `Accept` (see the spec copy in
`spec/allegro-messaging-2026-09.yaml`):
- public.v1: threads with `interlocutor`, offset/limit paging, `after`/`before` on messages,
  messages with `author.isInterlocutor` and `thread.id`;
- beta.v1 (what the desk reads since Allegro moved new post-purchase problems into `/messaging`
  on 28 Oct 2026): threads with `type` (COMMON / POST_PURCHASE_ISSUE), `subType`, `status`,
  `participants` and `orders`, a cursor (`page.id` -> `nextPage.id`), messages with `author.role`
  and `attachments[].id`.
Both are read into the same DTOs; a field one shape lacks is None (or empty). Enum values stay
plain strings: Allegro has published several conflicting lists (author roles), so a value not
listed below is kept as text and never breaks reading.
"""

from __future__ import annotations

import datetime as dt

from integrations.allegro.models import Dto, RejectedRecord

COMMON, POST_PURCHASE_ISSUE = "COMMON", "POST_PURCHASE_ISSUE"
THREAD_TYPES = (COMMON, POST_PURCHASE_ISSUE)
THREAD_STATUSES = ("OPEN", "CLOSED")
# Allegro staff listed these on 2026-09-10 (allegro-api#13970); no label or definition per value
# has been published, so the desk labels them itself and keeps any other value verbatim.
PROBLEM_SUB_TYPES = (
    "PRODUCT_INCONSISTENT_WITH_THE_OFFER",
    "PRODUCT_ARRIVED_DAMAGED",
    "DEFECT_DETECTED_DURING_USE",
    "NO_PRODUCT_IN_THE_SHIPMENT",
    "MISSING_PRODUCT_ELEMENTS",
    "OTHER",
    "NO_REFUND",
    "SELLER_DOES_NOT_WANT_TO_ACCEPT_RETURN",
    "PROBLEM_WITH_SENDING_PRODUCT_BACK",
    "NO_DOCUMENTATIONS",
)
PARTICIPANT_ROLES = ("BUYER", "SELLER", "USER")
# The swagger of Sept 2026 lists BUYER, SELLER, USER, CONSULTANT, ALLEGRO; the announcement
# (allegro-api#13797) lists USER, SYSTEM, CHATBOT, CONSULTANT, BUYER, SELLER. Both are accepted.
AUTHOR_ROLES = ("BUYER", "SELLER", "USER", "CONSULTANT", "ALLEGRO", "SYSTEM", "CHATBOT")
MESSAGE_STATUSES = ("VERIFYING", "BLOCKED", "DELIVERED", "INTERACTING", "DISMISSED")
# ASK_QUESTION: "ask the seller" on an offer page; MAIL: a real e-mail; MESSAGE_CENTER: written in
# the Message Center (allegro-api#13208). The type does not say who wrote the message.
MESSAGE_TYPES = ("ASK_QUESTION", "MAIL", "MESSAGE_CENTER")
ATTACHMENT_STATUSES = ("NEW", "SAFE", "UNSAFE", "EXPIRED")

MESSAGE_TEXT_MAX = 2000
THREAD_PAGE_LIMIT = 20  # public.v1 `limit` ceiling (1..20)
MESSAGE_PAGE_LIMIT = 20
MAX_THREAD_OFFSET = 15_000_000
MAX_MESSAGE_OFFSET = 15_000
ATTACHMENT_MAX_BYTES = 5_242_880
ATTACHMENT_CONTENT_TYPES = (
    "image/png",
    "image/gif",
    "image/bmp",
    "image/tiff",
    "image/jpeg",
    "application/pdf",
)


class ThreadParticipant(Dto):
    """A party of a thread: BUYER / SELLER in a problem; both USER in a common thread (beta)."""

    role: str
    login: str | None


class ThreadOrderOffer(Dto):
    """An offer of the order a thread is about, with the quantity bought."""

    id: str
    quantity: int | None


class ThreadOrder(Dto):
    """An order (checkout form id) a thread is about; only beta threads carry it."""

    id: str
    offers: tuple[ThreadOrderOffer, ...]


class Thread(Dto):
    """A Message Center thread (GET /messaging/threads/{threadId}).

    public.v1 has no `type`, `status`, `sub_type`, `created_at`, `participants` or `orders`: a public
    thread reads as COMMON with status None, and its `interlocutor` becomes `interlocutor_login`.
    In beta `interlocutor_login` is the other party as far as the thread tells (the BUYER
    participant); in a common thread both participants are USER, so it is None and the desk picks
    the participant whose login is not the seller's own (see `other_login`).
    """

    id: str
    read: bool
    type: str
    status: str | None
    sub_type: str | None
    created_at: dt.datetime | None
    last_message_at: dt.datetime | None
    interlocutor_login: str | None
    participants: tuple[ThreadParticipant, ...]
    orders: tuple[ThreadOrder, ...]

    @property
    def is_problem(self) -> bool:
        """A post-purchase problem ("Problemy z zakupem"), which replaced new discussions."""
        return self.type == POST_PURCHASE_ISSUE

    @property
    def order_id(self) -> str | None:
        """The first order the thread is about, if any (more than one is not known to happen)."""
        return self.orders[0].id if self.orders else None

    def other_login(self, own_login: str | None) -> str | None:
        """The login of the party who is not the seller `own_login` (case-insensitive)."""
        if self.interlocutor_login:
            return self.interlocutor_login
        own = (own_login or "").casefold()
        for participant in self.participants:
            if participant.role != "SELLER" and (participant.login or "").casefold() != own:
                return participant.login
        return None


class ThreadPage(Dto):
    """One page of GET /messaging/threads, newest last message first.

    beta.v1: `next_page_id` is the cursor of the next page (None on the last one); public.v1: it
    is None and a page shorter than the limit is the last one.
    """

    threads: tuple[Thread, ...]
    rejected: tuple[RejectedRecord, ...] = ()
    next_page_id: str | None = None

    @property
    def size(self) -> int:
        """Entries on the page, unreadable ones included."""
        return len(self.threads) + len(self.rejected)


class MessageAuthor(Dto):
    """Who wrote a message: beta gives a `role` (login may be null for Allegro or the system);
    public.v1 gives a login and `is_interlocutor` (True = the other party) and no role."""

    role: str | None
    login: str | None
    is_interlocutor: bool | None

    def is_seller(self, own_login: str | None) -> bool:
        """True when the seller wrote it: role SELLER, not the interlocutor, or the seller's login."""
        if self.role == "SELLER" or self.is_interlocutor is False:
            return True
        own = (own_login or "").casefold()
        return bool(own) and self.role in (None, "USER") and (self.login or "").casefold() == own


class MessageAttachment(Dto):
    """A file of a message. `id` (beta) downloads it through the API within six months; `url` is
    not a public link. Only SAFE files should be shown."""

    id: str | None
    file_name: str
    mime_type: str | None
    url: str | None
    status: str


class Message(Dto):
    """One message (GET /messaging/messages/{messageId}).

    `thread_id` comes from public.v1's `thread.id`; beta messages lack it, so the client fills it
    in when it read the message from a thread. `created_at` is when the author wrote it, which
    can be hours before Allegro published it (allegro-api#13907).
    """

    id: str
    thread_id: str | None
    status: str
    type: str
    created_at: dt.datetime
    author: MessageAuthor
    text: str
    subject: str | None
    offer_id: str | None
    order_id: str | None
    has_additional_attachments: bool
    attachments: tuple[MessageAttachment, ...]
    vin: str | None = None


class MessagePage(Dto):
    """One page of GET /messaging/threads/{threadId}/messages (cursor as in ThreadPage)."""

    messages: tuple[Message, ...]
    rejected: tuple[RejectedRecord, ...] = ()
    next_page_id: str | None = None

    @property
    def size(self) -> int:
        """Entries on the page, unreadable ones included."""
        return len(self.messages) + len(self.rejected)


class DownloadedAttachment(Dto):
    """The bytes of a message attachment, with the type and file name Allegro gave."""

    data: bytes
    content_type: str
    file_name: str | None
