"""Orders pulled from Allegro (checkout forms), their lines, history and internal notes."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, ForeignKey, Index, String, Text, UniqueConstraint, and_, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.extensions import db
from desk.orm import created_at, intpk, money, personal_table, str32, str64

if TYPE_CHECKING:
    from desk.models.agent import Agent

TAG_MAX_LENGTH = 40


class Order(db.Model):
    """One Allegro checkout form. Buyer fields are personal data (retention applies)."""

    __tablename__ = "order"
    __table_args__ = (
        UniqueConstraint("allegro_id", "account_id"),
        Index("ix_order_account_bought", "account_id", "bought_at", "id"),
        Index("ix_order_bought", "bought_at", "id"),
        # The orders desk sorts by total and filters its working queues (fulfilment status,
        # cash on delivery) newest first; these keep each of those an ordered index scan.
        Index("ix_order_account_total", "account_id", "total_amount", "id"),
        Index("ix_order_total", "total_amount", "id"),
        Index("ix_order_fulfillment_bought", "fulfillment_status", "bought_at", "id"),
        Index("ix_order_payment_bought", "payment_type", "bought_at", "id"),
        Index("ix_order_delivery_method", "delivery_method_name"),
        personal_table(
            "buyer", "allegro_id", "revision", "status", "fulfillment_status", "line_items_sent",
            "payment_type", "payment_provider", "currency", "delivery_method_id", "delivery_method_name",
            "surcharges", "tag", "shipments",
        ),
    )

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    allegro_id: Mapped[str64]
    revision: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str32] = mapped_column(index=True)
    fulfillment_status: Mapped[str | None] = mapped_column(String(32))  # ix_order_fulfillment_bought
    line_items_sent: Mapped[str | None] = mapped_column(String(8))
    bought_at: Mapped[dt.datetime | None]
    allegro_updated_at: Mapped[dt.datetime | None]
    synced_at: Mapped[created_at]

    buyer_allegro_id: Mapped[str | None] = mapped_column(String(64), info={"personal": "identity"})
    buyer_login: Mapped[str | None] = mapped_column(String(120), info={"personal": "identity"})
    buyer_email: Mapped[str | None] = mapped_column(String(254), info={"personal": "contact"})
    buyer_first_name: Mapped[str | None] = mapped_column(String(120), info={"personal": "identity"})
    buyer_last_name: Mapped[str | None] = mapped_column(String(120), info={"personal": "identity"})
    buyer_company: Mapped[str | None] = mapped_column(String(255), info={"personal": "identity"})
    buyer_phone: Mapped[str | None] = mapped_column(String(40), info={"personal": "contact"})

    payment_type: Mapped[str | None] = mapped_column(String(32))
    payment_provider: Mapped[str | None] = mapped_column(String(16))
    paid_amount: Mapped[money | None]
    paid_at: Mapped[dt.datetime | None]
    total_amount: Mapped[money]
    currency: Mapped[str] = mapped_column(String(3), default="PLN")

    delivery_method_id: Mapped[str | None] = mapped_column(String(64))
    delivery_method_name: Mapped[str | None] = mapped_column(String(200))
    delivery_cost: Mapped[money | None]
    delivery_address: Mapped[dict | None] = mapped_column(info={"personal": "address"})
    pickup_point: Mapped[dict | None] = mapped_column(info={"personal": "address"})
    invoice_required: Mapped[bool] = mapped_column(default=False)
    invoice: Mapped[dict | None] = mapped_column(info={"personal": "address"})  # invoice address, tax id
    message_to_seller: Mapped[str | None] = mapped_column(Text, info={"personal": "free_text"})
    surcharges: Mapped[list | None]
    tag: Mapped[str | None] = mapped_column(String(TAG_MAX_LENGTH))  # agents' own label, e.g. "pilne"
    # Tracking numbers as last read from Allegro (id, waybill, carrier_id, carrier_name, line_item_ids,
    # created_at), so pages show them without asking Allegro; None until first read.
    shipments: Mapped[list | None]
    shipments_read_at: Mapped[dt.datetime | None]

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )
    changes: Mapped[list[OrderChange]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderChange.id"
    )
    notes: Mapped[list[OrderNote]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderNote.id"
    )

    @property
    def is_cash_on_delivery(self) -> bool:
        return self.payment_type == "CASH_ON_DELIVERY"


class OrderLine(db.Model):
    __tablename__ = "order_line"

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), index=True)
    allegro_id: Mapped[str64]
    offer_id: Mapped[str64]
    offer_name: Mapped[str] = mapped_column(String(255))
    external_id: Mapped[str | None] = mapped_column(String(100))
    quantity: Mapped[int]
    price: Mapped[money]
    original_price: Mapped[Decimal | None]
    currency: Mapped[str] = mapped_column(String(3), default="PLN")

    order: Mapped[Order] = relationship(back_populates="lines")


class OrderChange(db.Model):
    """What changed on an order and why (sync, sweep repair, or an agent's write)."""

    __tablename__ = "order_change"
    __table_args__ = (personal_table("buyer", "source", "field"),)

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), index=True)
    at: Mapped[created_at]
    source: Mapped[str] = mapped_column(String(16))  # event | sweep | backfill | agent
    field: Mapped[str] = mapped_column(String(40))
    # an agent's field (tag, ...) may hold buyer data: erasure redacts all but the fields that cannot
    old_value: Mapped[str | None] = mapped_column(String(255), info={"personal": "free_text"})
    new_value: Mapped[str | None] = mapped_column(String(255), info={"personal": "free_text"})
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))

    order: Mapped[Order] = relationship(back_populates="changes")
    agent: Mapped[Agent | None] = relationship()


