"""The outbox: every write-back to Allegro is recorded before it is sent, then sent exactly once."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desk.extensions import db
from desk.orm import created_at, intpk, personal_table


class OutboxState(enum.StrEnum):
    PENDING = "pending"  # recorded, not yet attempted (or safe to attempt again)
    SENDING = "sending"  # an attempt is in flight
    UNKNOWN = "unknown"  # the attempt may have reached Allegro: confirm by reading before any retry
    SENT = "sent"
    FAILED = "failed"  # Allegro refused it; the draft stays for the agent


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_state_next", "state", "next_attempt_at"),
        personal_table("buyer", "kind", "target_id", "idempotency_key", "last_error_code"),
    )

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # fulfillment_status | tracking_number | ...
    target_id: Mapped[str] = mapped_column(String(64), index=True)  # Allegro id the write is about
    payload: Mapped[dict] = mapped_column(info={"personal": "free_text"})  # reply texts, logins
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    state: Mapped[OutboxState] = mapped_column(
        db.Enum(OutboxState, native_enum=False, length=16), default=OutboxState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text, info={"personal": "free_text"})
    last_error_code: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[dict | None] = mapped_column(info={"personal": "free_text"})
    created_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    next_attempt_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
