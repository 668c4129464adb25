"""Cash on delivery (pobranie): what each COD shipment collects and where the money stands, the carriers'
remittances that bring it to the broker, offsets against the account's dues, and the payouts.

A COD shipment moves to_collect -> collected (the carrier has the buyer's money, known from tracking) ->
received (the carrier's remittance reached the broker) -> due (its payout day has come) -> paid; or it
is withheld (the account's payouts are held), or returned with the parcel. Wysyłam z Allegro COD goes to
the seller's Allegro wallet: the desk follows it to `collected` and pays nothing.

A payout belongs to one batch; an item is tied to its payout by `payout_id` before any CSV is written,
so no item can be in two transfers. `CodAccount.lock_count` is bumped as the first statement of any
work on an account's COD money (payouts, offsets, holds): the row lock serialises two workers.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.extensions import db
from desk.orm import created_at, intpk, money, personal_table, seller_personal

if TYPE_CHECKING:
    from desk.models.shipment import Shipment

TIERS = (1, 5, 10)  # working days from the day after delivery


class CodState(enum.StrEnum):
    TO_COLLECT = "to_collect"  # the parcel is on its way
    COLLECTED = "collected"  # delivered: the carrier holds the buyer's money
    RECEIVED = "received"  # the carrier's remittance reached the broker; the payout day has not come
    DUE = "due"  # to be paid to the seller (in the next payout batch)
    PAID = "paid"  # transferred (or wholly set off against the account's dues)
    WITHHELD = "withheld"  # due, but the account's payouts are held
    RETURNED = "returned"  # the parcel went back to the sender: nothing was collected
    CANCELLED = "cancelled"  # the shipment was cancelled or refused before it left


class PayoutSink(enum.StrEnum):
    BANK_ACCOUNT = "bank_account"  # the broker's own contracts: the broker pays the seller's bank account
    ALLEGRO_WALLET = "allegro_wallet"  # Wysyłam z Allegro: Allegro pays the seller's wallet (tracked only)


class HoldSource(enum.StrEnum):
    DUES = "dues"  # set and lifted by the desk as the account's dues come and go
    MANUAL = "manual"  # set and lifted by an administrator


class CodAccount(db.Model):
    """An account's COD settings and its payout hold."""

    __tablename__ = "cod_account"
    __table_args__ = (CheckConstraint("default_tier IN (1, 5, 10)", name="default_tier_known"),)

    account_id: Mapped[int] = mapped_column(
        ForeignKey("seller_account.id", ondelete="CASCADE"), primary_key=True
    )
    default_tier: Mapped[int] = mapped_column(default=5)
    held: Mapped[bool] = mapped_column(default=False)
    hold_source: Mapped[HoldSource | None] = mapped_column(db.Enum(HoldSource, native_enum=False, length=16))
    hold_reason: Mapped[str] = mapped_column(Text, default="")
    held_at: Mapped[dt.datetime | None]
    held_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    lock_count: Mapped[int] = mapped_column(default=0)  # bumped to take the account's COD lock
    updated_at: Mapped[dt.datetime | None]


class ShipmentCod(db.Model):
    """The cash on delivery of one shipment and where its money stands."""

    __tablename__ = "shipment_cod"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("tier IN (1, 5, 10)", name="tier_known"),
        CheckConstraint("offset_amount >= 0 AND offset_amount <= amount", name="offset_within_amount"),
        Index("ix_shipment_cod_account_state", "account_id", "state", "due_on"),  # an account's due money
        Index("ix_shipment_cod_state_due", "state", "due_on"),
        Index("ix_shipment_cod_carrier_waybill", "carrier", "waybill"),
        personal_table("seller", "carrier", "waybill", "bank_name"),
    )

    id: Mapped[intpk]
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id", ondelete="CASCADE"), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    carrier: Mapped[str] = mapped_column(String(16))
    waybill: Mapped[str | None] = mapped_column(String(64))  # the first waybill, once the carrier gave it
    amount: Mapped[money]  # what the carrier collects from the buyer, PLN
    tier: Mapped[int]
    sink: Mapped[PayoutSink] = mapped_column(db.Enum(PayoutSink, native_enum=False, length=16))
    iban: Mapped[str] = mapped_column(String(34), default="", info=seller_personal("bank"))  # compact
    bank_name: Mapped[str] = mapped_column(String(160), default="")
    state: Mapped[CodState] = mapped_column(
        db.Enum(CodState, native_enum=False, length=16), default=CodState.TO_COLLECT
    )
    delivered_at: Mapped[dt.datetime | None]
    due_on: Mapped[dt.date | None] = mapped_column(Date)  # the payout day (Polish working days)
    received_amount: Mapped[money] = mapped_column(default=Decimal("0.00"))
    received_at: Mapped[dt.datetime | None]
    offset_amount: Mapped[money] = mapped_column(default=Decimal("0.00"))  # set off against dues
    payout_id: Mapped[int | None] = mapped_column(
        ForeignKey("cod_payout.id", ondelete="SET NULL"), index=True
    )
    paid_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]  # returned or cancelled
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime | None]

    shipment: Mapped[Shipment] = relationship()

    @property
    def payable(self) -> Decimal:
        """What the seller still gets: the amount less what was set off against dues."""
        return self.amount - self.offset_amount


class CodOffset(db.Model):
    """Part of a COD amount set off against one of the account's dues; its ledger entry pays the due.
    One per (COD, due): the same due is never set off twice against the same COD."""

    __tablename__ = "cod_offset"
    __table_args__ = (
        UniqueConstraint("cod_id", "due_kind", "due_id", name="uq_cod_offset_cod_due"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[intpk]
    cod_id: Mapped[int] = mapped_column(ForeignKey("shipment_cod.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"), index=True)
    due_kind: Mapped[str] = mapped_column(String(32))  # balance | invoice | surcharge
    due_id: Mapped[str] = mapped_column(String(64))
    amount: Mapped[money]
    ledger_entry_id: Mapped[int] = mapped_column(
        ForeignKey("ledger_entry.id", ondelete="CASCADE"), unique=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]


class BatchStatus(enum.StrEnum):
    OPEN = "open"  # being built (a crashed build leaves it open; building again finishes it)
    READY = "ready"  # every account looked at; waiting for the export
    EXPORTED = "exported"  # the transfer file was made and its payouts marked paid


class CodPayoutBatch(db.Model):
    """One day's payouts: what was due that day, one transfer per account and bank account."""

    __tablename__ = "cod_payout_batch"
    __table_args__ = (UniqueConstraint("pay_date", "number", name="uq_cod_payout_batch_day_number"),)

    id: Mapped[intpk]
    pay_date: Mapped[dt.date] = mapped_column(Date)
    number: Mapped[int] = mapped_column(default=1)  # a second batch the same day gets 2
    # the pay date while not exported, NULL after: one batch in the making per day, whoever opens it
    open_day: Mapped[dt.date | None] = mapped_column(Date, unique=True)
    status: Mapped[BatchStatus] = mapped_column(
        db.Enum(BatchStatus, native_enum=False, length=16), default=BatchStatus.OPEN
    )
    created_at: Mapped[created_at]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    built_at: Mapped[dt.datetime | None]
    exported_at: Mapped[dt.datetime | None]
    exported_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))


class CodPayout(db.Model):
    """One bank transfer to a seller: the sum of its items, to one account number."""

    __tablename__ = "cod_payout"
    __table_args__ = (
        UniqueConstraint("batch_id", "account_id", "iban", name="uq_cod_payout_batch_account_iban"),
        CheckConstraint("amount > 0", name="amount_positive"),
        personal_table("seller"),
    )

    id: Mapped[intpk]
    batch_id: Mapped[int] = mapped_column(ForeignKey("cod_payout_batch.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"), index=True)
    iban: Mapped[str] = mapped_column(String(34), info=seller_personal("bank"))
    amount: Mapped[money]
    items: Mapped[int] = mapped_column(default=0)
    paid_at: Mapped[dt.datetime | None]
    created_at: Mapped[created_at]


class LineOutcome(enum.StrEnum):
    MATCHED = "matched"  # the expected amount of a known COD
    SHORT = "short"  # less than expected
    OVER = "over"  # more than expected
    UNKNOWN = "unknown"  # no COD shipment of this carrier has the waybill
    DUPLICATE = "duplicate"  # the COD had already been received in full
    UNEXPECTED = "unexpected"  # a COD the carrier should not remit to the broker (Allegro wallet, returned)


class CodRemittance(db.Model):
    """A carrier's COD remittance file as imported (each file once)."""

    __tablename__ = "cod_remittance"

    id: Mapped[intpk]
    carrier: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(64), default="")  # the carrier's statement number
    file_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(200), default="")
    transfer_date: Mapped[dt.date | None] = mapped_column(Date)
    total: Mapped[money]
    line_count: Mapped[int]
    imported_at: Mapped[created_at]
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))


class CodRemittanceLine(db.Model):
    """One line of a remittance and what it matched; anything but a match waits on the review list."""

    __tablename__ = "cod_remittance_line"
    __table_args__ = (
        UniqueConstraint("remittance_id", "line_no", name="uq_cod_remittance_line_no"),
        Index("ix_cod_remittance_line_review", "needs_review", "resolved_at"),
    )

    id: Mapped[intpk]
    remittance_id: Mapped[int] = mapped_column(
        ForeignKey("cod_remittance.id", ondelete="CASCADE"), index=True
    )
    line_no: Mapped[int]
    waybill: Mapped[str] = mapped_column(String(64))
    amount: Mapped[money]
    expected: Mapped[money | None]  # what the COD still expected when the line arrived
    collected_on: Mapped[dt.date | None] = mapped_column(Date)
    cod_id: Mapped[int | None] = mapped_column(ForeignKey("shipment_cod.id", ondelete="SET NULL"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("seller_account.id", ondelete="SET NULL"))
    outcome: Mapped[LineOutcome] = mapped_column(db.Enum(LineOutcome, native_enum=False, length=16))
    needs_review: Mapped[bool] = mapped_column(default=False)
    resolved_at: Mapped[dt.datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    resolution: Mapped[str] = mapped_column(Text, default="")

    remittance: Mapped[CodRemittance] = relationship()
