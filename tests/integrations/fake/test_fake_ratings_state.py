"""The fake's ratings test handle: arranging ratings, buyer edits, Allegro's decisions, the summary."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import requests

PUB = "application/vnd.allegro.public.v1+json"
BETA = "application/vnd.allegro.beta.v1+json"
LIST = "/sale/user-ratings"


def test_add_rating_linked_to_a_checkout_form(state, seller):
    form = state.add_checkout_form(seller)

    rating = state.add_rating(seller, comment="Super", checkout_form_id=form["id"])

    assert re.fullmatch(r"[0-9a-f]{24}", rating["id"])
    assert rating["buyer"] == {"id": form["buyer"]["id"], "login": form["buyer"]["login"]}
    assert rating["order"]["id"] == form["id"]
    assert [o["id"] for o in rating["order"]["offers"]] == [i["offer"]["id"] for i in form["lineItems"]]
    assert rating["createdAt"] == rating["lastChangedAt"] == "2026-03-02T12:00:00.000Z"
    assert "removal" not in rating and "editedAt" not in rating
    assert state.rating_seller(rating["id"]) == seller


def test_add_rating_refuses_unknown_sellers_and_foreign_orders(state, seller):
    foreign = state.add_checkout_form(state.add_seller("inny_sklep"))

    with pytest.raises(KeyError):
        state.add_rating("1")
    with pytest.raises(KeyError):
        state.add_rating(seller, checkout_form_id=foreign["id"])
    assert state.ratings == {}


def test_negative_ratings_get_a_removal_window(state, seller, clock):
    created = clock() - dt.timedelta(days=2)

    default = state.add_rating(seller, recommended=False, created_at=created)
    chosen = state.add_rating(seller, recommended=False, removal_possible_to=clock() + dt.timedelta(hours=5))

    assert default["removal"] == {"possibleTo": "2026-03-07T12:00:00.000Z"}
    assert chosen["removal"] == {"possibleTo": "2026-03-02T17:00:00.000Z"}


def test_overrides_set_fields_and_an_edit_time_moves_last_change(state, seller):
    answer = {"createdAt": "2026-03-01T10:00:00.000Z", "message": "Dziękujemy"}

    rating = state.add_rating(seller, editedAt="2026-03-02T11:00:00.000Z", answer=answer)

    assert rating["answer"] == answer
    assert rating["lastChangedAt"] == "2026-03-02T11:00:00.000Z"


def test_buyer_edit_moves_the_rating_to_the_top(api, state, seller, clock):
    first = state.add_rating(seller)
    clock.advance(60)
    second = state.add_rating(seller)
    clock.advance(60)

    edited = state.edit_rating(first["id"], recommended=False, comment="Jednak nie polecam")

    assert edited["editedAt"] == edited["lastChangedAt"] == "2026-03-02T12:02:00.000Z"
    assert edited["removal"] == {"possibleTo": "2026-03-09T12:02:00.000Z"}
    assert [r["id"] for r in api.get(LIST).json()["ratings"]] == [first["id"], second["id"]]
    assert state.rating_extras(first["id"])["firstNegative"] is True


def test_first_negative_in_30_days(state, seller, clock):
    first = state.add_rating(seller, recommended=False)
    clock.advance(dt.timedelta(days=10).total_seconds())
    second = state.add_rating(seller, recommended=False)
    clock.advance(dt.timedelta(days=31).total_seconds())
    third = state.add_rating(seller, recommended=False)
    positive = state.add_rating(seller)

    flags = [state.rating_extras(r["id"])["firstNegative"] for r in (first, second, third, positive)]

    assert flags == [True, False, True, False]


def test_resolve_removal(api, state, seller):
    accepted = state.add_rating(seller, recommended=False)
    refused = state.add_rating(seller, recommended=False)
    for rating in (accepted, refused):
        api.send("PUT", f"{LIST}/{rating['id']}/removal", {"request": {"message": "Proszę"}})
    assert set(state.pending_removals(seller)) == {accepted["id"], refused["id"]}

    state.resolve_removal(accepted["id"], accepted=True)
    state.resolve_removal(refused["id"], accepted=False)

    assert [r["id"] for r in api.get(LIST).json()["ratings"]] == [refused["id"]]
    assert api.get(f"{LIST}/{accepted['id']}").status_code == 404
    assert state.ratings[refused["id"]]["removal"]["request"]["message"] == "Proszę"
    assert state.pending_removals() == []
    assert accepted["id"] in state.removed_ratings
    with pytest.raises(ValueError):
        state.resolve_removal(refused["id"], accepted=True)


def test_resolving_without_a_request_is_a_mistake(state, seller):
    rating = state.add_rating(seller, recommended=False)

    with pytest.raises(ValueError):
        state.resolve_removal(rating["id"], accepted=True)
    with pytest.raises(ValueError):
        state.remove_rating(rating["id"], by="byMistake")


def test_exclusion_in_both_representations_and_languages(api, state, seller):
    rating = state.add_rating(seller)
    state.exclude_rating(rating["id"], "Ocena nie jest unikalna")
    path = f"{LIST}/{rating['id']}"

    public = api.get(path).json()
    english = api.get(path, headers={"Accept-Language": "en-US"}).json()
    beta = api.get(path, headers={"Accept": BETA}).json()
    beta_english = api.get(path, headers={"Accept": BETA, "Accept-Language": "en-US"}).json()

    assert (public["excludedFromAverageRates"], public["excludedFromAverageRatesReason"]) == (
        True,
        "Ocena nie jest unikalna",
    )
    assert english["excludedFromAverageRatesReason"] == "Rating not unique"
    assert beta["exclusion"] == {"reason": "Ocena nie jest unikalna"}
    assert beta_english["exclusion"] == {"reason": "Rating not unique"}
    assert state.ratings[rating["id"]]["excludedFromAverageRatesReason"] == "Ocena nie jest unikalna"


def test_summary_counts_unique_buyers_exclusions_and_removals(api, state, seller, spec_errors):
    form = state.add_checkout_form(seller)
    state.add_rating(seller, checkout_form_id=form["id"])
    state.exclude_rating(
        state.add_rating(seller, checkout_form_id=form["id"])["id"], "Ocena nie jest unikalna"
    )
    state.add_rating(seller)
    state.remove_rating(state.add_rating(seller, recommended=False)["id"], by="byBuyer")
    state.remove_rating(state.add_rating(seller, recommended=False)["id"], by="byBuyerDueToCompensation")
    negative = state.add_rating(seller, recommended=False)
    state.remove_rating(state.add_rating(seller, recommended=False)["id"], by="byAdmin")

    body = api.get(f"/users/{seller}/ratings-summary").json()

    assert spec_errors("UserRatingSummaryResponseV2", body) == []
    assert body["recommended"] == {"unique": 2, "total": 3}
    assert body["notRecommended"] == {"unique": 1, "total": 1}
    assert body["recommendedPercentage"] == "66,6"  # rounded down, like a share that is not yet 66.7%
    assert body["statistics"] == {
        "received": {"total": 7},
        "excluded": {"total": 1},
        "removed": {"total": 3, "byAdmin": 1, "byBuyer": 1, "byBuyerDueToCompensation": 1},
    }
    assert re.fullmatch(r"20[12]\d-\d{2}-\d{2}", body["user"]["createdAt"])
    assert negative["id"] in state.ratings


def test_summary_without_ratings_has_no_percentage(api, seller):
    body = api.get(f"/users/{seller}/ratings-summary").json()

    assert "recommendedPercentage" not in body
    assert body["recommended"] == {"unique": 0, "total": 0}
    assert body["statistics"]["received"] == {"total": 0}


def test_percentage_reaches_100_only_without_complaints(api, state, seller):
    for _ in range(999):
        state.add_rating(seller)
    state.add_rating(seller, recommended=False)

    assert api.get(f"/users/{seller}/ratings-summary").json()["recommendedPercentage"] == "99,9"


@pytest.mark.parametrize(
    ("route", "suffix", "body"),
    [
        ("PUT /sale/user-ratings/{ratingId}/answer", "answer", {"message": "Dziękujemy"}),
        ("PUT /sale/user-ratings/{ratingId}/removal", "removal", {"request": {"message": "Proszę"}}),
    ],
)
def test_writes_dropped_after_commit_are_applied(api, state, seller, route, suffix, body):
    rating = state.add_rating(seller, recommended=False)
    state.drop_after_commit(route)

    with pytest.raises(requests.ConnectionError):
        api.send("PUT", f"{LIST}/{rating['id']}/{suffix}", body)

    stored = state.ratings[rating["id"]]
    assert (stored["answer"] if suffix == "answer" else stored["removal"]["request"])["message"] == (
        "Dziękujemy" if suffix == "answer" else "Proszę"
    )
    logged = state.requests_for(route)[-1]
    assert (logged.status, logged.dropped) == (201, True)
