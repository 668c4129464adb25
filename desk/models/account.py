"""Seller accounts connected to Allegro and their OAuth tokens (encrypted at rest)."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.extensions import db
from desk.orm import created_at, intpk, str64


class AccountStatus(enum.StrEnum):
    PENDING = "pending"  # device flow started, not yet approved
    ACTIVE = "active"
    NEEDS_RECONNECT = "needs_reconnect"  # refresh token dead: an operator must connect again
    DISABLED = "disabled"


class SellerAccount(db.Model):
    __tablename__ = "seller_account"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(80), unique=True)
    allegro_user_id: Mapped[str | None] = mapped_column(String(64))
    allegro_login: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[AccountStatus] = mapped_column(
        db.Enum(AccountStatus, native_enum=False, length=32), default=AccountStatus.PENDING
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]
    backfill_done_at: Mapped[dt.datetime | None]
    # where couriers collect parcels (pickups); empty until someone fills in the account's sender form
    sender_name: Mapped[str] = mapped_column(String(60), default="")
    sender_street: Mapped[str] = mapped_column(String(60), default="")
    sender_city: Mapped[str] = mapped_column(String(40), default="")
    sender_postcode: Mapped[str] = mapped_column(String(10), default="")
    sender_phone: Mapped[str] = mapped_column(String(20), default="")
    sender_email: Mapped[str] = mapped_column(String(254), default="")

    token: Mapped[AllegroToken | None] = relationship(
        back_populates="account", cascade="all, delete-orphan", uselist=False
    )

    def __repr__(self) -> str:
        return f"<SellerAccount {self.name}>"


class AllegroToken(db.Model):
    """One token pair per account; `version` guards the single-use refresh rotation."""

    __tablename__ = "allegro_token"

    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id"), primary_key=True)
    # info["secret"] = "fernet": encrypted with the token cipher (re-encrypted by `flask desk secrets rotate`)
    access_token_enc: Mapped[str] = mapped_column(Text, info={"secret": "fernet"})
    refresh_token_enc: Mapped[str | None] = mapped_column(Text, info={"secret": "fernet"})
    access_expires_at: Mapped[dt.datetime]
    refresh_expires_at: Mapped[dt.datetime | None]
    scope: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    refreshed_at: Mapped[dt.datetime | None]
    last_error: Mapped[str64 | None]

    account: Mapped[SellerAccount] = relationship(back_populates="token")


class DeviceAuthorization(db.Model):
    """A device-flow connection in progress, shown to the operator until approved."""

    __tablename__ = "device_authorization"

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    device_code_enc: Mapped[str] = mapped_column(Text, info={"secret": "fernet"})
    user_code: Mapped[str] = mapped_column(String(32))
    verification_uri: Mapped[str] = mapped_column(String(500))
    verification_uri_complete: Mapped[str | None] = mapped_column(String(500))
    interval: Mapped[int] = mapped_column(default=5)
    expires_at: Mapped[dt.datetime]
    next_poll_at: Mapped[dt.datetime]
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending|approved|expired|denied
    created_at: Mapped[created_at]
