"""Typed, immutable views of buyer ratings (`/sale/user-ratings*`) and the ratings summary.

Both representations Allegro serves (public.v1 `UserRating` and beta.v1 `UserRatingVBeta1`) parse
into the same `Rating`; fields one of them lacks stay None. Datetimes are tz-aware UTC.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from integrations.allegro.models import Dto, RejectedRecord

# Allegro's limit for an answer and for the explanation of a removal request (maxLength in the spec).
RATING_TEXT_MAX = 500


class RatingRates(Dto):
    """Star sub-ratings 1-5 (public.v1 only; Allegro stopped collecting them in 2025)."""

    delivery: int | None
    delivery_cost: int | None
    description: int | None
    service: int | None


class RatedOffer(Dto):
    """An offer of the rated order."""

    id: str
    title: str


class RatingAnswer(Dto):
    """The seller's public answer to a rating (one per rating, never edited or removed)."""

    created_at: dt.datetime
    message: str


class RemovalRequest(Dto):
    """A request to remove a rating; `source` is SELLER or ADMIN (Allegro staff), None when unsaid."""

    created_at: dt.datetime
    message: str
    source: str | None


class Rating(Dto):
    """A rating a buyer gave the seller (GET /sale/user-ratings/{ratingId}).

    `last_changed_at` is creation or the buyer's latest edit (falls back to those when Allegro omits
    it); `removal_possible_to` is the deadline for a removal request, None when removal is not
    offered; `first_negative_in_30_days` exists only in the beta.v1 representation.
    """

    id: str
    buyer_id: str
    buyer_login: str
    recommended: bool
    comment: str | None
    created_at: dt.datetime
    edited_at: dt.datetime | None
    last_changed_at: dt.datetime
    rates: RatingRates | None
    order_id: str | None
    offers: tuple[RatedOffer, ...]
    answer: RatingAnswer | None
    removal_possible_to: dt.datetime | None
    removal_request: RemovalRequest | None
    excluded_from_average: bool
    excluded_reason: str | None
    first_negative_in_30_days: bool | None


class RatingPage(Dto):
    """One page of GET /sale/user-ratings: the readable ratings and the elements that could not be read."""

    ratings: tuple[Rating, ...]
    rejected: tuple[RejectedRecord, ...] = ()

    @property
    def size(self) -> int:
        """Entries on the page, unreadable ones included (a short page is the last one)."""
        return len(self.ratings) + len(self.rejected)


class RatingsSummary(Dto):
    """Feedback statistics of a seller (GET /users/{userId}/ratings-summary).

    `recommended_percentage` is the share of unique buyers recommending the seller (Allegro sends
    it as a string with a decimal comma); the statistics are None when Allegro leaves them out.
    """

    recommended_unique: int
    recommended_total: int
    not_recommended_unique: int
    not_recommended_total: int
    recommended_percentage: Decimal | None
    received_total: int | None
    excluded_total: int | None
    removed_total: int | None
    removed_by_admin: int | None
    removed_by_buyer: int | None
    user_created_at: dt.date | None
