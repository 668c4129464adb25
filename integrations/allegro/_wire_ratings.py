"""Ratings decoded by msgspec, in C, straight from the answer's bytes (either representation).

As in `_wire.py`, the structs mirror Allegro's JSON (public.v1 `UserRating` and beta.v1
`UserRatingVBeta1` together) and the functions only move values into the DTOs of
`models_ratings.py`; every judgement is `_parse_ratings.py`'s, which reads the answer again
whenever msgspec or these functions miss.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from integrations.allegro import _parse_ratings
from integrations.allegro._records import Unusual, fast_or_lenient, utc
from integrations.allegro.models_ratings import (
    RatedOffer,
    Rating,
    RatingAnswer,
    RatingPage,
    RatingRates,
    RemovalRequest,
)


class _Wire(msgspec.Struct, rename="camel", gc=False):
    """A part of Allegro's JSON, read once and dropped."""


class _Buyer(_Wire):
    id: str | None = None
    login: str | None = None


class _Text(_Wire):
    text: str | None = None


class _Rates(_Wire):
    delivery: int | None = None
    delivery_cost: int | None = None
    description: int | None = None
    service: int | None = None


class _Offer(_Wire):
    id: str | None = None
    title: str | None = None


class _Order(_Wire):
    id: str | None = None
    offers: tuple[_Offer, ...] = ()


class _Answer(_Wire):
    created_at: dt.datetime | None = None
    message: str | None = None
    text: str | None = None  # beta.v1's name of the message


class _Request(_Wire):
    created_at: dt.datetime | None = None
    message: str | None = None
    source: str | None = None


class _Removal(_Wire):
    possible_to: dt.datetime | None = None
    request: _Request | None = None


class _Exclusion(_Wire):
    reason: str | None = None


class _Rating(_Wire):
    id: str
    recommended: bool
    created_at: dt.datetime
    buyer: _Buyer | None = None
    comment: str | _Text | None = None  # public.v1 sends the text, beta.v1 an object
    edited_at: dt.datetime | None = None
    last_changed_at: dt.datetime | None = None
    rates: _Rates | None = None
    order: _Order | None = None
    answer: _Answer | None = None
    removal: _Removal | None = None
    excluded_from_average_rates: bool | None = None
    excluded_from_average_rates_reason: str | None = None
    exclusion: _Exclusion | None = None
    first_negative: bool | None = msgspec.field(default=None, name="firstNegativeReviewInLast30Days")


class _RatingPage(_Wire):
    ratings: tuple[_Rating, ...] = ()


_NO_BUYER = _Buyer()
_NO_ORDER = _Order()
_NO_REMOVAL = _Removal()
_EMPTY_RATES = _Rates()

_RATING = msgspec.json.Decoder(_Rating)
_RATING_PAGE = msgspec.json.Decoder(_RatingPage)


def rating_page(content: bytes) -> RatingPage:
    """GET /sale/user-ratings, from the answer's bytes."""
    return RatingPage(ratings=tuple(map(_rating, _RATING_PAGE.decode(content).ratings)))


def rating(content: bytes) -> Rating:
    """GET /sale/user-ratings/{ratingId}, from the answer's bytes."""
    return _rating(_RATING.decode(content))


def _rating(w: _Rating) -> Rating:
    buyer, order, removal = w.buyer or _NO_BUYER, w.order or _NO_ORDER, w.removal or _NO_REMOVAL
    if not (w.id and buyer.id) or w.rates == _EMPTY_RATES:
        raise Unusual  # refused, or an empty object the lenient parser reads as None
    created_at, edited_at = utc(w.created_at), utc(w.edited_at)
    excluded, reason = _exclusion(w)
    return Rating(
        id=w.id,
        buyer_id=buyer.id,
        buyer_login=buyer.login or "",
        recommended=w.recommended,
        comment=w.comment.text if isinstance(w.comment, _Text) else w.comment,
        created_at=created_at,
        edited_at=edited_at,
        last_changed_at=utc(w.last_changed_at) or edited_at or created_at,
        rates=_rates(w.rates),
        order_id=order.id,
        offers=tuple(RatedOffer(id=o.id, title=o.title or "") for o in order.offers if o.id),
        answer=_answer(w.answer),
        removal_possible_to=utc(removal.possible_to),
        removal_request=_request(removal.request),
        excluded_from_average=excluded,
        excluded_reason=reason,
        first_negative_in_30_days=w.first_negative,
    )


def _rates(w: _Rates | None) -> RatingRates | None:
    if w is None:
        return None
    return RatingRates(
        delivery=w.delivery, delivery_cost=w.delivery_cost, description=w.description, service=w.service
    )


def _answer(w: _Answer | None) -> RatingAnswer | None:
    if w is None:
        return None
    if w.created_at is None:
        raise Unusual  # the lenient parser refuses an answer without its time
    message = w.message if w.message is not None else w.text
    return RatingAnswer(created_at=utc(w.created_at), message=message or "")


def _request(w: _Request | None) -> RemovalRequest | None:
    if w is None:
        return None
    if w.created_at is None:
        raise Unusual
    return RemovalRequest(created_at=utc(w.created_at), message=w.message or "", source=w.source)


def _exclusion(w: _Rating) -> tuple[bool, str | None]:
    # see _parse_ratings._exclusion
    if w.exclusion is not None:
        return bool(w.exclusion.reason), w.exclusion.reason or None
    excluded = bool(w.excluded_from_average_rates)
    return excluded, w.excluded_from_average_rates_reason if excluded else None


# --- read again by the lenient parser ------------------------------------------------------------

read_rating = fast_or_lenient(_Rating, _rating, _parse_ratings.parse_rating)


def lenient_rating_page(body) -> RatingPage:
    """The page read by the lenient parser, each rating still tried fast first."""
    return _parse_ratings.parse_ratings(body, parse=read_rating)
