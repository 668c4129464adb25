"""Fake `/sale/user-ratings*` and `/users/{userId}/ratings-summary` routes.

The two GETs negotiate: public.v1 answers `UserRating`, beta.v1 `UserRatingVBeta1` (the gate picks
the media type from Accept). Everything else speaks public.v1 only. There is no DELETE of an
answer, so Flask answers it with 405 like any unknown method.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, g, request

from integrations.allegro.fake.context import current_seller, get_state, json_body
from integrations.allegro.fake.errors import validation_error
from integrations.allegro.fake.responses import BETA_V1, PUBLIC_V1, json_response
from integrations.allegro.fake.routes.query_args import bool_arg, int_arg
from integrations.allegro.fake.timeutil import parse_iso

bp = Blueprint("ratings", __name__)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 20_000
# Allegro stores these reasons once and translates them by Accept-Language
_REASONS_IN_ENGLISH = {"Ocena nie jest unikalna": "Rating not unique"}
_TEXT_LANGUAGE = "pl"  # the demo's buyers and sellers write Polish


@bp.get("/sale/user-ratings")
def ratings() -> Response:
    """The seller's ratings, most recently changed first."""
    page = get_state().ratings_page(
        current_seller(),
        offset=int_arg("offset", 0, 0, MAX_OFFSET),
        limit=int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
        recommended=bool_arg("recommended"),
        changed_from=_time_arg("lastChangedAt.gte"),
        changed_to=_time_arg("lastChangedAt.lte"),
    )
    return _negotiated({"ratings": [_represent(rating) for rating in page]})


@bp.get("/sale/user-ratings/<ratingId>")
def rating(ratingId: str) -> Response:
    """One rating of the seller."""
    return _negotiated(_represent(get_state().rating_for(current_seller(), ratingId)))


@bp.put("/sale/user-ratings/<ratingId>/answer")
def answer(ratingId: str) -> Response:
    """Publish the seller's answer: 201 with the Answer."""
    body = json_body()
    return json_response(get_state().answer_rating(current_seller(), ratingId, body.get("message")), 201)


@bp.put("/sale/user-ratings/<ratingId>/removal")
def removal(ratingId: str) -> Response:
    """Ask Allegro to remove the rating: 201 with the Removal."""
    requested = json_body().get("request")
    message = requested.get("message") if isinstance(requested, dict) else None
    return json_response(get_state().request_removal(current_seller(), ratingId, message), 201)


@bp.get("/users/<userId>/ratings-summary")
def ratings_summary(userId: str) -> Response:
    """Recommendation counts and removal statistics of any seller."""
    return json_response(get_state().ratings_summary(userId))


# --- representations -------------------------------------------------------------------------------


def _negotiated(payload: dict[str, Any]) -> Response:
    return json_response(payload, mimetype=_media_type())


def _media_type() -> str:
    return g.get("media_type") or PUBLIC_V1


def _represent(rating: dict[str, Any]) -> dict[str, Any]:
    english = request.headers.get("Accept-Language", "").lower().startswith("en")
    if _media_type() == BETA_V1:
        return beta_rating(rating, get_state().rating_extras(rating["id"]), english=english)
    reason = rating.get("excludedFromAverageRatesReason")
    if english and reason in _REASONS_IN_ENGLISH:
        return {**rating, "excludedFromAverageRatesReason": _REASONS_IN_ENGLISH[reason]}
    return rating


def beta_rating(rating: dict[str, Any], extras: dict[str, Any], *, english: bool = False) -> dict[str, Any]:
    """A stored public.v1 UserRating as UserRatingVBeta1: texts as objects, no rates."""
    keys = ("id", "buyer", "recommended", "createdAt", "editedAt", "lastChangedAt", "order")
    beta: dict[str, Any] = {key: rating[key] for key in keys if key in rating}
    if rating.get("comment") is not None:
        beta["comment"] = {"text": rating["comment"], "language": _TEXT_LANGUAGE}
    if rating.get("answer"):
        answer = rating["answer"]
        text = answer["message"]
        beta["answer"] = {"createdAt": answer["createdAt"], "text": text, "language": _TEXT_LANGUAGE}
    if rating.get("excludedFromAverageRates"):
        reason = rating.get("excludedFromAverageRatesReason")
        beta["exclusion"] = {"reason": _REASONS_IN_ENGLISH.get(reason, reason) if english else reason}
    if extras["justifications"]:
        beta["justifications"] = extras["justifications"]
    if rating.get("removal"):
        beta["removal"] = _beta_removal(rating["removal"])
    beta["firstNegativeReviewInLast30Days"] = extras["firstNegative"]
    return beta


def _beta_removal(removal: dict[str, Any]) -> dict[str, Any]:
    pending = removal.get("request")
    if not pending:
        return {"possibleTo": removal["possibleTo"]}
    return {"possibleTo": removal["possibleTo"], "request": {**pending, "language": _TEXT_LANGUAGE}}


# --- query parameters (422 outside the declared ranges, like the rest of Allegro's lists) ------------


def _time_arg(name: str) -> dt.datetime | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        return parse_iso(raw)
    except ValueError:
        raise validation_error(f"Parameter {name} must be an ISO-8601 date-time", path=name) from None
