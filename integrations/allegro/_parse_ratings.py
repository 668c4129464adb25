"""Turn rating bodies into the DTOs of `models_ratings.py`: the lenient parser (ratings are first
read by msgspec in `_wire_ratings.py`, which leaves odd values to this parser).

One parser serves both representations of a rating: public.v1 `UserRating` (comment as a string,
`rates`, `excludedFromAverageRates`) and beta.v1 `UserRatingVBeta1` (`comment.text`, `answer.text`,
`exclusion.reason`, no rates). Like `_parse.py` it forgives absent optional fields and refuses a
rating without its identity (id, buyer id, recommended, createdAt).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from integrations.allegro._records import parse_each
from integrations.allegro._values import (
    Json,
    boolean,
    date,
    integer,
    items,
    obj,
    required_text,
    text,
    timestamp,
)
from integrations.allegro.errors import AllegroResponseError
from integrations.allegro.models_ratings import (
    RatedOffer,
    Rating,
    RatingAnswer,
    RatingPage,
    RatingRates,
    RatingsSummary,
    RemovalRequest,
)


def parse_ratings(body: Json, parse: Callable[[Json], Rating] | None = None) -> RatingPage:
    """GET /sale/user-ratings (either representation); unreadable ratings are set aside.

    `parse` reads one rating (parse_rating unless given)."""
    ratings, rejected = parse_each(body.get("ratings"), parse or parse_rating, "rating")
    return RatingPage(ratings=ratings, rejected=rejected)


def parse_rating(data: Json) -> Rating:
    """GET /sale/user-ratings/{ratingId}: a UserRating or a UserRatingVBeta1."""
    rating_id = required_text(data, "id", "rating")
    where = f"rating {rating_id}"
    buyer = obj(data.get("buyer"))
    recommended = boolean(data.get("recommended"))
    if recommended is None:
        raise AllegroResponseError(f"{where}: missing required field 'recommended'")
    created_at = _required_time(data, "createdAt", where)
    edited_at = timestamp(data.get("editedAt"))
    order = obj(data.get("order"))
    removal = obj(data.get("removal"))
    excluded, reason = _exclusion(data)
    return Rating(
        id=rating_id,
        buyer_id=required_text(buyer, "id", f"{where} buyer"),
        # a login is only shown, never matched on: a missing one must not cost us the rating
        buyer_login=text(buyer.get("login")) or "",
        recommended=recommended,
        comment=_comment(data.get("comment")),
        created_at=created_at,
        edited_at=edited_at,
        last_changed_at=timestamp(data.get("lastChangedAt")) or edited_at or created_at,
        rates=_rates(data.get("rates")),
        order_id=text(order.get("id")),
        offers=tuple(_offers(order)),
        answer=_answer(data.get("answer"), where),
        removal_possible_to=timestamp(removal.get("possibleTo")),
        removal_request=_request(removal.get("request"), where),
        excluded_from_average=excluded,
        excluded_reason=reason,
        first_negative_in_30_days=boolean(data.get("firstNegativeReviewInLast30Days")),
    )


def parse_rating_answer(body: Json, *, sent_message: str, answered_at: dt.datetime) -> RatingAnswer:
    """PUT /sale/user-ratings/{ratingId}/answer (201 Answer).

    A 201 proves the answer was published, so an answer body missing a field is completed from
    what was sent and when Allegro answered instead of being refused.
    """
    return RatingAnswer(
        created_at=timestamp(body.get("createdAt")) or answered_at,
        message=text(body.get("message")) or sent_message,
    )


def parse_removal(body: Json, *, sent_message: str, answered_at: dt.datetime) -> RemovalRequest:
    """PUT /sale/user-ratings/{ratingId}/removal (201 Removal); completed like parse_rating_answer."""
    request = obj(body.get("request"))
    return RemovalRequest(
        created_at=timestamp(request.get("createdAt")) or answered_at,
        message=text(request.get("message")) or sent_message,
        source=text(request.get("source")),
    )


def parse_ratings_summary(body: Json) -> RatingsSummary:
    """GET /users/{userId}/ratings-summary (UserRatingSummaryResponseV2)."""
    recommended, not_recommended = obj(body.get("recommended")), obj(body.get("notRecommended"))
    statistics = obj(body.get("statistics"))
    removed = obj(statistics.get("removed"))
    return RatingsSummary(
        recommended_unique=integer(recommended.get("unique")) or 0,
        recommended_total=integer(recommended.get("total")) or 0,
        not_recommended_unique=integer(not_recommended.get("unique")) or 0,
        not_recommended_total=integer(not_recommended.get("total")) or 0,
        recommended_percentage=polish_decimal(body.get("recommendedPercentage")),
        received_total=integer(obj(statistics.get("received")).get("total")),
        excluded_total=integer(obj(statistics.get("excluded")).get("total")),
        removed_total=integer(removed.get("total")),
        removed_by_admin=integer(removed.get("byAdmin")),
        removed_by_buyer=integer(removed.get("byBuyer")),
        user_created_at=date(obj(body.get("user")).get("createdAt")),
    )


def polish_decimal(value: Any) -> Decimal | None:
    """'99,8' (Allegro writes a decimal comma here) as Decimal('99.8'); junk becomes None."""
    if isinstance(value, bool) or value is None:
        return None
    raw = str(value).strip().replace(",", ".")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


# --- parts ---------------------------------------------------------------------------------------


def _required_time(data: Json, key: str, where: str) -> dt.datetime:
    found = timestamp(data.get(key))
    if found is None:
        raise AllegroResponseError(f"{where}: missing or unreadable {key!r}")
    return found


def _comment(value: Any) -> str | None:
    # public.v1 sends the text itself, beta.v1 an object {text, language}
    if isinstance(value, Mapping):
        return text(value.get("text"))
    return text(value)


def _rates(value: Any) -> RatingRates | None:
    data = obj(value)
    if not data:
        return None
    return RatingRates(
        delivery=integer(data.get("delivery")),
        delivery_cost=integer(data.get("deliveryCost")),
        description=integer(data.get("description")),
        service=integer(data.get("service")),
    )


def _offers(order: Json) -> list[RatedOffer]:
    found = ((text(o.get("id")), text(o.get("title"))) for o in items(order.get("offers")))
    return [RatedOffer(id=offer_id, title=title or "") for offer_id, title in found if offer_id]


def _answer(value: Any, where: str) -> RatingAnswer | None:
    if not isinstance(value, Mapping):
        return None  # null means the seller has not answered
    message = text(value.get("message"))
    if message is None:
        message = text(value.get("text"))  # beta.v1 name
    return RatingAnswer(
        created_at=_required_time(value, "createdAt", f"{where} answer"), message=message or ""
    )


def _request(value: Any, where: str) -> RemovalRequest | None:
    if not isinstance(value, Mapping):
        return None  # null means no removal was requested
    return RemovalRequest(
        created_at=_required_time(value, "createdAt", f"{where} removal request"),
        message=text(value.get("message")) or "",
        source=text(value.get("source")),
    )


def _exclusion(data: Json) -> tuple[bool, str | None]:
    """(excluded, reason) from public.v1's flag and reason or beta.v1's `exclusion` object."""
    exclusion = data.get("exclusion")
    if isinstance(exclusion, Mapping):
        # beta.v1 has no flag; the spec says the reason exists only when the rating was excluded
        reason = text(exclusion.get("reason"))
        return bool(reason), reason or None
    excluded = boolean(data.get("excludedFromAverageRates")) or False
    return excluded, text(data.get("excludedFromAverageRatesReason")) if excluded else None
