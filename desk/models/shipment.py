"""Parcels the desk orders from carriers: the shipment order (recorded before it is sent, so it is sent
exactly once) and the tracking events that follow it."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.extensions import db
from desk.orm import created_at, intpk, money, personal_table


class ShipmentStatus(enum.StrEnum):
    """Where the desk's order of a shipment stands at the carrier (the parcel's journey is
    `Shipment.tracking_state`)."""

    ORDERING = "ordering"  # recorded; not sent yet, or certainly not received (safe to send)
    CHECKING = "checking"  # the carrier may have it: read it back before anything is sent again
    PENDING = "pending"  # accepted, the carrier is still processing it (ShipX offers, Allegro command)
    CONFIRMED = "confirmed"  # waybills assigned, labels can be printed
    SENT = "sent"  # in the carrier's books (e-Nadawca envelope sent, DPD protocol)
    FAILED = "failed"  # the carrier refused it; the request stays for the agent to fix
    CANCELLED = "cancelled"


LIVE = (ShipmentStatus.ORDERING, ShipmentStatus.CHECKING, ShipmentStatus.PENDING)


class Shipment(db.Model):
    """One shipment order: its request as sent (with the key the carrier knows it by), what it was
    quoted, and what the carrier made of it."""

    __tablename__ = "shipment"
    __table_args__ = (
        Index("ix_shipment_status_next", "status", "next_check_at"),
        Index("ix_shipment_account_created", "account_id", "created_at"),
        Index("ix_shipment_state_order", "tracking_state", "order_id"),  # the orders list's parcel filter
        personal_table(
            "buyer", "carrier", "service", "idempotency_key", "carrier_shipment_id", "waybills", "quote",
            "tracking_state",
        ),
    )

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("order.id", ondelete="SET NULL"), index=True)
    carrier: Mapped[str] = mapped_column(String(16))  # inpost | dpd | poczta | allegro
    service: Mapped[str] = mapped_column(String(64))
    status: Mapped[ShipmentStatus] = mapped_column(
        db.Enum(ShipmentStatus, native_enum=False, length=16), default=ShipmentStatus.ORDERING
    )
    # generated and stored before the first send; the carrier keeps it (Allegro's commandId, ShipX
    # external_customer_id, DPD's package search key, e-Nadawca's guid), so a lost answer is read back
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    carrier_shipment_id: Mapped[str | None] = mapped_column(String(64), index=True)
    waybills: Mapped[list] = mapped_column(default=list)
    request: Mapped[dict] = mapped_column(info={"personal": "address"})  # the ShipmentRequest as sent
    quote: Mapped[dict | None]  # the quote snapshot it was ordered at (lines, parameters, list)
    price_gross: Mapped[money | None]
    cod_amount: Mapped[money | None]
    reference: Mapped[str] = mapped_column(String(100), default="", info={"personal": "free_text"})
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text, info={"personal": "free_text"})
    # the carrier's per-field problems when it refused the data (they may quote the receiver's)
    problems: Mapped[list | None] = mapped_column(info={"personal": "free_text"})
    tracking_state: Mapped[str | None] = mapped_column(String(20))
    tracking_at: Mapped[dt.datetime | None]  # the newest event's time
    tracking_next_at: Mapped[dt.datetime | None] = mapped_column(index=True)  # None: not followed any more
    # the waybills written to the Allegro order, and the order marked sent on handover (each once)
    order_tracking_at: Mapped[dt.datetime | None]
    order_sent_at: Mapped[dt.datetime | None]
    accepted_mail_at: Mapped[dt.datetime | None]  # the account was told by e-mail that the carrier took it
    created_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    sent_at: Mapped[dt.datetime | None]  # the first attempt
    confirmed_at: Mapped[dt.datetime | None]
    cancelled_at: Mapped[dt.datetime | None]
    next_check_at: Mapped[dt.datetime | None]  # when the job looks at it again (None: nothing to do)

    events: Mapped[list[ShipmentEvent]] = relationship(
        back_populates="shipment", order_by="ShipmentEvent.at", cascade="all, delete-orphan"
    )


class ShipmentEvent(db.Model):
    """One tracking event as the carrier reported it, with the common state it maps to."""

    __tablename__ = "shipment_event"
    # the carrier's words about its own depots and steps, not about the receiver
    __table_args__ = (
        UniqueConstraint("shipment_id", "waybill", "code", "at"),
        personal_table("buyer", "waybill", "code", "text", "state", "location"),
    )

    id: Mapped[intpk]
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id", ondelete="CASCADE"), index=True)
    waybill: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(String(255), default="")
    at: Mapped[dt.datetime]
    state: Mapped[str | None] = mapped_column(String(20))  # None: an event that only informs
    known: Mapped[bool] = mapped_column(default=True)
    location: Mapped[str] = mapped_column(String(120), default="")

    shipment: Mapped[Shipment] = relationship(back_populates="events")


class PackagePreset(db.Model):
    """A parcel an account sends often ("mała koperta", "karton 30×20×10 1 kg"), to fill the form with."""

    __tablename__ = "package_preset"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    length_mm: Mapped[int]
    width_mm: Mapped[int]
    height_mm: Mapped[int]
    weight_g: Mapped[int]
    template: Mapped[str] = mapped_column(String(16), default="")  # locker size (small/medium/large), gabaryt
    created_at: Mapped[created_at]

class ShipmentLabel(db.Model):
    """A label fetched from the carrier, kept so that printing it again does not ask the carrier again
    (one row per shipment, format and size; A4 sheets are composed from the A6 label)."""

    __tablename__ = "shipment_label"
    __table_args__ = (
        UniqueConstraint("shipment_id", "format", "size"),
        personal_table("buyer", "format", "size"),
    )

    id: Mapped[intpk]
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(String(8))  # pdf | zpl
    size: Mapped[str] = mapped_column(String(8))  # A6 | A4 | "" (ZPL)
    content: Mapped[bytes] = mapped_column(db.LargeBinary, info={"personal": "file"})
    fetched_at: Mapped[created_at]


class BatchState(enum.StrEnum):
    """Where a bulk send ("Nadaj zaznaczone") stands."""

    QUEUED = "queued"  # recorded, no item taken by the worker yet
    RUNNING = "running"
    DONE = "done"  # no item is waiting or being sent


class BatchItemStatus(enum.StrEnum):
    """One order of a bulk send."""

    WAITING = "waiting"  # for the worker (also after a retry)
    SENDING = "sending"  # a worker holds it (until `next_try_at`; then another may take it over)
    SENT = "sent"  # its shipment is recorded and handed to the carrier (the shipment tells the rest)
    FAILED = "failed"  # refused; the error stays until the agent fixes and retries it


class ShipmentBatch(db.Model):
    """Orders an agent sent together from the orders list; the worker sends its items one by one."""

    __tablename__ = "shipment_batch"

    id: Mapped[intpk]
    # the preview form's key: the same confirmation posted twice records one batch
    key: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    state: Mapped[BatchState] = mapped_column(
        db.Enum(BatchState, native_enum=False, length=16), default=BatchState.QUEUED
    )
    total: Mapped[int] = mapped_column(default=0)
    sent_count: Mapped[int] = mapped_column(default=0)
    failed_count: Mapped[int] = mapped_column(default=0)

    items: Mapped[list[ShipmentBatchItem]] = relationship(
        back_populates="batch", order_by="ShipmentBatchItem.id", cascade="all, delete-orphan"
    )


class ShipmentBatchItem(db.Model):
    """One order of a batch: the request and quote as previewed, and what became of it. Its key is the
    shipment's idempotency key, so a retry or a second worker finds the same shipment, never a new one."""

    __tablename__ = "shipment_batch_item"
    __table_args__ = (
        Index("ix_shipment_batch_item_status_next", "status", "next_try_at"),
        # One order is queued or being sent by one item at a time, whatever the number of tabs, batches
        # and web processes: the database refuses the second (the enum is stored by its names).
        Index(
            "uq_shipment_batch_item_live_order",
            "order_id",
            unique=True,
            postgresql_where=text("status IN ('WAITING', 'SENDING')"),
            sqlite_where=text("status IN ('WAITING', 'SENDING')"),
        ),
        personal_table("buyer", "carrier", "service", "quote", "idempotency_key"),
    )

    id: Mapped[intpk]
    batch_id: Mapped[int] = mapped_column(ForeignKey("shipment_batch.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("order.id", ondelete="SET NULL"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"), index=True)
    carrier: Mapped[str] = mapped_column(String(16))
    service: Mapped[str] = mapped_column(String(64))
    request: Mapped[dict] = mapped_column(info={"personal": "address"})  # codec-encoded ShipmentRequest
    quote: Mapped[dict | None]
    price_gross: Mapped[money | None]
    status: Mapped[BatchItemStatus] = mapped_column(
        db.Enum(BatchItemStatus, native_enum=False, length=16), default=BatchItemStatus.WAITING
    )
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipment.id", ondelete="SET NULL"))
    error: Mapped[str | None] = mapped_column(Text, info={"personal": "free_text"})
    # the carrier's per-field problems (field, code, params, message)
    problems: Mapped[list | None] = mapped_column(info={"personal": "free_text"})
    attempts: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[dt.datetime | None]  # the worker's claim column (None: nothing to do)

    batch: Mapped[ShipmentBatch] = relationship(back_populates="items")
    shipment: Mapped[Shipment | None] = relationship()
