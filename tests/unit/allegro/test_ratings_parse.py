"""Rating parsers: both representations, forgiving absence and null, refusing ratings without identity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from integrations.allegro import (
    RATING_TEXT_MAX,
    AllegroResponseError,
    RatedOffer,
    RatingAnswer,
    RatingRates,
    RemovalRequest,
)
from integrations.allegro._parse_ratings import (
    parse_rating,
    parse_rating_answer,
    parse_ratings,
    parse_ratings_summary,
    parse_removal,
    polish_decimal,
)

UTC = dt.UTC
ANSWERED_AT = dt.datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def public_rating(**overrides: Any) -> dict[str, Any]:
    rating: dict[str, Any] = {
        "id": "5df0a6d1ef437e00255572a1",
        "buyer": {"id": "41846511", "login": "kupujaca_ania"},
        "recommended": False,
        "comment": "Paczka szła 10 dni.",
        "createdAt": "2026-02-20T10:00:00.123Z",
        "editedAt": "2026-02-21T09:30:00.000Z",
        "lastChangedAt": "2026-02-21T09:30:00.000Z",
        "rates": {"deliveryCost": 2, "description": 3, "service": 1},
        "order": {
            "id": "5354bed4-92b7-4fbb-9810-03a8f7834d15",
            "offers": [{"id": "17384920011", "title": "Ładowarka USB-C 20W", "snapshot": "x"}],
        },
        "answer": {"createdAt": "2026-02-20T12:00:00.000Z", "message": "Przepraszamy."},
        "removal": {
            "possibleTo": "2026-02-27T10:00:00.123Z",
            "request": {
                "createdAt": "2026-02-22T08:00:00.000Z",
                "message": "Wina kuriera.",
                "source": "SELLER",
            },
        },
        "excludedFromAverageRates": True,
        "excludedFromAverageRatesReason": "Ocena nie jest unikalna",
    }
    rating.update(overrides)
    return rating


def beta_rating(**overrides: Any) -> dict[str, Any]:
    rating: dict[str, Any] = {
        "id": "5df0a6d1ef437e00255572a1",
        "buyer": {"id": "41846511", "login": "kupujaca_ania"},
        "recommended": False,
        "comment": {"text": "Paczka szła 10 dni.", "language": "pl"},
        "createdAt": "2026-02-20T10:00:00.123Z",
        "lastChangedAt": "2026-02-20T10:00:00.123Z",
        "order": {"id": "5354bed4-92b7-4fbb-9810-03a8f7834d15", "offers": [{"id": "1", "title": "Kubek"}]},
        "answer": {"createdAt": "2026-02-20T12:00:00.000Z", "text": "Przepraszamy.", "language": "pl"},
        "exclusion": {"reason": "Rating not unique"},
        "justifications": [{"text": "Opóźniona dostawa", "visibleForBuyer": False}],
        "removal": {
            "possibleTo": "2026-02-27T10:00:00.123Z",
            "request": {
                "createdAt": "2026-02-22T08:00:00.000Z",
                "message": "Wina kuriera.",
                "language": "pl",
            },
        },
        "firstNegativeReviewInLast30Days": True,
    }
    rating.update(overrides)
    return rating


def test_public_v1_rating() -> None:
    rating = parse_rating(public_rating())

    assert (rating.id, rating.buyer_id, rating.buyer_login) == (
        "5df0a6d1ef437e00255572a1",
        "41846511",
        "kupujaca_ania",
    )
    assert rating.recommended is False and rating.comment == "Paczka szła 10 dni."
    assert rating.created_at == dt.datetime(2026, 2, 20, 10, 0, 0, 123000, tzinfo=UTC)
    assert rating.edited_at == rating.last_changed_at == dt.datetime(2026, 2, 21, 9, 30, tzinfo=UTC)
    assert rating.rates == RatingRates(delivery=None, delivery_cost=2, description=3, service=1)
    assert rating.order_id == "5354bed4-92b7-4fbb-9810-03a8f7834d15"
    assert rating.offers == (RatedOffer("17384920011", "Ładowarka USB-C 20W"),)
    assert rating.answer == RatingAnswer(dt.datetime(2026, 2, 20, 12, 0, tzinfo=UTC), "Przepraszamy.")
    assert rating.removal_possible_to == dt.datetime(2026, 2, 27, 10, 0, 0, 123000, tzinfo=UTC)
    assert rating.removal_request == RemovalRequest(
        dt.datetime(2026, 2, 22, 8, 0, tzinfo=UTC), "Wina kuriera.", "SELLER"
    )
    assert (rating.excluded_from_average, rating.excluded_reason) == (True, "Ocena nie jest unikalna")
    assert rating.first_negative_in_30_days is None  # public.v1 does not say


def test_beta_v1_rating() -> None:
    rating = parse_rating(beta_rating())

    assert rating.comment == "Paczka szła 10 dni."
    assert rating.rates is None
    assert rating.answer is not None and rating.answer.message == "Przepraszamy."
    assert (rating.excluded_from_average, rating.excluded_reason) == (True, "Rating not unique")
    assert rating.removal_request is not None and rating.removal_request.source is None
    assert rating.first_negative_in_30_days is True
    assert rating.edited_at is None


def test_beta_exclusion_without_reason_is_not_an_exclusion() -> None:
    rating = parse_rating(beta_rating(exclusion={}))

    assert (rating.excluded_from_average, rating.excluded_reason) == (False, None)


def test_public_reason_is_ignored_unless_excluded() -> None:
    rating = parse_rating(public_rating(excludedFromAverageRates=False))

    assert (rating.excluded_from_average, rating.excluded_reason) == (False, None)


def test_nulls_and_absences_are_fine() -> None:
    rating = parse_rating(
        public_rating(
            comment=None,
            editedAt=None,
            lastChangedAt=None,
            rates=None,
            order=None,
            answer=None,
            removal=None,
            excludedFromAverageRates=None,
            excludedFromAverageRatesReason=None,
            unknownField={"x": 1},
        )
    )

    assert rating.comment is None and rating.rates is None and rating.answer is None
    assert rating.order_id is None and rating.offers == ()
    assert rating.removal_possible_to is None and rating.removal_request is None
    assert rating.excluded_from_average is False
    # Allegro defines lastChangedAt as creation or latest edit, so creation stands in for it
    assert rating.last_changed_at == rating.created_at


def test_last_changed_falls_back_to_the_edit() -> None:
    rating = parse_rating(public_rating(lastChangedAt=None))

    assert rating.last_changed_at == rating.edited_at


def test_removal_without_request_and_offers_without_id() -> None:
    order = {"id": "o-1", "offers": [{"title": "no id"}, {"id": "2"}, "junk"]}
    rating = parse_rating(
        public_rating(removal={"possibleTo": "2026-02-27T10:00:00Z", "request": None}, order=order)
    )

    assert rating.removal_request is None
    assert rating.removal_possible_to == dt.datetime(2026, 2, 27, 10, 0, tzinfo=UTC)
    assert rating.offers == (RatedOffer("2", ""),)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": None}, "'id'"),
        ({"buyer": {"login": "x"}}, "'id'"),
        ({"recommended": None}, "'recommended'"),
        ({"recommended": "false"}, "'recommended'"),
        ({"createdAt": "yesterday"}, "'createdAt'"),
        ({"answer": {"message": "no date"}}, "answer"),
        ({"removal": {"possibleTo": "2026-02-27T10:00:00Z", "request": {"message": "m"}}}, "removal request"),
    ],
)
def test_ratings_without_identity_are_refused(change: dict[str, Any], field: str) -> None:
    with pytest.raises(AllegroResponseError, match=field):
        parse_rating(public_rating(**change))


def test_missing_buyer_login_is_tolerated() -> None:
    assert parse_rating(public_rating(buyer={"id": "7"})).buyer_login == ""


def test_rating_list() -> None:
    page = parse_ratings({"ratings": [public_rating(), beta_rating(id="6df0a6d1ef437e00255572a2"), None]})

    assert [r.id for r in page.ratings] == ["5df0a6d1ef437e00255572a1", "6df0a6d1ef437e00255572a2"]
    (odd,) = page.rejected  # a null in the list is set aside, not silently dropped
    assert (odd.kind, odd.raw, odd.error) == ("rating", "null", "not a JSON object")
    assert parse_ratings({}).size == 0 and parse_ratings({"ratings": None}).size == 0


def test_answer_and_removal_bodies() -> None:
    answer = parse_rating_answer(
        {"createdAt": "2026-03-02T11:59:59.000Z", "message": "Dziękujemy"},
        sent_message="Dziękujemy",
        answered_at=ANSWERED_AT,
    )
    removal = parse_removal(
        {
            "possibleTo": "2026-03-05T00:00:00Z",
            "request": {"createdAt": "2026-03-02T11:59:59Z", "message": "m", "source": "SELLER"},
        },
        sent_message="m",
        answered_at=ANSWERED_AT,
    )

    assert answer == RatingAnswer(dt.datetime(2026, 3, 2, 11, 59, 59, tzinfo=UTC), "Dziękujemy")
    assert removal == RemovalRequest(dt.datetime(2026, 3, 2, 11, 59, 59, tzinfo=UTC), "m", "SELLER")


def test_a_201_missing_fields_is_completed_from_what_was_sent() -> None:
    # the 201 itself proves the write happened; refusing it would make the desk send again
    assert parse_rating_answer({}, sent_message="Dzięki", answered_at=ANSWERED_AT) == RatingAnswer(
        ANSWERED_AT, "Dzięki"
    )
    assert parse_removal(
        {"possibleTo": "2026-03-05T00:00:00Z"}, sent_message="Proszę", answered_at=ANSWERED_AT
    ) == RemovalRequest(ANSWERED_AT, "Proszę", None)


def test_summary() -> None:
    summary = parse_ratings_summary(
        {
            "recommended": {"unique": 998, "total": 1010},
            "notRecommended": {"unique": 2, "total": 3},
            "recommendedPercentage": "99,8",
            "statistics": {
                "received": {"total": 1020},
                "excluded": {"total": 4},
                "removed": {"total": 7, "byAdmin": 3, "byBuyer": 3, "byBuyerDueToCompensation": 1},
            },
            "user": {"createdAt": "2013-05-04"},
        }
    )

    assert (summary.recommended_unique, summary.recommended_total) == (998, 1010)
    assert (summary.not_recommended_unique, summary.not_recommended_total) == (2, 3)
    assert summary.recommended_percentage == Decimal("99.8")
    assert (summary.received_total, summary.excluded_total) == (1020, 4)
    assert (summary.removed_total, summary.removed_by_admin, summary.removed_by_buyer) == (7, 3, 3)
    assert summary.user_created_at == dt.date(2013, 5, 4)


def test_summary_of_a_seller_without_ratings() -> None:
    summary = parse_ratings_summary({"user": {"createdAt": "2020-01-01"}})

    assert (summary.recommended_unique, summary.not_recommended_total) == (0, 0)
    assert summary.recommended_percentage is None
    assert summary.received_total is None and summary.removed_by_buyer is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("99,8", Decimal("99.8")),
        ("100", Decimal("100")),
        ("100,0", Decimal("100.0")),
        ("0,5", Decimal("0.5")),
        ("97.25", Decimal("97.25")),
        (99, Decimal("99")),
        ("", None),
        ("brak", None),
        ("NaN", None),
        (None, None),
        (True, None),
    ],
)
def test_polish_decimal(raw: Any, expected: Decimal | None) -> None:
    assert polish_decimal(raw) == expected


def test_text_limit_matches_the_spec() -> None:
    assert RATING_TEXT_MAX == 500
