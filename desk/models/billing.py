"""The broker's money per seller account: its billing profile and an append-only ledger.

Every zloty that moves is a `LedgerEntry` (credit > 0, debit < 0); the balance is their sum. Rows are
never updated or deleted: a mistake is undone by a further entry. `BillingProfile.entry_count` is the one
column that changes: it is bumped as the first statement of every posting, which takes the account's
write lock on every database (a row lock on PostgreSQL, the database lock on SQLite), so two workers
charging one account are serialised and the balance a posting checks is the balance it writes after.
Each entry carries its number in the account (`seq`, unique with the account) and the balance after it.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desk.extensions import db
from desk.orm import created_at, intpk, money, personal_table, seller_personal


class PaymentMode(enum.StrEnum):
    PREPAID = "prepaid"  # from the balance (saldo) topped up in advance
    INVOICE = "invoice"  # on invoice, within a credit limit (an agreement with the broker)


class InvoiceMode(enum.StrEnum):
    PER_ORDER = "per_order"  # each shipment invoiced at once (16:00 rule)
    SEMIMONTHLY = "semimonthly"  # 1-15 and 16-end of month
    MONTHLY = "monthly"


class EntryKind(enum.StrEnum):
    TOPUP = "topup"
    SHIPMENT_CHARGE = "shipment_charge"
    SURCHARGE = "surcharge"
    CANCEL_REFUND = "cancel_refund"
    CANCEL_FEE = "cancel_fee"
    CORRECTION = "correction"
    COD_OFFSET = "cod_offset"
    WITHDRAWAL = "withdrawal"
    WITHDRAWAL_FEE = "withdrawal_fee"


class BillingProfile(db.Model):
    """How one seller account pays the broker, and who the invoices are made out to."""

    __tablename__ = "billing_profile"
    __table_args__ = (
        CheckConstraint("credit_limit >= 0", name="credit_limit_not_negative"),
        personal_table("seller"),
    )

    account_id: Mapped[int] = mapped_column(
        ForeignKey("seller_account.id", ondelete="CASCADE"), primary_key=True
    )
    payment_mode: Mapped[PaymentMode] = mapped_column(
        db.Enum(PaymentMode, native_enum=False, length=16), default=PaymentMode.PREPAID
    )
    credit_limit: Mapped[money] = mapped_column(default=Decimal("0.00"))
    invoice_mode: Mapped[InvoiceMode] = mapped_column(
        db.Enum(InvoiceMode, native_enum=False, length=16), default=InvoiceMode.PER_ORDER
    )
    # the invoices' buyer (the seller's company); NIP kept as 10 digits
    company_name: Mapped[str] = mapped_column(String(200), default="", info=seller_personal("identity"))
    nip: Mapped[str] = mapped_column(String(10), default="", info=seller_personal("identity"))
    street: Mapped[str] = mapped_column(String(120), default="", info=seller_personal("address"))
    postcode: Mapped[str] = mapped_column(String(10), default="", info=seller_personal("address"))
    city: Mapped[str] = mapped_column(String(60), default="", info=seller_personal("address"))
    billing_email: Mapped[str] = mapped_column(String(254), default="", info=seller_personal("contact"))
    # where withdrawals (and, for the broker's own contracts, COD) are paid; compact IBAN
    payout_iban: Mapped[str] = mapped_column(String(34), default="", info=seller_personal("bank"))
    entry_count: Mapped[int] = mapped_column(default=0)  # the posting lock and the last entry's seq
    updated_at: Mapped[dt.datetime | None]


class LedgerEntry(db.Model):
    """One movement of money on an account's balance; append-only."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        UniqueConstraint("account_id", "seq", name="uq_ledger_entry_account_seq"),
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        Index("ix_ledger_entry_account_created", "account_id", "created_at"),
        Index("ix_ledger_entry_shipment", "shipment_id"),
        # the billing page's kind filter, newest first, without reading the account's other entries
        Index("ix_ledger_entry_account_kind_created", "account_id", "kind", "created_at"),
    )

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    seq: Mapped[int]  # 1, 2, 3 ... per account, gapless
    kind: Mapped[EntryKind] = mapped_column(db.Enum(EntryKind, native_enum=False, length=32))
    amount: Mapped[money]  # gross PLN: credit > 0, debit < 0
    balance_after: Mapped[money]
    # what the entry is about; the key makes a retried posting a no-op ("charge:shipment:42")
    key: Mapped[str] = mapped_column(String(120), unique=True)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipment.id", ondelete="SET NULL"))
    reference: Mapped[str] = mapped_column(String(120), default="")  # bank transfer title, invoice number
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
