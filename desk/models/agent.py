"""Desk users: admins, shop owners and support agents."""
from __future__ import annotations

import datetime as dt
import enum

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.extensions import db
from desk.models.account import SellerAccount
from desk.orm import created_at, intpk, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    OWNER = "owner"
    AGENT = "agent"


agent_account = Table(
    "agent_account",
    db.metadata,
    Column("agent_id", ForeignKey("agent.id", ondelete="CASCADE"), primary_key=True),
    Column("account_id", ForeignKey("seller_account.id", ondelete="CASCADE"), primary_key=True),
)


class Agent(UserMixin, db.Model):
    __tablename__ = "agent"

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(db.Enum(Role, native_enum=False, length=16), default=Role.AGENT)
    is_active_flag: Mapped[bool] = mapped_column(default=True)
    # An agent with no listed accounts sees none; admins and owners see all.
    accounts: Mapped[list[SellerAccount]] = relationship(secondary=agent_account)
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[created_at]
    last_login_at: Mapped[dt.datetime | None]
    # Part of every session's user id: raising it (sign-out, new password, deactivation) ends every
    # copy of every session of this agent, on every device, although the cookies are only signed.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.is_active_flag

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session cookie: "<agent id>.<session generation>"."""
        return f"{self.id}.{self.session_generation}"

    @property
    def sees_all_accounts(self) -> bool:
        return self.role in (Role.ADMIN, Role.OWNER)


class LoginAttempt(db.Model):
    """A failed sign-in, counted per e-mail and address pair, per e-mail and per address."""

    __tablename__ = "login_attempt"

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(String(254), index=True)  # as typed (normalised): may name no agent
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[created_at]


class KnownDevice(db.Model):
    """A browser an agent has signed in on; with the right password it passes the locks of the address
    and of the e-mail (desk/services/accounts/throttle.py).

    The browser keeps a random token in a cookie; only its SHA-256 is stored here.
    """

    __tablename__ = "known_device"

    id: Mapped[intpk]
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[created_at]
    last_used_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
