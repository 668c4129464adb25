"""Courier pickups the desk ordered: recorded before the carrier is asked, so a call is made once."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desk.extensions import db
from desk.orm import created_at, intpk, personal_table, seller_personal


class PickupStatus(enum.StrEnum):
    """Where the desk's courier call stands."""

    ORDERING = "ordering"  # recorded, not sent (or certainly not received): safe to send
    CHECKING = "checking"  # in flight, or its answer was lost: never sent again by the desk
    ORDERED = "ordered"  # the carrier accepted it
    FAILED = "failed"  # the carrier refused it (the same form may be sent again)


class Pickup(db.Model):
    """One courier call: the window asked for, what the carrier confirmed, and the shipments it takes."""

    __tablename__ = "pickup"
    __table_args__ = (
        Index("ix_pickup_account_day", "account_id", "day"),
        personal_table(
            "seller", "carrier", "idempotency_key", "proposal_id", "carrier_pickup_id", "carrier_state",
            "shipment_ids", "last_error",
        ),
    )

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    carrier: Mapped[str] = mapped_column(String(16))
    status: Mapped[PickupStatus] = mapped_column(
        db.Enum(PickupStatus, native_enum=False, length=16), default=PickupStatus.ORDERING
    )
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)  # made by the form
    day: Mapped[dt.date]
    asked_start: Mapped[dt.datetime]
    asked_end: Mapped[dt.datetime]
    proposal_id: Mapped[str] = mapped_column(String(64), default="")
    confirmed_start: Mapped[dt.datetime | None]  # what the carrier confirmed (the desk shows this)
    confirmed_end: Mapped[dt.datetime | None]
    carrier_pickup_id: Mapped[str | None] = mapped_column(String(64))
    carrier_state: Mapped[str | None] = mapped_column(String(32))
    shipment_ids: Mapped[list] = mapped_column(default=list)  # the desk's shipment ids
    # the sender address as sent (the seller's, not a buyer's)
    address: Mapped[dict] = mapped_column(info=seller_personal("address"))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    ordered_at: Mapped[dt.datetime | None]
    # when the call last left: a lost answer is read back only a while later, so a call the carrier may
    # still be applying is never taken for one that did not arrive
    sent_at: Mapped[dt.datetime | None]

    @property
    def shown_start(self) -> dt.datetime:
        """The confirmed start when the carrier confirmed one, else the one asked for."""
        return self.confirmed_start or self.asked_start

    @property
    def shown_end(self) -> dt.datetime:
        return self.confirmed_end or self.asked_end
