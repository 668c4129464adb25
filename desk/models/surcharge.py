"""Surcharges after the fact (dopłaty): what a carrier billed for a parcel days or months after it was sent,
with the carrier's evidence, the seller's review and the ledger entry that charged it.

A surcharge moves new -> accepted -> charged, or new -> disputed -> upheld -> charged | dropped. One the
import could not link to a shipment (an unknown waybill) has no account yet and waits on the review list
(state new) until an administrator links it. The carrier's reference is unique per carrier, so a billing
file imported twice adds nothing; each applied file is recorded once (`SurchargeImport`).
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.extensions import db
from desk.orm import created_at, intpk, money, personal_table


class SurchargeKind(enum.StrEnum):
    """Why the carrier charged more (the values of integrations.carriers.surcharges.SurchargeKind)."""

    OVERSIZE = "oversize"
    UNDERSTATED_WEIGHT = "understated_weight"
    WRONG_ADDRESS = "wrong_address"
    ADDRESS_CHANGE = "address_change"
    DAMAGE = "damage"
    DIRECT_ORDER = "direct_order"
    OTHER = "other"


class SurchargeState(enum.StrEnum):
    NEW = "new"  # arrived, waiting for the seller's review (or, unlinked, for an administrator)
    ACCEPTED = "accepted"  # the seller agrees; charged at once (the COD offset may take it instead)
    DISPUTED = "disputed"  # the seller contests it, with a reason; an administrator decides
    UPHELD = "upheld"  # the dispute was rejected: it is owed and charged
    DROPPED = "dropped"  # the dispute was accepted: nothing is charged
    CHARGED = "charged"  # a SURCHARGE ledger entry took it from the balance (or the next invoice)


OPEN = (SurchargeState.NEW, SurchargeState.DISPUTED)  # what still needs someone


class SurchargeImport(db.Model):
    """One billing file applied: the same file (carrier and content) is applied once."""

    __tablename__ = "surcharge_import"
    __table_args__ = (UniqueConstraint("carrier", "sha256", name="uq_surcharge_import_carrier_sha256"),)

    id: Mapped[intpk]
    carrier: Mapped[str] = mapped_column(String(16))
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255), default="")
    document: Mapped[str] = mapped_column(String(64), default="")  # the carrier's invoice number
    lines: Mapped[int] = mapped_column(default=0)
    added: Mapped[int] = mapped_column(default=0)  # lines that were new (the rest were imported before)
    unlinked: Mapped[int] = mapped_column(default=0)
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    imported_at: Mapped[created_at]


class Surcharge(db.Model):
    """One surcharge line of a carrier's billing file."""

    __tablename__ = "surcharge"
    # gross = net + VAT is checked on import (SQLite compares NUMERIC as floating point); the enum
    # columns store the members' names, hence 'NEW' and 'CHARGED' in the checks
    __table_args__ = (
        UniqueConstraint("carrier", "carrier_reference", name="uq_surcharge_carrier_reference"),
        CheckConstraint("net > 0 AND vat >= 0 AND gross > 0", name="amounts"),
        CheckConstraint("account_id IS NOT NULL OR state = 'NEW'", name="unlinked_is_new"),
        CheckConstraint("state <> 'CHARGED' OR ledger_entry_id IS NOT NULL", name="charged_has_entry"),
        Index("ix_surcharge_account_state", "account_id", "state", "id"),
        Index("ix_surcharge_state_id", "state", "id"),
        # the carrier's evidence is about the parcel; the seller's dispute texts may quote the receiver
        personal_table(
            "buyer", "carrier", "waybill", "carrier_code", "description", "carrier_reference", "document",
            "declared_size", "measured_size", "quoted",
        ),
    )

    id: Mapped[intpk]
    account_id: Mapped[int | None] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    shipment_id: Mapped[int | None] = mapped_column(
        ForeignKey("shipment.id", ondelete="SET NULL"), index=True
    )
    import_id: Mapped[int | None] = mapped_column(ForeignKey("surcharge_import.id", ondelete="SET NULL"))
    carrier: Mapped[str] = mapped_column(String(16))
    waybill: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[SurchargeKind] = mapped_column(db.Enum(SurchargeKind, native_enum=False, length=32))
    carrier_code: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    carrier_reference: Mapped[str] = mapped_column(String(64))  # the carrier's id of the charge
    document: Mapped[str] = mapped_column(String(64), default="")  # the carrier's invoice it came on
    charged_on: Mapped[dt.date]  # the carrier's date of the charge
    net: Mapped[money]
    vat_rate: Mapped[money]
    vat: Mapped[money]
    gross: Mapped[money]
    # the carrier's evidence: what the sender declared and what the carrier measured (None: not given)
    declared_weight_g: Mapped[int | None]
    declared_length_mm: Mapped[int | None]
    declared_width_mm: Mapped[int | None]
    declared_height_mm: Mapped[int | None]
    declared_size: Mapped[str] = mapped_column(String(16), default="")
    measured_weight_g: Mapped[int | None]
    measured_length_mm: Mapped[int | None]
    measured_width_mm: Mapped[int | None]
    measured_height_mm: Mapped[int | None]
    measured_size: Mapped[str] = mapped_column(String(16), default="")
    # the shipment's quote snapshot as it was when the surcharge arrived: parcels and price lines quoted
    quoted: Mapped[dict | None]
    state: Mapped[SurchargeState] = mapped_column(
        db.Enum(SurchargeState, native_enum=False, length=16), default=SurchargeState.NEW
    )
    arrived_at: Mapped[created_at]
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    reviewed_at: Mapped[dt.datetime | None]  # accepted or disputed
    dispute_reason: Mapped[str] = mapped_column(Text, default="", info={"personal": "free_text"})
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    resolved_at: Mapped[dt.datetime | None]
    resolution_note: Mapped[str] = mapped_column(Text, default="", info={"personal": "free_text"})
    linked_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id", ondelete="RESTRICT"))
    charged_at: Mapped[dt.datetime | None]

    ledger_entry = relationship("LedgerEntry")
    shipment = relationship("Shipment")
    account = relationship("SellerAccount")
