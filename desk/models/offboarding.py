"""Offboarding of a seller account: its data returned (export) and deleted within the grace period.

One row per request to delete (or disconnect) an account. It is also the receipt the owner keeps once the
account is purged, so it holds no personal data and no foreign key to the account (the account row goes
with the purge): the account's id and name, who asked and when, when the purge was due and done, and how
many rows of each table it removed.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from desk.extensions import db
from desk.orm import intpk


class OffboardingKind(enum.StrEnum):
    DELETE = "delete"  # the owner asked to delete the account and its data
    DISCONNECT = "disconnect"  # disconnected without deletion: purged when the grace period ends


class OffboardingState(enum.StrEnum):
    SCHEDULED = "scheduled"  # tokens deleted, sync stopped, purge due at purge_due_at
    PURGING = "purging"  # the purge has started (a rerun goes on from where it stopped)
    PURGED = "purged"
    CANCELLED = "cancelled"  # the owner kept the account before the purge


OPEN_STATES = (OffboardingState.SCHEDULED, OffboardingState.PURGING)


class AccountOffboarding(db.Model):
    __tablename__ = "account_offboarding"
    __table_args__ = (Index("ix_account_offboarding_state_due", "state", "purge_due_at"),)

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(index=True)  # no foreign key: the receipt outlives the account
    account_name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[OffboardingKind] = mapped_column(db.Enum(OffboardingKind, native_enum=False, length=16))
    state: Mapped[OffboardingState] = mapped_column(
        db.Enum(OffboardingState, native_enum=False, length=16), default=OffboardingState.SCHEDULED
    )
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    requested_at: Mapped[dt.datetime]
    purge_due_at: Mapped[dt.datetime]
    purge_started_at: Mapped[dt.datetime | None]
    purged_at: Mapped[dt.datetime | None]
    cancelled_at: Mapped[dt.datetime | None]
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    key_destroyed: Mapped[bool] = mapped_column(default=False)  # the account's pseudonym key
    counts: Mapped[dict] = mapped_column(default=dict)  # table name -> rows purged (kept across reruns)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES
