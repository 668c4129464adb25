"""VAT invoices the broker issues to its seller accounts, and their corrections (faktury korygujące).

An invoice is a document: once issued its rows never change except for the payment columns (state,
paid amount, date, reference) and `mailed_at`. What it says is a snapshot taken at issue: the seller
(the broker, from the settings) and the buyer (the account's billing profile), each line's figures.

Numbers are gapless per series and month ("FV/2026/12/0001"): `InvoiceCounter` holds the last number of
each (series, year, month); issuing bumps it with an UPDATE (the row's write lock) in the same
transaction as the invoice, so a rolled-back issue gives its number back and two workers never share one.

Each ledger entry is invoiced at most once: `InvoiceLine.entry_id` is unique. A cancellation refund of an
entry not invoiced yet cancels it out instead: both are written to `NettedEntry` (also unique), so
neither is picked up again.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.extensions import db
from desk.orm import created_at, intpk, money, personal_table, seller_personal


class InvoiceKind(enum.StrEnum):
    VAT = "vat"  # RodzajFaktury VAT
    CORRECTION = "correction"  # RodzajFaktury KOR


class InvoiceState(enum.StrEnum):
    ISSUED = "issued"  # waiting for payment (a correction lowering the amount is settled at issue)
    PAID = "paid"


class CorrectionReason(enum.StrEnum):
    """Why an invoice was corrected (the accepted invoice complaint's kind, or a cancellation)."""

    DIMENSIONS = "dimensions"  # wrong dimensions or weight charged
    CHARGES = "charges"  # wrong charges
    PAYER_DATA = "payer_data"  # wrong buyer data
    DESCRIPTION = "description"  # wrong description of the service
    CANCELLATION = "cancellation"  # the shipment was cancelled and refunded after it was invoiced


class InvoiceCounter(db.Model):
    """The last number given in one series and month; its row is the numbering lock."""

    __tablename__ = "invoice_counter"

    series: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class Invoice(db.Model):
    """One issued VAT invoice or correction invoice, as it was issued."""

    __tablename__ = "invoice"
    __table_args__ = (
        UniqueConstraint("series", "year", "month", "seq", name="uq_invoice_series_month_seq"),
        CheckConstraint("kind <> 'CORRECTION' OR corrects_id IS NOT NULL", name="correction_has_original"),
        Index("ix_invoice_account_issued", "account_id", "issue_date"),
        Index("ix_invoice_state_due", "state", "due_date"),
        # a tax document: kept as issued whatever happens to anyone's data elsewhere
        personal_table(
            "seller", "series", "number", "issue_key", "seller", "payment_reference", "correction_text"
        ),
    )

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id"))
    kind: Mapped[InvoiceKind] = mapped_column(db.Enum(InvoiceKind, native_enum=False, length=16))
    series: Mapped[str] = mapped_column(String(8))  # FV | KOR
    year: Mapped[int]
    month: Mapped[int]
    seq: Mapped[int]  # 1, 2, 3 ... within the series and month, gapless
    number: Mapped[str] = mapped_column(String(40), unique=True)  # FV/2026/12/0001
    # what it was issued for, so a retried or repeated run finds it instead of issuing again:
    # "entry:42" (per order), "period:7:2026-12-01:2026-12-15", "single:42", "refund:43", "complaint:..."
    issue_key: Mapped[str] = mapped_column(String(120), unique=True)
    issue_date: Mapped[dt.date]  # P_1
    sale_date: Mapped[dt.date | None]  # P_6: the day of the service (per order, single)
    period_start: Mapped[dt.date | None]  # P_6_Od / P_6_Do: the period of a periodic invoice
    period_end: Mapped[dt.date | None]
    seller: Mapped[dict]  # name, nip, street, postcode, city, bank_account (the broker)
    buyer: Mapped[dict] = mapped_column(info=seller_personal("identity"))  # name, nip, street, postcode, city
    net: Mapped[money]  # a correction's totals are the differences it makes
    vat: Mapped[money]
    gross: Mapped[money]
    payment_days: Mapped[int] = mapped_column(default=0)
    due_date: Mapped[dt.date]
    # the account cannot order shipments while this is unpaid after this day (due + the setting's days)
    block_after: Mapped[dt.date]
    state: Mapped[InvoiceState] = mapped_column(
        db.Enum(InvoiceState, native_enum=False, length=16), default=InvoiceState.ISSUED
    )
    paid_amount: Mapped[money] = mapped_column(default=Decimal("0.00"))
    paid_at: Mapped[dt.date | None]
    payment_reference: Mapped[str] = mapped_column(String(120), default="")
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"), index=True)
    correction_reason: Mapped[CorrectionReason | None] = mapped_column(
        db.Enum(CorrectionReason, native_enum=False, length=16)
    )
    correction_text: Mapped[str] = mapped_column(Text, default="")  # PrzyczynaKorekty as written
    # the CORRECTION ledger entry a complaint's correction posted (None: the money moved otherwise)
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))
    mailed_at: Mapped[dt.datetime | None]  # e-mailed to the account's billing address (once)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.position", cascade="all, delete-orphan"
    )
    corrects: Mapped[Invoice | None] = relationship(remote_side="Invoice.id")


class InvoiceLine(db.Model):
    """One line: what was sold, net + VAT = gross. A correction's line carries the state before and after
    (its own figures are the state after; the difference is after minus before)."""

    __tablename__ = "invoice_line"
    __table_args__ = (UniqueConstraint("invoice_id", "position"),)

    id: Mapped[intpk]
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="CASCADE"))
    position: Mapped[int]  # 1, 2, 3 ... (NrWierszaFa)
    # the ledger entry this line invoices: unique, so no entry is ever invoiced twice (a correction line
    # caused by a refund holds the refund entry; a complaint's correction lines hold none)
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_entry.id"), unique=True
    )
    shipment_id: Mapped[int | None] = mapped_column(
        ForeignKey("shipment.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(String(512))
    quantity: Mapped[int] = mapped_column(default=1)
    unit_net: Mapped[money]
    vat_rate: Mapped[int] = mapped_column(default=23)  # percent
    net: Mapped[money]
    vat: Mapped[money]
    gross: Mapped[money]
    # a correction line: the line it corrects and that line's figures before the correction
    corrects_line_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_line.id"))
    before_description: Mapped[str | None] = mapped_column(String(512))
    before_net: Mapped[money | None]
    before_vat: Mapped[money | None]
    before_gross: Mapped[money | None]

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class NettedEntry(db.Model):
    """A ledger entry settled without an invoice: a charge cancelled and refunded before it was invoiced,
    and that refund (each recorded once, pointing at the other)."""

    __tablename__ = "netted_entry"

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("ledger_entry.id"), primary_key=True
    )
    against_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))
    created_at: Mapped[created_at]
