"""Demo ratings: valid against the spec in both representations, Polish, believable, and alive."""

from __future__ import annotations

import datetime as dt

import pytest

from integrations.allegro.fake import DemoGenerator, FakeAllegroState, create_app
from integrations.allegro.fake.context import STATE_KEY
from integrations.allegro.fake.demo.ratings import NOT_UNIQUE, delivered_forms
from integrations.allegro.fake.routes.ratings import beta_rating

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
BETA = "application/vnd.allegro.beta.v1+json"
POLISH_LETTERS = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


@pytest.fixture(scope="module")
def populated():
    """A demo shop right after populate (frozen clock), before any tick."""
    state = FakeAllegroState(seed=3, clock=lambda: NOW)
    seller = state.add_seller("demo_sklep")
    generator = DemoGenerator(state, seed=3)
    generator.populate(seller, orders=400, days=40)
    return state, seller, generator


def _all(state):
    return list(state.ratings.values()) + list(state.removed_ratings.values())


def test_every_rating_matches_both_schemas(populated, spec_errors):
    state, _, _ = populated
    problems = {}
    for rating in state.ratings.values():
        beta = beta_rating(rating, state.rating_extras(rating["id"]))
        errors = spec_errors("UserRating", rating) + spec_errors("UserRatingVBeta1", beta)
        if errors:
            problems[rating["id"]] = errors

    assert problems == {}


def test_summary_matches_the_schema(populated, spec_errors):
    state, seller, _ = populated

    assert spec_errors("UserRatingSummaryResponseV2", state.ratings_summary(seller)) == []


def test_about_60_percent_of_delivered_orders_are_rated(populated):
    state, seller, _ = populated
    delivered = {form["id"] for form in delivered_forms(state, seller)}
    rated = {rating["order"]["id"] for rating in _all(state)}

    assert rated <= delivered
    assert 0.45 < len(rated) / len(delivered) < 0.7


def test_ratings_come_after_the_order_was_sent(populated):
    state, _, _ = populated
    for rating in _all(state):
        sent = state.checkout_forms[rating["order"]["id"]]["updatedAt"]
        assert sent < rating["createdAt"] <= "2026-03-02T12:00:00.000Z"
        if rating.get("answer"):
            assert rating["createdAt"] < rating["answer"]["createdAt"]


def test_mostly_positive_and_in_polish(populated):
    state, _, _ = populated
    ratings = _all(state)
    positive = [r for r in ratings if r["recommended"]]
    comments = [r["comment"] for r in ratings if r.get("comment")]

    assert 0.8 < len(positive) / len(ratings) < 0.95
    assert all(r.get("comment") for r in ratings if not r["recommended"])
    assert sum(1 for c in comments if POLISH_LETTERS & set(c)) > len(comments) / 3
    assert any(len(c) > 200 for c in comments)
    assert all(len(c) <= 500 for c in comments)


def test_rates_where_present_are_1_to_5_without_delivery(populated):
    state, _, _ = populated
    rated = [r for r in _all(state) if "rates" in r]

    assert 0.2 < len(rated) / len(_all(state)) < 0.5
    for rating in rated:
        assert "delivery" not in rating["rates"]
        assert all(1 <= value <= 5 for value in rating["rates"].values())


def test_answers_removals_and_exclusions_happen(populated):
    state, seller, _ = populated
    ratings = list(state.ratings.values())
    requested = [r for r in _all(state) if r.get("removal", {}).get("request")]

    assert any(r.get("answer") and r["recommended"] for r in ratings)
    assert any(r.get("answer") and not r["recommended"] for r in ratings)
    assert requested and all(r["removal"]["request"]["source"] == "SELLER" for r in requested)
    assert state.ratings_summary(seller)["statistics"]["removed"]["byAdmin"] >= 1
    excluded = [r for r in ratings if r["excludedFromAverageRates"]]
    assert len(excluded) == 2 and {r["excludedFromAverageRatesReason"] for r in excluded} == {NOT_UNIQUE}


def test_negative_ratings_have_justifications(populated):
    state, _, _ = populated
    for rating in state.ratings.values():
        justifications = state.rating_extras(rating["id"])["justifications"]
        assert bool(justifications) is (not rating["recommended"])


def test_ticks_add_ratings_and_decide_removals():
    clock = [NOW]
    state = FakeAllegroState(seed=11, clock=lambda: clock[0])
    seller = state.add_seller("demo_sklep")
    generator = DemoGenerator(state, seed=11)
    generator.populate(seller, orders=60, days=20)
    pending = state.add_rating(seller, recommended=False)
    state.request_removal(seller, pending["id"], "Wina przewoźnika")
    before = set(state.ratings) | set(state.removed_ratings)

    reports = []
    for _ in range(150):
        clock[0] += dt.timedelta(minutes=1)
        reports.append(generator.tick())

    rated = sum(report["rated"] for report in reports)
    new = [r for rating_id, r in state.ratings.items() if rating_id not in before]
    assert rated > 5 and len(new) + len(set(state.removed_ratings) - before) == rated
    assert sum(report["removals_resolved"] for report in reports) >= 1
    assert state.pending_removals(seller) == []
    assert any(not r["recommended"] for r in new) and any(r["recommended"] for r in new)


def test_populate_is_repeatable_with_a_seed():
    def build():
        state = FakeAllegroState(seed=9, clock=lambda: NOW)
        DemoGenerator(state, seed=9).populate(state.add_seller("demo_sklep"), orders=80)
        return [(r["buyer"]["login"], r["recommended"], r.get("comment")) for r in state.ratings.values()]

    assert build() == build()


def test_demo_app_serves_ratings_in_both_media_types():
    app = create_app()
    client = app.test_client()
    state = app.extensions[STATE_KEY]
    seller = next(iter(state.sellers))
    token = state.issue_token(seller)["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    public = client.get(
        "/sale/user-ratings", headers={**headers, "Accept": "application/vnd.allegro.public.v1+json"}
    )
    beta = client.get("/sale/user-ratings", headers={**headers, "Accept": BETA})

    assert len(public.get_json()["ratings"]) == len(beta.get_json()["ratings"]) == 20
    assert beta.headers["Content-Type"] == BETA
    assert state.violations == []
