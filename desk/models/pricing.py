"""Price lists ("Cennik") the courier broker charges seller accounts by: freight rows and add-on prices.

A list is the public one (account_id NULL) or an individual list of one seller account. Lists of one
owner never overlap in validity (checked by desk.services.shipping.pricing.lists under a per-owner lock).
A list that has come into force is never edited: prices change through a new list from a date.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.extensions import db
from desk.orm import created_at, intpk, money, str32, str64

DEFAULT_VAT_RATE = Decimal("23.00")


class PriceList(db.Model):
    """One price list, valid from `valid_from` to `valid_to` inclusive (None: open-ended)."""

    __tablename__ = "price_list"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity"),
        Index("ix_price_list_owner_validity", "account_id", "valid_from"),
    )

    id: Mapped[intpk]
    account_id: Mapped[int | None] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=DEFAULT_VAT_RATE)
    created_at: Mapped[created_at]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))

    rows: Mapped[list[PriceRow]] = relationship(
        back_populates="price_list", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(PriceRow.carrier, PriceRow.service, PriceRow.size_class, PriceRow.weight_from_g)",
    )
    addons: Mapped[list[AddonPrice]] = relationship(
        back_populates="price_list", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(AddonPrice.code, AddonPrice.carrier, AddonPrice.service, AddonPrice.value_from)",
    )

    @property
    def is_public(self) -> bool:
        return self.account_id is None

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def has_started(self, today: dt.date) -> bool:
        """Whether the list has come into force (then it is read-only)."""
        return self.valid_from <= today


class PriceRow(db.Model):
    """Net freight price of one parcel of a carrier's service in a size class and weight band."""

    __tablename__ = "price_row"
    __table_args__ = (
        CheckConstraint("weight_from_g >= 0 AND weight_to_g >= weight_from_g", name="weight_band"),
        CheckConstraint("net >= 0", name="net"),
        Index("ix_price_row_lookup", "list_id", "carrier", "service"),
    )

    id: Mapped[intpk]
    list_id: Mapped[int] = mapped_column(ForeignKey("price_list.id", ondelete="CASCADE"))
    carrier: Mapped[str32]
    service: Mapped[str64]
    size_class: Mapped[str] = mapped_column(String(8), default="")  # "" = any size
    weight_from_g: Mapped[int]
    weight_to_g: Mapped[int]  # inclusive
    net: Mapped[money]

    price_list: Mapped[PriceList] = relationship(back_populates="rows")


class AddonPrice(db.Model):
    """Net price of an additional service (COD, insurance, SMS...): fixed + percent of the amount,
    at least `min_net`; COD and insurance may be banded by amount (value_from/value_to, PLN)."""

    __tablename__ = "addon_price"
    __table_args__ = (
        CheckConstraint("net_fixed >= 0 AND percent >= 0", name="non_negative"),
        Index("ix_addon_price_lookup", "list_id", "code"),
    )

    id: Mapped[intpk]
    list_id: Mapped[int] = mapped_column(ForeignKey("price_list.id", ondelete="CASCADE"))
    carrier: Mapped[str] = mapped_column(String(32), default="")  # "" = every carrier
    service: Mapped[str] = mapped_column(String(64), default="")  # "" = every service of it
    code: Mapped[str32]
    value_from: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    value_to: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    net_fixed: Mapped[money] = mapped_column(default=Decimal("0.00"))
    percent: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("0.00"))
    min_net: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))

    price_list: Mapped[PriceList] = relationship(back_populates="addons")
