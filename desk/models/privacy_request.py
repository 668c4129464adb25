"""Legal holds, data-subject requests and their audit trail, buyer restrictions and per-buyer exports.

A `LegalHold` is set by an owner on a buyer, an order, an issue or a whole seller account; while it is not
lifted, retention and erasure leave the data alone (the automatic holds, computed from open claims,
complaints, unsettled cash on delivery and unpaid invoices, are not stored: services/privacy/holds.py).

A `PrivacyRequest` is one data-subject request (GDPR Art. 15-21) moving through its workflow
(services/privacy/requests.py); every transition writes a `PrivacyEvent` holding ids and states only,
never the buyer's name or contact data. An erasure under a hold becomes a `BuyerRestriction`, completed
when the hold is lifted. A `BuyerExport` is the ZIP of everything the desk holds about one buyer, kept
for a week.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desk.extensions import db
from desk.orm import created_at, intpk, personal_table


def _enum(kind: type[enum.Enum], length: int = 24):
    return db.Enum(kind, native_enum=False, length=length)


class HoldScope(enum.StrEnum):
    BUYER = "buyer"
    ORDER = "order"
    ISSUE = "issue"
    ACCOUNT = "account"


class HoldReason(enum.StrEnum):
    COURT_CASE = "court_case"
    CLAIM = "claim"
    CHARGEBACK = "chargeback"
    AUTHORITY_INQUIRY = "authority_inquiry"  # UOKiK or UODO
    TAX_AUDIT = "tax_audit"
    OTHER = "other"


class LegalHold(db.Model):
    """A hold an owner set: the data it covers is kept (not erased, not pseudonymised) until it is lifted."""

    __tablename__ = "legal_hold"
    __table_args__ = (
        Index("ix_legal_hold_account_buyer", "account_id", "buyer_allegro_id"),
        Index("ix_legal_hold_lifted_review", "lifted_at", "review_on"),
        personal_table("request"),
    )

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    scope: Mapped[HoldScope] = mapped_column(_enum(HoldScope, 16))
    buyer_allegro_id: Mapped[str | None] = mapped_column(String(64), info={"personal": "identity"})
    order_id: Mapped[int | None] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), index=True)
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"), index=True)
    reason: Mapped[HoldReason] = mapped_column(_enum(HoldReason))
    note: Mapped[str] = mapped_column(Text, default="", info={"personal": "free_text"})
    review_on: Mapped[dt.date | None] = mapped_column(Date)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    set_at: Mapped[created_at]
    lifted_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    lifted_at: Mapped[dt.datetime | None]

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class RequestType(enum.StrEnum):
    ACCESS = "access"
    PORTABILITY = "portability"
    RECTIFICATION = "rectification"
    RESTRICTION = "restriction"
    OBJECTION = "objection"
    ERASURE = "erasure"


class RequestState(enum.StrEnum):
    RECEIVED = "received"
    IDENTITY_CHECKED = "identity_checked"
    SCOPED = "scoped"
    DECIDED = "decided"
    EXECUTED = "executed"
    ANSWERED = "answered"
    CLOSED = "closed"
    REJECTED = "rejected"
    EXTENDED = "extended"  # the deadline was moved; the work goes on from `resume_state`


class Decision(enum.StrEnum):
    ERASE = "erase"  # erase (pseudonymise) now; under a hold this becomes a restriction
    RESTRICT = "restrict"  # keep the data, hidden from agents and exports
    FULFIL = "fulfil"  # access, portability, rectification, objection: do what was asked
    REJECT = "reject"


class PrivacyRequest(db.Model):
    """One data-subject request of a buyer, handled by an owner across the accounts the owner sees."""

    __tablename__ = "privacy_request"
    __table_args__ = (Index("ix_privacy_request_state_due", "state", "due_on"), personal_table(
        "request", "channel", "account_ids", "scope", "receipt", "export_manifest"))

    id: Mapped[intpk]
    type: Mapped[RequestType] = mapped_column(_enum(RequestType, 16))
    state: Mapped[RequestState] = mapped_column(_enum(RequestState), default=RequestState.RECEIVED)
    resume_state: Mapped[RequestState | None] = mapped_column(_enum(RequestState))  # while EXTENDED
    channel: Mapped[str] = mapped_column(String(16), default="allegro")  # allegro | email | operator | api
    # who asked: deleted 30 days after the request closes (services/privacy/requests.purge_contacts)
    buyer_allegro_id: Mapped[str | None] = mapped_column(String(64), info={"personal": "identity"})
    requester_name: Mapped[str | None] = mapped_column(String(200), info={"personal": "identity"})
    requester_contact: Mapped[str | None] = mapped_column(String(254), info={"personal": "contact"})
    details: Mapped[str] = mapped_column(Text, default="", info={"personal": "free_text"})
    contact_purged_at: Mapped[dt.datetime | None]

    received_at: Mapped[dt.datetime]
    due_on: Mapped[dt.date] = mapped_column(Date)  # received + 1 month, moved by an extension
    first_due_on: Mapped[dt.date] = mapped_column(Date)
    extension_reason: Mapped[str] = mapped_column(Text, default="", info={"personal": "free_text"})
    extended_at: Mapped[dt.datetime | None]
    requester_told_at: Mapped[dt.datetime | None]  # told of the extension (within the first month)

    identity_note: Mapped[str] = mapped_column(Text, default="", info={"personal": "free_text"})
    account_ids: Mapped[list | None]  # the accounts scoped (those the owner may see)
    scope: Mapped[dict | None]  # counts per data class and the holds that apply (no personal data)
    decision: Mapped[Decision | None] = mapped_column(_enum(Decision, 16))
    decision_reason: Mapped[str] = mapped_column(Text, default="", info={"personal": "free_text"})
    receipt: Mapped[dict | None]  # what was done: pseudonyms, counts, kept until; no personal data
    export_manifest: Mapped[dict | None]  # record ids of the last export (breach forensics)
    answer_note: Mapped[str] = mapped_column(Text, default="", info={"personal": "free_text"})

    created_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None]
    executed_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    executed_at: Mapped[dt.datetime | None]
    answered_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    updated_at: Mapped[created_at]

    @property
    def working_state(self) -> RequestState:
        """The workflow step the request is at (an extension does not change it)."""
        if self.state is RequestState.EXTENDED and self.resume_state is not None:
            return self.resume_state
        return self.state


class PrivacyEvent(db.Model):
    """Audit trail of requests and holds: ids, states and agents only, never personal data."""

    __tablename__ = "privacy_event"

    id: Mapped[intpk]
    at: Mapped[created_at]
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("privacy_request.id", ondelete="SET NULL"), index=True
    )
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("legal_hold.id", ondelete="SET NULL"), index=True)
    export_id: Mapped[int | None] = mapped_column(ForeignKey("buyer_export.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))  # received, identity_checked, ..., hold_set, downloaded
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    info: Mapped[dict | None]  # ids and counts only


class BuyerRestriction(db.Model):
    """An erasure held back by a legal hold: the buyer's data is kept but hidden from agents and exports,
    and erased once no hold applies any more."""

    __tablename__ = "buyer_restriction"
    __table_args__ = (
        Index("ix_buyer_restriction_account_buyer", "account_id", "buyer_allegro_id"),
        personal_table("request", "reason"),
    )

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    buyer_allegro_id: Mapped[str] = mapped_column(String(64), info={"personal": "identity"})
    request_id: Mapped[int | None] = mapped_column(ForeignKey("privacy_request.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(120))  # the holds' kinds and reasons, e.g. "manual:court_case"
    until: Mapped[dt.date | None] = mapped_column(Date)  # the earliest review date known, if any
    erase_when_released: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[created_at]
    completed_at: Mapped[dt.datetime | None]  # erased after the holds were lifted (or lifted by hand)


class BuyerExport(db.Model):
    """The ZIP of one buyer's data; its bytes are deleted when it expires, the manifest (ids only) stays."""

    __tablename__ = "buyer_export"
    __table_args__ = (personal_table("request", "account_ids", "file_name", "manifest"),)

    id: Mapped[intpk]
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("privacy_request.id", ondelete="SET NULL"), index=True
    )
    account_ids: Mapped[list]
    buyer_allegro_id: Mapped[str | None] = mapped_column(String(64), info={"personal": "identity"})
    includes_restricted: Mapped[bool] = mapped_column(default=False)
    file_name: Mapped[str] = mapped_column(String(120))
    data: Mapped[bytes | None] = mapped_column(LargeBinary, info={"personal": "file"})
    size: Mapped[int] = mapped_column(default=0)
    manifest: Mapped[dict]  # table -> record ids
    created_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    deleted_at: Mapped[dt.datetime | None]
