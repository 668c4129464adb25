"""Storing ratings read from Allegro: idempotent upserts, order links, removal outcomes, the alert flag."""
from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from desk.extensions import db
from desk.models import Order
from desk.models.rating import Rating, RemovalOutcome
from desk.services.shared.erasures import guard_ratings

if TYPE_CHECKING:  # the DTO is only named in annotations
    from integrations.allegro import Rating as RatingDTO

WARSAW = ZoneInfo("Europe/Warsaw")
# On the first sync of an account only recent negatives join the alert queue, not years of history.
ALERT_HORIZON = dt.timedelta(days=14)
# A removal request the buyer has not acted on for this long has been refused (Allegro never says so).
REMOVAL_DECISION_TIME = dt.timedelta(days=14)


class Outcome(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def warsaw_day(moment: dt.datetime) -> dt.date:
    """The calendar day in Poland of a UTC moment."""
    return moment.astimezone(WARSAW).date()


def load_ratings(account_id: int, allegro_ids: Iterable[str]) -> dict[str, Rating]:
    ids = list(set(allegro_ids))
    if not ids:
        return {}
    query = select(Rating).where(Rating.account_id == account_id, Rating.allegro_id.in_(ids))
    return {rating.allegro_id: rating for rating in db.session.scalars(query)}


def upsert_ratings(
    account_id: int, ratings: list[RatingDTO], *, now: dt.datetime, initial: bool
) -> tuple[list[Outcome], set[dt.date], int]:
    """Store what Allegro says about these ratings (flushes, does not commit).

    Returns the outcome per rating, the Warsaw days whose statistics changed and how many
    ratings joined the new-negative queue. `initial` is the first sync of the account.
    """
    existing = load_ratings(account_id, (r.id for r in ratings))
    orders = _order_ids(account_id, {r.order_id for r in ratings if r.order_id})
    outcomes, days, negatives = [], set(), 0
    for dto in ratings:
        row = existing.get(dto.id)
        created = row is None
        if created:
            row = Rating(account_id=account_id, allegro_id=dto.id, first_seen_at=now)
            db.session.add(row)
            existing[dto.id] = row
        was_recommended = None if created else row.recommended
        changed = _apply(row, dto, now)
        if dto.order_id and row.order_id is None:
            row.order_id = orders.get(dto.order_id)
        if _becomes_new_negative(row, was_recommended, created, initial, now):
            row.is_new_negative, row.acknowledged_at, row.alerted_at = True, None, None
            negatives += 1
        elif row.recommended and row.is_new_negative:
            row.is_new_negative = False  # the buyer changed their mind
        if created or changed:
            row.synced_at = now
            days.add(row.rated_on)
        outcomes.append(Outcome.CREATED if created else Outcome.UPDATED if changed else Outcome.UNCHANGED)
    # An erased buyer's ratings keep only what is not personal (erasure registry).
    guard_ratings(account_id, [existing[dto.id] for dto in ratings])
    db.session.flush()
    return outcomes, days, negatives


def _becomes_new_negative(row: Rating, was_recommended, created: bool, initial: bool, now) -> bool:
    if row.recommended:
        return False
    if created:
        return not initial or row.rated_at >= now - ALERT_HORIZON
    return was_recommended is True  # edited from "recommend" to "do not recommend"


def _apply(row: Rating, dto: RatingDTO, now: dt.datetime) -> bool:
    """Copy the DTO onto the row; True when anything the desk shows has changed."""
    rates = dto.rates
    values = {
        "checkout_form_id": dto.order_id,
        "buyer_allegro_id": dto.buyer_id,
        "buyer_login": dto.buyer_login,
        "recommended": bool(dto.recommended),
        "comment": dto.comment,
        "offers": [{"id": o.id, "title": o.title} for o in dto.offers] or None,
        "rate_delivery": rates.delivery if rates else None,
        "rate_delivery_cost": rates.delivery_cost if rates else None,
        "rate_description": rates.description if rates else None,
        "rate_service": rates.service if rates else None,
        "rated_at": dto.created_at,
        "rated_on": warsaw_day(dto.created_at),
        "edited_at": dto.edited_at,
        "last_changed_at": dto.last_changed_at or dto.edited_at or dto.created_at,
        "answer_text": dto.answer.message if dto.answer else None,
        "answered_at": dto.answer.created_at if dto.answer else None,
        "removal_possible_to": dto.removal_possible_to,
        "excluded": bool(dto.excluded_from_average),
        "excluded_reason": (dto.excluded_reason or None) and dto.excluded_reason[:255],
        "first_negative_in_30_days": dto.first_negative_in_30_days,
    }
    request = dto.removal_request
    values.update(
        removal_requested_at=request.created_at if request else row.removal_requested_at,
        removal_message=request.message if request else row.removal_message,
        removal_source=request.source if request else row.removal_source,
    )
    values["removal_outcome"] = _removal_outcome(row, request.created_at if request else None, now)
    if values["removal_outcome"] != row.removal_outcome:
        row.removal_outcome_at = now
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _removal_outcome(row: Rating, requested_at: dt.datetime | None, now: dt.datetime) -> RemovalOutcome:
    """Allegro shows a rating only while it exists: a rating read from Allegro is never "removed"."""
    current = row.removal_outcome or RemovalOutcome.NONE
    if requested_at is not None:
        if current is RemovalOutcome.REFUSED or requested_at < now - REMOVAL_DECISION_TIME:
            return RemovalOutcome.REFUSED
        return RemovalOutcome.PENDING
    if current in (RemovalOutcome.PENDING, RemovalOutcome.REMOVED):
        return RemovalOutcome.REFUSED  # the request ended and the rating is still there
    return current


def mark_removed(row: Rating, now: dt.datetime) -> bool:
    """The rating is gone from Allegro (404). Only a requested removal counts as ours."""
    if row.removal_outcome is RemovalOutcome.REMOVED:
        return False
    row.removal_outcome = RemovalOutcome.REMOVED
    row.removal_outcome_at = now
    row.is_new_negative = False
    row.synced_at = now
    return True


def _order_ids(account_id: int, form_ids: set[str]) -> dict[str, int]:
    if not form_ids:
        return {}
    query = select(Order.allegro_id, Order.id).where(
        Order.account_id == account_id, Order.allegro_id.in_(sorted(form_ids))
    )
    return dict(db.session.execute(query).all())


def link_orders(account_id: int) -> int:
    """Attach ratings stored before their order was synced (one statement). Returns how many."""
    order_id = (
        select(Order.id)
        .where(Order.account_id == Rating.account_id, Order.allegro_id == Rating.checkout_form_id)
        .scalar_subquery()
    )
    result = db.session.execute(
        update(Rating)
        .where(
            Rating.account_id == account_id,
            Rating.order_id.is_(None),
            Rating.checkout_form_id.is_not(None),
            order_id.is_not(None),
        )
        .values(order_id=order_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
