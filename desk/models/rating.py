"""Buyer ratings of seller accounts, with answers, removal requests, drafts, templates and alerts."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.extensions import db
from desk.orm import created_at, intpk, personal_table, str64

RATING_TEXT_MAX = 500  # Allegro's limit for answers and removal requests
CRITERIA = ("delivery", "delivery_cost", "description", "service")


class RemovalOutcome(enum.StrEnum):
    NONE = "none"  # never requested
    PENDING = "pending"  # requested; the buyer has not decided
    REMOVED = "removed"  # gone from Allegro after a request
    REFUSED = "refused"  # the request ended and the rating stays


class Rating(db.Model):
    """One rating a buyer gave a seller account (Allegro's UserRating). Buyer fields are personal data."""

    __tablename__ = "rating"
    __table_args__ = (
        UniqueConstraint("account_id", "allegro_id"),
        # The list is newest first, overall or per account, optionally only (not) recommended.
        Index("ix_rating_rated", "rated_at", "id"),
        Index("ix_rating_account_rated", "account_id", "rated_at", "id"),
        Index("ix_rating_recommended_rated", "recommended", "rated_at", "id"),
        Index("ix_rating_account_day", "account_id", "rated_on"),
        Index("ix_rating_account_form", "account_id", "checkout_form_id"),
        Index("ix_rating_new_negative", "is_new_negative", "rated_at"),
        Index("ix_rating_removal_outcome", "removal_outcome", "rated_at"),
        personal_table(
            "buyer", "allegro_id", "checkout_form_id", "offers", "removal_source", "excluded_reason"
        ),
    )

    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    allegro_id: Mapped[str64]
    checkout_form_id: Mapped[str | None] = mapped_column(String(64))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("order.id", ondelete="SET NULL"), index=True)
    buyer_allegro_id: Mapped[str | None] = mapped_column(
        String(64), index=True, info={"personal": "identity"}
    )
    buyer_login: Mapped[str | None] = mapped_column(String(120), info={"personal": "identity"})
    recommended: Mapped[bool]
    comment: Mapped[str | None] = mapped_column(Text, info={"personal": "free_text"})
    offers: Mapped[list | None]  # [{"id": ..., "title": ...}]
    rate_delivery: Mapped[int | None]
    rate_delivery_cost: Mapped[int | None]
    rate_description: Mapped[int | None]
    rate_service: Mapped[int | None]
    rated_at: Mapped[dt.datetime]  # Allegro's createdAt
    rated_on: Mapped[dt.date] = mapped_column(Date)  # rated_at as a day in Europe/Warsaw (for rollups)
    edited_at: Mapped[dt.datetime | None]
    last_changed_at: Mapped[dt.datetime | None]

    answer_text: Mapped[str | None] = mapped_column(Text, info={"personal": "free_text"})
    answered_at: Mapped[dt.datetime | None]

    removal_possible_to: Mapped[dt.datetime | None]
    removal_requested_at: Mapped[dt.datetime | None]
    removal_message: Mapped[str | None] = mapped_column(Text, info={"personal": "free_text"})
    removal_source: Mapped[str | None] = mapped_column(String(16))  # SELLER | ADMIN
    removal_outcome: Mapped[RemovalOutcome] = mapped_column(
        db.Enum(RemovalOutcome, native_enum=False, length=16), default=RemovalOutcome.NONE
    )
    removal_outcome_at: Mapped[dt.datetime | None]
    removal_checked_at: Mapped[dt.datetime | None]

    excluded: Mapped[bool] = mapped_column(default=False)
    excluded_reason: Mapped[str | None] = mapped_column(String(255))
    first_negative_in_30_days: Mapped[bool | None]

    first_seen_at: Mapped[created_at]
    synced_at: Mapped[created_at]
    # The alert queue: a negative rating nobody has looked at yet.
    is_new_negative: Mapped[bool] = mapped_column(default=False)
    acknowledged_at: Mapped[dt.datetime | None]
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    alerted_at: Mapped[dt.datetime | None]  # e-mail sent to the owners

    drafts: Mapped[list[RatingDraft]] = relationship(
        back_populates="rating", cascade="all, delete-orphan", order_by="RatingDraft.id"
    )

    @property
    def rates(self) -> dict[str, int]:
        """Stars per criterion Allegro gave (older ratings only)."""
        values = {name: getattr(self, f"rate_{name}") for name in CRITERIA}
        return {name: value for name, value in values.items() if value is not None}

    @property
    def is_answered(self) -> bool:
        return self.answer_text is not None

    def removal_open(self, now: dt.datetime) -> bool:
        """A removal request can still be sent."""
        return (
            self.removal_requested_at is None
            and self.removal_possible_to is not None
            and now <= self.removal_possible_to
        )


