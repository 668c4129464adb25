"""Typed views of post-purchase issues (`/sale/issues*`): discussions (DISPUTE) and claims (CLAIM).

Built by `_wire_issues.py` (msgspec) or `_parse_issues.py`. Statuses, roles and reasons stay plain
strings so values Allegro adds later do not break parsing; the tuples below list the values known today.
"""

from __future__ import annotations

import datetime as dt

from integrations.allegro.models import Dto, Price, RejectedRecord

ISSUE_TYPES = ("DISPUTE", "CLAIM")
ISSUE_STATUSES = (
    "DISPUTE_ONGOING",
    "DISPUTE_UNRESOLVED",
    "DISPUTE_CLOSED",
    "CLAIM_SUBMITTED",
    "CLAIM_ACCEPTED",
    "CLAIM_REJECTED",
)
OPEN_ISSUE_STATUSES = ("DISPUTE_ONGOING", "DISPUTE_UNRESOLVED", "CLAIM_SUBMITTED")
# chat.lastMessage.status values after which the buyer (or an Allegro advisor) waits for the seller
NEEDS_REPLY_STATUSES = ("NEW", "BUYER_REPLIED", "ALLEGRO_ADVISOR_REPLIED")
AUTHOR_ROLES = ("BUYER", "SELLER", "ADMIN", "SYSTEM", "FULFILLMENT")
MESSAGE_TYPES = (
    "REGULAR",
    "END_REQUEST",
    "RETURN_REQUIRED_SELLER_LABEL",
    "RETURN_REQUIRED_CUSTOM",
    "RETURN_NOT_REQUIRED",
)
# END_REQUEST asks the buyer to close a discussion; the RETURN_* types record a claim's return decision
DISPUTE_MESSAGE_TYPES = ("REGULAR", "END_REQUEST")
CLAIM_MESSAGE_TYPES = (
    "REGULAR",
    "RETURN_REQUIRED_SELLER_LABEL",
    "RETURN_REQUIRED_CUSTOM",
    "RETURN_NOT_REQUIRED",
)
# the statuses of ClaimStatusChangeRequest: the seller's decision on a claim
CLAIM_DECISIONS = (
    "ACCEPTED_REPAIR",
    "ACCEPTED_REFUND",
    "ACCEPTED_EXCHANGE",
    "ACCEPTED_PARTIAL_REFUND",
    "REJECTED_ADDITIONAL_REQUIREMENTS_NOT_COMPLETED",
    "REJECTED_PRODUCT_NOT_RETURNED",
    "REJECTED_PRODUCT_DAMAGED_BY_USER",
    "REJECTED_PRODUCT_CONFORMS_TO_CONTRACT",
    "REJECTED_MINOR_DEFECT",
    "REJECTED_OTHER",
    "REJECTED_CLAIM_WITHDRAWN_BY_BUYER",
)
ISSUE_TEXT_MAX = 20000
ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024  # API uploads only; Allegro's web page allows bigger files
ATTACHMENT_FILE_NAME_MAX = 255
ATTACHMENT_CONTENT_TYPES = (
    "image/png",
    "image/gif",
    "image/bmp",
    "image/tiff",
    "image/jpeg",
    "application/pdf",
)


class IssueAttachment(Dto):
    """A file in an issue or a message; `id` is the last segment of `url`, for download_issue_attachment."""

    id: str
    file_name: str
    url: str


class IssueAuthor(Dto):
    """Who wrote a chat entry; `login` is absent for ADMIN (Allegro advisor), SYSTEM and FULFILLMENT."""

    login: str | None
    role: str


class IssueMessage(Dto):
    """One chat entry: a message or a state-change notification."""

    id: str
    text: str | None
    author: IssueAuthor
    created_at: dt.datetime
    attachments: tuple[IssueAttachment, ...]


class IssueExpectation(Dto):
    """A solution the buyer expects: REPAIR, EXCHANGE, REFUND or PARTIAL_REFUND (None for disputes)."""

    name: str | None
    refund: Price | None


class Issue(Dto):
    """A discussion or a claim (GET /sale/issues/{issueId}).

    `status` and `status_due_date` come from `currentState`; `decision_due_date` and
    `reference_number` exist for claims only; `subject` describes disputes, `reason_*` claims.
    """

    id: str
    type: str
    reference_number: str | None
    status: str | None
    status_due_date: dt.datetime | None
    decision_due_date: dt.datetime | None
    chat_active: bool
    return_required: bool | None
    opened_date: dt.datetime | None
    subject: str | None
    reason_type: str | None
    reason_description: str | None
    description: str | None
    right: str | None
    buyer_id: str | None
    buyer_login: str | None
    checkout_form_id: str | None
    offer_id: str | None
    quantity: int | None
    expectations: tuple[IssueExpectation, ...]
    messages_count: int
    last_message_status: str | None
    last_message_at: dt.datetime | None
    initial_message: IssueMessage | None
    attachments: tuple[IssueAttachment, ...]

    @property
    def needs_reply(self) -> bool:
        """True when the last word in the chat belongs to the buyer or an advisor, not the seller."""
        return self.last_message_status in NEEDS_REPLY_STATUSES

    @property
    def change_key(self) -> tuple[str | None, int, dt.datetime | None]:
        """What changes whenever the chat or the state does; refetch the chat only when it differs.

        /sale/issues has no change feed, so comparing this with the stored value is the cheap test.
        """
        return (self.status, self.messages_count, self.last_message_at)


class IssuePage(Dto):
    """One page of GET /sale/issues: the readable issues and the elements that could not be read."""

    issues: tuple[Issue, ...]
    rejected: tuple[RejectedRecord, ...] = ()

    @property
    def size(self) -> int:
        """Entries on the page, unreadable ones included (a short page is the last one)."""
        return len(self.issues) + len(self.rejected)


class AttachmentUpload(Dto):
    """A declared attachment: upload its bytes once to `upload_url`, then cite `id` in a message."""

    id: str
    upload_url: str