class OrderNote(db.Model):
    """An agent's internal note on an order; never sent to Allegro or the buyer."""

    __tablename__ = "order_note"
    __table_args__ = (personal_table("buyer"),)

    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    body: Mapped[str] = mapped_column(Text, info={"personal": "free_text"})

    order: Mapped[Order] = relationship(back_populates="notes")
    agent: Mapped[Agent | None] = relationship()


def shipment_record(
    *, id: str | None, waybill: str | None, carrier_id: str | None, carrier_name: str | None,
    line_item_ids=(), created_at: dt.datetime | None = None,
) -> dict:
    """One tracking number as `Order.shipments` holds it (plain JSON)."""
    return {
        "id": id,
        "waybill": waybill,
        "carrier_id": carrier_id,
        "carrier_name": carrier_name,
        "line_item_ids": list(line_item_ids),
        "created_at": created_at.isoformat() if created_at else None,
    }


def _prefix_index(column) -> Index:
    """An index serving `column LIKE 'prefix%'` whatever the database collation.

    PostgreSQL uses a plain btree for LIKE only under the C collation; the pattern operator
    class makes it usable under any (and it still serves equality lookups).
    """
    return Index(f"ix_order_{column.key}_search", column, postgresql_ops={column.key: "varchar_pattern_ops"})


# The search box matches each of these by prefix (order_search below), each through its index.
SEARCH_COLUMNS = (
    Order.allegro_id,
    Order.buyer_login,
    Order.buyer_email,
    Order.buyer_first_name,
    Order.buyer_last_name,
    Order.buyer_phone,
)
SEARCH_INDEXES = tuple(_prefix_index(column) for column in SEARCH_COLUMNS)
_ORDER_ID_PREFIX = re.compile(r"[0-9a-f-]{4,64}")
_PHONE = re.compile(r"\+?\d{3,15}")


def order_search(text: str, *, dialect: str) -> ColumnElement[bool]:
    """Orders whose id, buyer login, e-mail, first or last name, or phone starts with `text`.

    PostgreSQL's LIKE is case-sensitive, and a lower() expression index would not survive
    SQLite's batch migrations, so the usual spellings (as typed, lower, Capitalised, UPPER)
    are each matched by prefix: every branch stays an index range scan.
    """
    return or_(*order_search_parts(text, dialect=dialect))


def order_search_parts(text: str, *, dialect: str) -> list[ColumnElement[bool]]:
    """order_search's alternatives, one per searched column (the two-word name search adds one
    per pair of spellings)."""
    term = text.strip()
    names = (Order.buyer_login, Order.buyer_email, Order.buyer_first_name, Order.buyer_last_name)
    conditions = [_starts_with_any(column, term, dialect) for column in names]
    if _ORDER_ID_PREFIX.fullmatch(term.lower()):
        conditions.append(_starts_with(Order.allegro_id, term.lower(), dialect))
    phone = re.sub(r"[\s()-]", "", term)
    if _PHONE.fullmatch(phone):
        variants = [phone] if phone.startswith("+") else [phone, "+48" + phone]  # stored as +48601234567
        conditions += [_starts_with(Order.buyer_phone, variant, dialect) for variant in variants]
    words = term.split()
    if len(words) == 2:  # "Jan Kowalski" or "Kowalski Jan"
        for first, last in (words, words[::-1]):
            last_name = _starts_with_any(Order.buyer_last_name, last, dialect)
            # One branch per spelling of the first name keeps each branch an index range (SQLite).
            first_names = _spellings(Order.buyer_first_name, first, dialect)
            conditions += [and_(first_name, last_name) for first_name in first_names]
    return conditions


def _starts_with_any(column, term: str, dialect: str) -> ColumnElement[bool]:
    return or_(*_spellings(column, term, dialect))


def _spellings(column, term: str, dialect: str) -> list[ColumnElement[bool]]:
    spellings = sorted({term, term.lower(), term.upper(), term.capitalize(), term.title()})
    return [_starts_with(column, spelling, dialect) for spelling in spellings]


def _starts_with(column, prefix: str, dialect: str) -> ColumnElement[bool]:
    if dialect == "sqlite":
        # SQLite's LIKE ignores case and therefore indexes on plain columns; a range uses them.
        return and_(column >= prefix, column < prefix + "\U0010ffff")
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(escaped + "%", escape="\\")