class DraftKind(enum.StrEnum):
    ANSWER = "answer"
    REMOVAL = "removal"


class DraftState(enum.StrEnum):
    PROPOSED = "proposed"  # waiting for an owner's approval
    REJECTED = "rejected"  # an owner declined it
    QUEUED = "queued"  # handed to the outbox (its message tells sent/failed)


class RatingDraft(db.Model):
    """An answer or removal request written in the desk: proposed, approved, then sent via the outbox.

    The text stays here whatever Allegro answers, so a refused write can be corrected and resent.
    """

    __tablename__ = "rating_draft"
    __table_args__ = (
        Index("ix_rating_draft_state", "state", "id"),
        personal_table("buyer", "idempotency_key"),
    )

    id: Mapped[intpk]
    rating_id: Mapped[int] = mapped_column(ForeignKey("rating.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DraftKind] = mapped_column(db.Enum(DraftKind, native_enum=False, length=16))
    text: Mapped[str] = mapped_column(Text, info={"personal": "free_text"})
    state: Mapped[DraftState] = mapped_column(db.Enum(DraftState, native_enum=False, length=16))
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None]
    decision_note: Mapped[str | None] = mapped_column(String(500), info={"personal": "free_text"})
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )

    rating: Mapped[Rating] = relationship(back_populates="drafts")
    author = relationship("Agent", foreign_keys=[author_id])
    decider = relationship("Agent", foreign_keys=[decided_by])
    message = relationship("OutboxMessage")


class RatingTemplate(db.Model):
    """A reusable answer or removal text with {buyer_login} and {order_number} placeholders."""

    __tablename__ = "rating_template"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: Mapped[intpk]
    kind: Mapped[DraftKind] = mapped_column(db.Enum(DraftKind, native_enum=False, length=16))
    name: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime | None]


class RatingAlertSetting(db.Model):
    """An address that receives an e-mail about new negative ratings (all accounts, or one)."""

    __tablename__ = "rating_alert_setting"
    __table_args__ = (UniqueConstraint("email", "account_id"),)

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(String(254))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("seller_account.id", ondelete="CASCADE"))
    enabled: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]


class RatingDayStat(db.Model):
    """Ratings of one account on one Warsaw day, kept up to date by the sync (the dashboard reads these).

    The dashboard then costs the same for 500 or 500 000 ratings: it sums days, never ratings.
    """

    __tablename__ = "rating_day_stat"
    __table_args__ = (
        Index("ix_rating_day_stat_week", "week_start", "account_id"),
        Index("ix_rating_day_stat_month", "month_start", "account_id"),
    )

    account_id: Mapped[int] = mapped_column(
        ForeignKey("seller_account.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    week_start: Mapped[dt.date] = mapped_column(Date)  # Monday
    month_start: Mapped[dt.date] = mapped_column(Date)
    total: Mapped[int] = mapped_column(default=0)  # every rating received that day
    recommended: Mapped[int] = mapped_column(default=0)  # counted: not removed, not excluded
    not_recommended: Mapped[int] = mapped_column(default=0)
    excluded: Mapped[int] = mapped_column(default=0)
    removed: Mapped[int] = mapped_column(default=0)
    removal_requested: Mapped[int] = mapped_column(default=0)
    unanswered_negative: Mapped[int] = mapped_column(default=0)
    rate_delivery_sum: Mapped[int] = mapped_column(default=0)
    rate_delivery_count: Mapped[int] = mapped_column(default=0)
    rate_delivery_cost_sum: Mapped[int] = mapped_column(default=0)
    rate_delivery_cost_count: Mapped[int] = mapped_column(default=0)
    rate_description_sum: Mapped[int] = mapped_column(default=0)
    rate_description_count: Mapped[int] = mapped_column(default=0)
    rate_service_sum: Mapped[int] = mapped_column(default=0)
    rate_service_count: Mapped[int] = mapped_column(default=0)
