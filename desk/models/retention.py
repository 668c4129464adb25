"""Retention of buyers' personal data: the owners' settings per seller account, the ceilings they
changed, one receipt per run of the retention job and the rows the job has already acted on.

A ceiling is stored only where the owner changed the default (the defaults and the legal floors live
in code, desk.services.privacy.retention_policy). Receipts and marks hold ids and counts, never buyer
data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desk.extensions import db
from desk.orm import created_at, intpk, str32

RUN_RUNNING, RUN_DONE = "running", "done"


class RetentionSettings(db.Model):
    """Whether the retention job acts on an account (off until the owner activates it, after a preview),
    and whether the seller keeps its sales record in the desk (identity then lasts to the tax horizon)."""

    __tablename__ = "retention_settings"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("seller_account.id", ondelete="CASCADE"), primary_key=True
    )
    active: Mapped[bool] = mapped_column(default=False)
    activated_at: Mapped[dt.datetime | None]
    activated_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    sales_record: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[created_at]
    # one process runs the job on an account at a time: it holds this lease (wall clock) and renews it
    # with every batch; a lease left by a killed process expires
    lease_until: Mapped[dt.datetime | None]


class RetentionPolicy(db.Model):
    """An owner's ceiling for one data class of one account (in the class's own unit), replacing the
    default; never below the class's floor."""

    __tablename__ = "retention_policy"
    __table_args__ = (UniqueConstraint("account_id", "data_class"),)

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    data_class: Mapped[str32]
    ceiling: Mapped[int]
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    updated_at: Mapped[created_at]


class RetentionRun(db.Model):
    """The receipt of one run of the retention job on one account (account None: the desk-wide access
    log purge). A run interrupted by a crash is resumed from `cursor` with its own `now`, so a crash and
    its rerun leave one receipt. A dry run stores only this row."""

    __tablename__ = "retention_run"
    __table_args__ = (Index("ix_retention_run_account_started", "account_id", "started_at"),)

    id: Mapped[intpk]
    account_id: Mapped[int | None] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    dry_run: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(16), default=RUN_RUNNING)  # running | done
    now: Mapped[dt.datetime]  # the clock the run decides by (kept when it is resumed)
    started_at: Mapped[created_at]
    finished_at: Mapped[dt.datetime | None]
    seconds: Mapped[float] = mapped_column(default=0.0)  # time taken, summed over resumptions
    rows: Mapped[dict] = mapped_column(default=dict)  # data class -> rows acted on
    counts: Mapped[dict] = mapped_column(default=dict)  # data class -> table -> rows changed
    held: Mapped[dict] = mapped_column(default=dict)  # data class -> rows skipped under a legal hold
    cursor: Mapped[dict] = mapped_column(default=dict)  # data class -> last row id done
    resumed: Mapped[int] = mapped_column(default=0)  # how many times a crashed run was taken up again
    error: Mapped[str | None] = mapped_column(Text)


class RetentionMark(db.Model):
    """A row the job has acted on, with the clock value it had then: a rerun finds nothing new, and a
    conversation that got new messages later is due again when its new clock passes the ceiling."""

    __tablename__ = "retention_mark"
    __table_args__ = (UniqueConstraint("data_class", "row_id"),)

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"), index=True)
    data_class: Mapped[str32]
    row_id: Mapped[int]
    clock_at: Mapped[dt.datetime]
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("retention_run.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[created_at]
