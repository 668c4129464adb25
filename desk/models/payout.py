"""Money coming into and going out of the seller accounts' balances: top-ups (a bank transfer recorded by
an administrator or read from a bank statement; later perhaps an online payment) and payouts of the
balance to the account's bank account, exported to the bank in transfer files.

The ledger entry is what moves the balance; these rows say where the money came from or goes to and
keep the state the ledger has no place for (a payout exported, then paid).
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desk.extensions import db
from desk.orm import created_at, intpk, money, personal_table, seller_personal


class TopupSource(enum.StrEnum):
    MANUAL = "manual"  # an administrator typed it from the bank's history
    BANK_CSV = "bank_csv"  # a row of an imported bank statement
    # an online payment gateway would add its own source; the ledger needs no change for it


class Topup(db.Model):
    """One payment into an account's balance, unique per source and the source's own id (the bank's
    transaction id, the form's key), so a statement imported twice books each transfer once."""

    __tablename__ = "topup"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_topup_source_external"),
        Index("ix_topup_account_booked", "account_id", "booked_on"),
        personal_table("seller", "external_id", "reference"),
    )

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    source: Mapped[TopupSource] = mapped_column(db.Enum(TopupSource, native_enum=False, length=16))
    external_id: Mapped[str] = mapped_column(String(120))
    amount: Mapped[money]
    booked_on: Mapped[dt.date]  # the day the bank booked the transfer
    reference: Mapped[str] = mapped_column(String(140), default="")  # the transfer's title
    sender: Mapped[str] = mapped_column(String(140), default="", info=seller_personal("identity"))
    sender_account: Mapped[str] = mapped_column(String(34), default="", info=seller_personal("bank"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id", ondelete="SET NULL"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]


class PayoutState(enum.StrEnum):
    REQUESTED = "requested"  # the balance is already debited; waiting for the bank transfer file
    EXPORTED = "exported"  # in exactly one transfer file; waiting to be marked paid
    PAID = "paid"


class Payout(db.Model):
    """A withdrawal of the balance to the account's bank account: its WITHDRAWAL and WITHDRAWAL_FEE
    entries are posted when it is requested; it then moves requested -> exported -> paid, each step a
    compare-and-set on the state, so it is exported in one file only and paid once."""

    __tablename__ = "payout"
    __table_args__ = (
        Index("ix_payout_state_due", "state", "due_on"),
        Index("ix_payout_account_requested", "account_id", "requested_at"),
        personal_table("seller", "key", "bank_name"),
    )

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64), unique=True)  # the request form's key
    amount: Mapped[money]  # what reaches the bank account
    fee: Mapped[money]  # kept by the broker, on top of the amount
    iban: Mapped[str] = mapped_column(String(34), info=seller_personal("bank"))  # compact, as requested
    bank_name: Mapped[str] = mapped_column(String(140), default="")
    holder: Mapped[str] = mapped_column(String(200), default="", info=seller_personal("identity"))
    state: Mapped[PayoutState] = mapped_column(
        db.Enum(PayoutState, native_enum=False, length=16), default=PayoutState.REQUESTED
    )
    requested_at: Mapped[created_at]
    due_on: Mapped[dt.date]  # at the latest: 5 Polish working days after the request
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    export_id: Mapped[int | None] = mapped_column(ForeignKey("payout_export.id", ondelete="SET NULL"))
    exported_at: Mapped[dt.datetime | None]
    paid_at: Mapped[dt.datetime | None]
    paid_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))


class PayoutExport(db.Model):
    """One bank transfer file: the payouts it took (each in no other file) and the file as made, so it
    can be downloaded again without exporting anything twice."""

    __tablename__ = "payout_export"
    __table_args__ = (personal_table("seller"),)

    id: Mapped[intpk]
    created_at: Mapped[created_at]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    count: Mapped[int] = mapped_column(default=0)
    total: Mapped[money]
    content: Mapped[str] = mapped_column(Text, default="", info=seller_personal("bank"))
