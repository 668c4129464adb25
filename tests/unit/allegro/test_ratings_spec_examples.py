"""Every example the spec gives for the ratings endpoints parses, in both media types.

The spec has no whole-body examples here, so bodies are assembled from property examples (with
every property, and with only the required ones) as in test_spec_examples. The spec gives no
example for a rating's id and buyer, so those identity values are supplied by the test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from integrations.allegro import (
    AllegroResponseError,
    RatedOffer,
    Rating,
    RatingAnswer,
    RatingRates,
    RatingsSummary,
    RemovalRequest,
)
from integrations.allegro._parse_ratings import (
    parse_rating,
    parse_rating_answer,
    parse_ratings,
    parse_ratings_summary,
    parse_removal,
)
from tests.unit.allegro.test_spec_examples import SPEC, assemble, check_error, resolve

UTC = dt.UTC
PUB = "application/vnd.allegro.public.v1+json"
BETA = "application/vnd.allegro.beta.v1+json"
RATING_ID = "5df0a6d1ef437e00255572a1"
SENT = "Wiadomość wysłana przez desk"
ANSWERED_AT = dt.datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

ENDPOINTS = [
    ("get", "/sale/user-ratings"),
    ("get", "/sale/user-ratings/{ratingId}"),
    ("put", "/sale/user-ratings/{ratingId}/answer"),
    ("put", "/sale/user-ratings/{ratingId}/removal"),
    ("get", "/users/{userId}/ratings-summary"),
]


def bodies(method: str, path: str) -> list[tuple[str, str, str, Any]]:
    """(status, media type, label, body) for every JSON response schema of one operation."""
    found = []
    for status, response in SPEC["paths"][path][method]["responses"].items():
        for media, content in (resolve(response).get("content") or {}).items():
            schema = content.get("schema")
            if schema is None:
                continue
            for label, required_only in (("assembled", False), ("assembled-required", True)):
                found.append((status, media, label, assemble(schema, required_only=required_only)))
    return found


CASES = [
    pytest.param(
        method, path, status, media, body, id=f"{method.upper()} {path} {status} {media[21:]} {label}"
    )
    for method, path in ENDPOINTS
    for status, media, label, body in bodies(method, path)
]


def with_identity(rating: dict[str, Any]) -> dict[str, Any]:
    """The rating with the id and buyer the spec has no example for."""
    buyer = {"id": "41846511", "login": "kupujacy_jan", **rating.get("buyer", {})}
    return {**rating, "id": rating.get("id", RATING_ID), "buyer": buyer}


def utc(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).astimezone(UTC)


def check_rating(rating: Rating, raw: dict[str, Any], media: str) -> None:
    assert isinstance(rating, Rating)
    assert (rating.id, rating.buyer_id, rating.buyer_login) == (
        raw["id"],
        raw["buyer"]["id"],
        raw["buyer"]["login"],
    )
    assert rating.recommended is raw["recommended"]
    assert rating.created_at == utc(raw["createdAt"]) and rating.created_at.tzinfo is UTC
    assert rating.edited_at == (utc(raw["editedAt"]) if "editedAt" in raw else None)
    assert rating.last_changed_at == utc(raw.get("lastChangedAt", raw["createdAt"]))
    comment = raw.get("comment")
    assert rating.comment == (comment.get("text") if isinstance(comment, dict) else comment)
    order = raw.get("order", {})
    assert rating.order_id == order.get("id")
    assert rating.offers == tuple(RatedOffer(o["id"], o["title"]) for o in order.get("offers", []))
    if media == BETA:
        assert rating.rates is None
        assert rating.first_negative_in_30_days is raw.get("firstNegativeReviewInLast30Days")
    else:
        assert (rating.rates is None) is ("rates" not in raw)
        assert rating.excluded_from_average is raw.get("excludedFromAverageRates", False)
    answer = raw.get("answer")
    assert (rating.answer is None) is (answer is None)
    if answer is not None and rating.answer is not None:
        assert rating.answer.created_at == utc(answer["createdAt"])
        assert rating.answer.message == answer.get("message", answer.get("text", ""))
    removal = raw.get("removal", {})
    assert rating.removal_possible_to == (utc(removal["possibleTo"]) if removal else None)
    request = removal.get("request")
    assert (rating.removal_request is None) is (request is None)
    if request is not None and rating.removal_request is not None:
        assert rating.removal_request.created_at == utc(request["createdAt"])
        assert rating.removal_request.source == request.get("source")


def check_list(raw: dict[str, Any], media: str) -> None:
    completed = {"ratings": [with_identity(r) for r in raw["ratings"]]}
    ratings = parse_ratings(completed).ratings
    assert len(ratings) == len(raw["ratings"])
    for rating, source in zip(ratings, completed["ratings"], strict=True):
        check_rating(rating, source, media)


def check_one(raw: dict[str, Any], media: str) -> None:
    completed = with_identity(raw)
    check_rating(parse_rating(completed), completed, media)


def check_answer(raw: dict[str, Any], media: str) -> None:
    answer = parse_rating_answer(raw, sent_message=SENT, answered_at=ANSWERED_AT)
    assert answer == RatingAnswer(utc(raw["createdAt"]), raw["message"])


def check_removal(raw: dict[str, Any], media: str) -> None:
    request = parse_removal(raw, sent_message=SENT, answered_at=ANSWERED_AT)
    assert isinstance(request, RemovalRequest)
    if "request" in raw:
        assert request.created_at == utc(raw["request"]["createdAt"])
        assert request.source == raw["request"].get("source")
        assert request.message == raw["request"].get("message", SENT)
    else:
        assert request == RemovalRequest(ANSWERED_AT, SENT, None)


def check_summary(raw: dict[str, Any], media: str) -> None:
    summary = parse_ratings_summary(raw)
    assert isinstance(summary, RatingsSummary)
    assert summary.user_created_at == dt.date.fromisoformat(raw["user"]["createdAt"])
    assert summary.recommended_unique == raw.get("recommended", {}).get("unique", 0)
    assert summary.not_recommended_total == raw.get("notRecommended", {}).get("total", 0)
    if "recommendedPercentage" in raw:
        assert summary.recommended_percentage == Decimal(raw["recommendedPercentage"].replace(",", "."))
    else:
        assert summary.recommended_percentage is None
    assert summary.removed_total == raw.get("statistics", {}).get("removed", {}).get("total")


CHECKERS = {
    ("get", "/sale/user-ratings"): check_list,
    ("get", "/sale/user-ratings/{ratingId}"): check_one,
    ("put", "/sale/user-ratings/{ratingId}/answer"): check_answer,
    ("put", "/sale/user-ratings/{ratingId}/removal"): check_removal,
    ("get", "/users/{userId}/ratings-summary"): check_summary,
}


def test_every_endpoint_has_success_examples_and_both_rating_media_types() -> None:
    covered = {(c.values[0], c.values[1], c.values[3]) for c in CASES if c.values[2].startswith("2")}
    assert {(m, p) for m, p, _ in covered} == set(ENDPOINTS)
    for path in ("/sale/user-ratings", "/sale/user-ratings/{ratingId}"):
        assert {media for m, p, media in covered if p == path} == {PUB, BETA}


@pytest.mark.parametrize(("method", "path", "status", "media", "body"), CASES)
def test_example_parses(method: str, path: str, status: str, media: str, body: dict[str, Any]) -> None:
    if status.startswith("2"):
        CHECKERS[(method, path)](body, media)
    else:
        check_error(status, body)


def test_assembled_ratings_without_identity_are_refused() -> None:
    # the spec has no example id: a rating without one is not a rating the desk can store
    ratings = [
        body for status, _, _, body in bodies("get", "/sale/user-ratings/{ratingId}") if status == "200"
    ]
    assert len(ratings) == 4  # both media types, all properties and only the required ones
    for body in ratings:
        with pytest.raises(AllegroResponseError, match="'id'"):
            parse_rating(body)


def _assembled(method: str, path: str, media: str, status: str = "200") -> dict[str, Any]:
    return next(b for s, m, label, b in bodies(method, path) if (s, m, label) == (status, media, "assembled"))


def test_public_example_values() -> None:
    rating = parse_rating(with_identity(_assembled("get", "/sale/user-ratings/{ratingId}", PUB)))

    assert rating.created_at == dt.datetime(2017, 5, 17, 8, 36, 57, 292000, tzinfo=UTC)
    assert (
        rating.last_changed_at == rating.edited_at == dt.datetime(2017, 5, 19, 8, 36, 57, 292000, tzinfo=UTC)
    )
    assert rating.rates == RatingRates(5, 5, 5, 5)
    assert rating.order_id == "5354bed4-92b7-4fbb-9810-03a8f7834d15"
    assert rating.offers == (RatedOffer("12323523523", "Smart TV"),)
    assert rating.answer == RatingAnswer(
        dt.datetime(2017, 5, 17, 8, 36, 57, 292000, tzinfo=UTC), "That is not our fault"
    )
    assert rating.removal_request is not None and rating.removal_request.source == "SELLER"
    # the example reason comes with excludedFromAverageRates=false, so it is not an exclusion
    assert (rating.excluded_from_average, rating.excluded_reason) == (False, None)


def test_beta_example_values() -> None:
    rating = parse_rating(with_identity(_assembled("get", "/sale/user-ratings/{ratingId}", BETA)))

    assert rating.created_at == dt.datetime(2025, 5, 17, 8, 36, 57, 292000, tzinfo=UTC)
    assert rating.removal_possible_to == dt.datetime(2025, 5, 17, 8, 36, 57, 292000, tzinfo=UTC)
    assert rating.rates is None and rating.first_negative_in_30_days is False
    assert rating.answer is not None and rating.answer.message == ""  # the spec has no example text


def test_summary_example_values() -> None:
    summary = parse_ratings_summary(_assembled("get", "/users/{userId}/ratings-summary", PUB))

    assert summary == RatingsSummary(
        recommended_unique=80,
        recommended_total=100,
        not_recommended_unique=80,
        not_recommended_total=100,
        recommended_percentage=Decimal("99.8"),
        received_total=150,
        excluded_total=10,
        removed_total=5,
        removed_by_admin=2,
        removed_by_buyer=2,
        user_created_at=dt.date(2023, 1, 15),
    )
