"""Complaints (reklamacje) a seller files with the broker: about the broker's own service, about an invoice,
or about a carrier (delay, loss, damage, shortage), with their files, their history and the unclaimed parcels
that come back to the broker.

One `Complaint` row per complaint, told apart by `type`; the columns of the other types stay empty. Its
`state` moves through the flow of its type (services/complaints/states.py); every move, request and decision
is a `ComplaintEvent`, so the page shows the whole history. Files are kept in the database (as the desk keeps
the files of buyer conversations), each with the document it proves (`doc_type`).
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.extensions import db
from desk.orm import created_at, intpk, money, personal_table, seller_personal


class ComplaintType(enum.StrEnum):
    SERVICE = "service"  # about the desk / the broker itself
    INVOICE = "invoice"  # about an invoice of the broker
    CARRIER = "carrier"  # about a parcel: forwarded to the carrier


class ComplaintState(enum.StrEnum):
    DRAFT = "draft"  # the seller is still writing it
    SUBMITTED = "submitted"  # with the broker
    RETURNED = "returned"  # returned to the seller as unfounded (the seller may still ask to forward it)
    FORWARDED = "forwarded"  # with the carrier, being considered
    DOCUMENTS_REQUESTED = "documents_requested"  # the carrier asked for more documents
    ACCEPTED = "accepted"
    PARTLY_ACCEPTED = "partly_accepted"
    REJECTED = "rejected"


OPEN_STATES = (
    ComplaintState.DRAFT,
    ComplaintState.SUBMITTED,
    ComplaintState.RETURNED,
    ComplaintState.FORWARDED,
    ComplaintState.DOCUMENTS_REQUESTED,
)
DECIDED_STATES = (ComplaintState.ACCEPTED, ComplaintState.PARTLY_ACCEPTED, ComplaintState.REJECTED)
WITH_CARRIER = (ComplaintState.FORWARDED, ComplaintState.DOCUMENTS_REQUESTED)


class InvoiceReason(enum.StrEnum):
    DIMENSIONS = "dimensions"  # wrong parcel dimensions (or weight) charged
    FEES = "fees"  # fees charged wrongly
    PAYER_DATA = "payer_data"  # wrong payer (buyer of the invoice) data
    DESCRIPTION = "description"  # wrong description of the service
    OTHER = "other"


class CarrierKind(enum.StrEnum):
    DELAY = "delay"
    LOSS = "loss"
    DAMAGE = "damage"
    SHORTAGE = "shortage"


def _enum(kind: type[enum.Enum], length: int = 24):
    return db.Enum(kind, native_enum=False, length=length)


class Complaint(db.Model):
    """One complaint of a seller account."""

    __tablename__ = "complaint"
    __table_args__ = (
        Index("ix_complaint_account_created", "account_id", "created_at"),
        Index("ix_complaint_state_check", "state", "next_check_at"),  # the carrier poll
        Index("ix_complaint_type_state_due", "type", "state", "answer_due_on"),  # the admins' answer clock
        # texts and files about a buyer's parcel may quote the receiver; the bank and payer are the seller's
        personal_table(
            "buyer", "invoice_number", "correction_state", "correction_ref", "carrier", "waybill",
            "bank_name", "forward_channel", "carrier_complaint_id", "carrier_missing",
            "corrected_description",
        ),
    )

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    type: Mapped[ComplaintType] = mapped_column(_enum(ComplaintType, 16))
    state: Mapped[ComplaintState] = mapped_column(_enum(ComplaintState), default=ComplaintState.DRAFT)
    subject: Mapped[str] = mapped_column(String(200), default="", info={"personal": "free_text"})
    description: Mapped[str] = mapped_column(Text, default="", info={"personal": "free_text"})
    order_id: Mapped[int | None] = mapped_column(ForeignKey("order.id", ondelete="SET NULL"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(
        ForeignKey("shipment.id", ondelete="SET NULL"), index=True
    )
    # the buyer's claim or conversation about the same order
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issue.id", ondelete="SET NULL"), index=True)

    # invoice complaints
    invoice_reason: Mapped[InvoiceReason | None] = mapped_column(_enum(InvoiceReason, 16))
    invoice_number: Mapped[str] = mapped_column(String(64), default="")
    expected_amount: Mapped[money | None]  # how much less the seller says it owes (gross PLN)
    corrected_payer: Mapped[dict | None] = mapped_column(info=seller_personal("identity"))
    correction_amount: Mapped[money | None]  # what the accepted complaint gives back (gross PLN)
    correction_state: Mapped[str | None] = mapped_column(String(16))  # pending | issued
    correction_ref: Mapped[str] = mapped_column(String(64), default="")  # the correction invoice's number
    # a description complaint: the service's right description, for the correction invoice's line
    corrected_description: Mapped[str] = mapped_column(String(255), default="", server_default="")

    # carrier complaints: what the desk knew of the parcel when the complaint was written
    carrier: Mapped[str] = mapped_column(String(16), default="")
    carrier_kind: Mapped[CarrierKind | None] = mapped_column(_enum(CarrierKind, 16))
    waybill: Mapped[str] = mapped_column(String(64), default="")
    posted_at: Mapped[dt.datetime | None]
    delivered_at: Mapped[dt.datetime | None]
    parcel_value: Mapped[money | None]  # declared value (insurance)
    cod_amount: Mapped[money | None]
    fee_gross: Mapped[money | None]  # the broker's fee the seller paid for the parcel
    claimed_amount: Mapped[money | None]  # what the seller claims for the goods
    damage_report_made: Mapped[bool] = mapped_column(default=False)
    iban: Mapped[str] = mapped_column(String(34), default="", info=seller_personal("bank"))
    bank_name: Mapped[str] = mapped_column(String(120), default="")
    account_holder: Mapped[str] = mapped_column(String(200), default="", info=seller_personal("identity"))

    # with the broker
    submitted_at: Mapped[dt.datetime | None]
    answer_due_on: Mapped[dt.date | None] = mapped_column(Date)  # service and invoice complaints: 14 days
    # the broker's answer (or reason)
    answer: Mapped[str] = mapped_column(Text, default="", info={"personal": "free_text"})
    answered_at: Mapped[dt.datetime | None]
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    returned_at: Mapped[dt.datetime | None]
    forward_insisted_at: Mapped[dt.datetime | None]  # the seller asked to forward it after all

    # with the carrier
    forwarded_at: Mapped[dt.datetime | None]
    forward_channel: Mapped[str | None] = mapped_column(String(8))  # api | manual
    carrier_complaint_id: Mapped[str | None] = mapped_column(String(64), index=True)
    carrier_received_at: Mapped[dt.datetime | None]  # starts the 3-month clock (art. 75 Prawo przewozowe)
    carrier_checked_at: Mapped[dt.datetime | None]
    next_check_at: Mapped[dt.datetime | None]
    # the carrier's open request for documents
    carrier_request: Mapped[str] = mapped_column(Text, default="", info={"personal": "free_text"})
    carrier_missing: Mapped[list | None]  # the document kinds it asked for
    documents_requested_at: Mapped[dt.datetime | None]
    decided_at: Mapped[dt.datetime | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="", info={"personal": "free_text"})
    # paid by the carrier straight to the seller's bank account: recorded, never on the ledger
    compensation_amount: Mapped[money | None]
    compensation_paid_at: Mapped[dt.datetime | None]
    fee_refund_amount: Mapped[money | None]  # credited to the seller's balance (refund_entry_id)
    refund_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id", ondelete="SET NULL"))
    last_error: Mapped[str | None] = mapped_column(Text, info={"personal": "free_text"})

    created_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    updated_at: Mapped[created_at]

    files: Mapped[list[ComplaintFile]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintFile.id"
    )
    events: Mapped[list[ComplaintEvent]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintEvent.id"
    )

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def fee_refunded(self) -> Decimal:
        return self.fee_refund_amount or Decimal("0.00")


class ComplaintFile(db.Model):
    """A file of a complaint and the document it is (transport document, damage report, invoice...)."""

    __tablename__ = "complaint_file"
    __table_args__ = (personal_table("buyer", "doc_type", "content_type"),)

    id: Mapped[intpk]
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    doc_type: Mapped[str] = mapped_column(String(24))
    file_name: Mapped[str] = mapped_column(String(255), info={"personal": "free_text"})
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary, info={"personal": "file"})
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    sent_at: Mapped[dt.datetime | None]  # when it went to the carrier

    complaint: Mapped[Complaint] = relationship(back_populates="files")


class ComplaintEvent(db.Model):
    """History: state changes, answers, the carrier's requests and decisions, refunds, notes."""

    __tablename__ = "complaint_event"
    __table_args__ = (personal_table("buyer", "kind", "old_state", "new_state"),)

    id: Mapped[intpk]
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    at: Mapped[created_at]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(24))  # state | carrier_request | decision | refund | files | ...
    old_state: Mapped[str | None] = mapped_column(String(24))
    new_state: Mapped[str | None] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text, default="", info={"personal": "free_text"})
    mailed_at: Mapped[dt.datetime | None]  # a carrier's request, e-mailed to the seller (once)

    complaint: Mapped[Complaint] = relationship(back_populates="events")


class ReturnInstruction(enum.StrEnum):
    RESEND = "resend"  # send it to the buyer again
    RETURN_TO_SELLER = "return_to_seller"
    DISPOSE = "dispose"  # utilisation, at the seller's request


class ParcelReturn(db.Model):
    """An unclaimed parcel the carrier brought back to the broker: the seller is told and has 14 days to
    say what to do with it; the desk records what was decided and when it was done."""

    __tablename__ = "parcel_return"
    __table_args__ = (personal_table("buyer"),)

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"), index=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id", ondelete="CASCADE"), unique=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("order.id", ondelete="SET NULL"), index=True)
    returned_at: Mapped[dt.datetime]
    notified_at: Mapped[dt.datetime | None]
    mailed_at: Mapped[dt.datetime | None]  # e-mailed to the seller (once)
    instructions_due_on: Mapped[dt.date] = mapped_column(Date)
    decision: Mapped[ReturnInstruction | None] = mapped_column(_enum(ReturnInstruction, 20))
    decision_note: Mapped[str] = mapped_column(Text, default="", info={"personal": "free_text"})
    decided_at: Mapped[dt.datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    handled_at: Mapped[dt.datetime | None]  # the broker did what was decided
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
