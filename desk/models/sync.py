"""Sync bookkeeping: cursors, schedules, runs (history), per-account leases and quarantined records."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desk.extensions import db
from desk.orm import created_at, intpk, personal_table


class SyncCursor(db.Model):
    """Where a feed stopped; saved in the same commit as the rows it produced."""

    __tablename__ = "sync_cursor"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("seller_account.id", ondelete="CASCADE"), primary_key=True
    )
    feed: Mapped[str] = mapped_column(String(32), primary_key=True)  # order_events | order_sweep | ...
    value: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[created_at]


class SyncLease(db.Model):
    """Held by the one process syncing an account; expires so a crashed worker never blocks."""

    __tablename__ = "sync_lease"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("seller_account.id", ondelete="CASCADE"), primary_key=True
    )
    holder: Mapped[str | None] = mapped_column(String(120))
    acquired_at: Mapped[dt.datetime | None]  # when the present holder took it
    expires_at: Mapped[dt.datetime | None]


class SyncSchedule(db.Model):
    """When an account is synced next, and how quiet it has been (adaptive polling).

    `slot` counts the syncs done on this schedule: a handed-out sync carries the slot it was handed
    out for, so a copy that arrives after that slot was served knows it is stale.
    """

    __tablename__ = "sync_schedule"
    __table_args__ = (Index("ix_sync_schedule_due", "next_sync_at"),)

    account_id: Mapped[int] = mapped_column(
        ForeignKey("seller_account.id", ondelete="CASCADE"), primary_key=True
    )
    next_sync_at: Mapped[dt.datetime]
    interval_seconds: Mapped[int]
    idle_streak: Mapped[int] = mapped_column(default=0)  # syncs in a row that found nothing new
    slot: Mapped[int] = mapped_column(default=0)
    dispatched_at: Mapped[dt.datetime | None]  # handed out and not done yet (None: not handed out)
    last_sync_at: Mapped[dt.datetime | None]
    last_sweep_at: Mapped[dt.datetime | None]


class SyncRun(db.Model):
    """One sync of one account: what it did, shown in the sync history."""

    __tablename__ = "sync_run"

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # incremental | sweep | backfill | full
    # running | ok | partial (some steps failed) | failed | interrupted (its process died) | skipped
    state: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[created_at]
    finished_at: Mapped[dt.datetime | None]
    requests: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    repaired: Mapped[int] = mapped_column(default=0)
    issues_changed: Mapped[int] = mapped_column(default=0)  # conversations created or updated
    ratings_changed: Mapped[int] = mapped_column(default=0)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)  # the failed steps' errors, "step: error; ..."
    # Each step's outcome by name: {"orders": {"state": "ok" | "failed" | "skipped", "error": ...}}
    steps: Mapped[dict | None]


class QuarantinedRecord(db.Model):
    """A record from Allegro the desk could not read or store, set aside so the rest of the
    account's sync goes on; the sync page lists it with a retry.

    `raw` is Allegro's JSON of the record when it could not be read, or the record as the desk
    read it when it could not be stored. It can hold buyer personal data (retention applies).
    One row per record: seen again, it is refreshed (and reopened when it had been resolved).
    """

    __tablename__ = "quarantined_record"
    __table_args__ = (
        UniqueConstraint("account_id", "kind", "record_key"),
        Index("ix_quarantined_record_open", "account_id", "resolved_at"),
        personal_table("buyer", "step", "kind", "record_key", "allegro_id", "resolution"),
    )

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(16))  # orders | issues | ratings
    kind: Mapped[str] = mapped_column(String(24))  # checkout_form | order_event | issue | issue_chat | rating
    record_key: Mapped[str] = mapped_column(String(80))  # the Allegro id, or a digest of raw
    allegro_id: Mapped[str | None] = mapped_column(String(64))
    raw: Mapped[str] = mapped_column(Text, info={"personal": "free_text"})
    error: Mapped[str] = mapped_column(Text, info={"personal": "free_text"})
    first_seen_at: Mapped[created_at]
    last_seen_at: Mapped[dt.datetime]
    times_seen: Mapped[int] = mapped_column(default=1)
    resolved_at: Mapped[dt.datetime | None]
    resolution: Mapped[str | None] = mapped_column(String(16))  # stored | gone
