"""The fake's ratings endpoints follow Allegro's rules: media types, limits, 400s, 201s, 405."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from integrations.allegro._parse_ratings import parse_rating

PUB = "application/vnd.allegro.public.v1+json"
BETA = "application/vnd.allegro.beta.v1+json"
LIST = "/sale/user-ratings"


def _only_error(response):
    (error,) = response.json()["errors"]
    return error


def _answer(api, rating_id, body, **kwargs):
    return api.send("PUT", f"{LIST}/{rating_id}/answer", body, **kwargs)


def _removal(api, rating_id, body, **kwargs):
    return api.send("PUT", f"{LIST}/{rating_id}/removal", body, **kwargs)


# --- content negotiation -------------------------------------------------------------------------


def test_public_representation(api, state, seller, spec_errors):
    rating = state.add_rating(
        seller, recommended=False, comment="Paczka szła 10 dni", rates={"deliveryCost": 1, "service": 2}
    )

    listed = api.get(LIST)
    one = api.get(f"{LIST}/{rating['id']}")

    assert listed.headers["Content-Type"] == one.headers["Content-Type"] == PUB
    assert spec_errors("UserRatingListResponse", listed.json()) == []
    assert spec_errors("UserRating", one.json()) == []
    assert one.json()["comment"] == "Paczka szła 10 dni"
    assert one.json()["rates"] == {"deliveryCost": 1, "service": 2}
    assert one.json()["excludedFromAverageRates"] is False


def test_beta_representation(api, state, seller, spec_errors):
    rating = state.add_rating(
        seller,
        recommended=False,
        comment="Produkt niezgodny z opisem",
        rates={"service": 1},
        justifications=["Produkt niezgodny z opisem"],
    )
    _answer(api, rating["id"], {"message": "Przepraszamy"})
    _removal(api, rating["id"], {"request": {"message": "Prosimy o usunięcie"}})
    beta = {"Accept": BETA}

    listed = api.get(LIST, headers=beta)
    one = api.get(f"{LIST}/{rating['id']}", headers=beta)

    assert listed.headers["Content-Type"] == one.headers["Content-Type"] == BETA
    assert spec_errors("UserRatingListResponseVBeta1", listed.json()) == []
    body = one.json()
    assert spec_errors("UserRatingVBeta1", body) == []
    assert "rates" not in body and "excludedFromAverageRates" not in body
    assert body["comment"] == {"text": "Produkt niezgodny z opisem", "language": "pl"}
    assert body["answer"]["text"] == "Przepraszamy" and "message" not in body["answer"]
    assert body["removal"]["request"]["message"] == "Prosimy o usunięcie"
    assert body["justifications"] == [{"text": "Produkt niezgodny z opisem", "visibleForBuyer": False}]
    assert body["firstNegativeReviewInLast30Days"] is True


def test_both_representations_parse_to_the_same_rating(api, state, seller):
    form = state.add_checkout_form(seller)
    rating = state.add_rating(
        seller,
        recommended=False,
        comment="Towar uszkodzony",
        checkout_form_id=form["id"],
        rates={"service": 1},
    )
    state.exclude_rating(rating["id"], "Ocena nie jest unikalna")
    _answer(api, rating["id"], {"message": "Wyślemy nowy"})
    _removal(api, rating["id"], {"request": {"message": "Uszkodzenie w transporcie"}})
    path = f"{LIST}/{rating['id']}"

    public = parse_rating(api.get(path).json())
    beta = parse_rating(api.get(path, headers={"Accept": BETA}).json())

    assert beta.rates is None and beta.first_negative_in_30_days is True
    assert msgspec.structs.replace(beta, rates=public.rates, first_negative_in_30_days=None) == public


def test_the_client_order_of_accepted_types_decides(api, state, seller):
    state.add_rating(seller)

    assert api.get(LIST, headers={"Accept": f"{BETA}, {PUB}"}).headers["Content-Type"] == BETA
    assert api.get(LIST, headers={"Accept": f"{PUB};q=1, {BETA}"}).headers["Content-Type"] == PUB


def test_other_media_types_are_406(api, state, seller):
    rating = state.add_rating(seller, recommended=False)

    assert api.get(LIST, headers={"Accept": "application/json"}).status_code == 406
    assert api.get(f"/users/{seller}/ratings-summary", headers={"Accept": BETA}).status_code == 406
    response = _answer(api, rating["id"], {"message": "Hej"}, headers={"Accept": BETA, "Content-Type": BETA})
    assert response.status_code == 406
    assert _only_error(response)["code"] == "NotAcceptableException"
    assert "answer" not in state.ratings[rating["id"]]


def test_writes_need_the_public_content_type(api, state, seller):
    rating = state.add_rating(seller, recommended=False)

    for response in (
        _answer(api, rating["id"], {"message": "Hej"}, headers={"Content-Type": BETA}),
        _removal(
            api, rating["id"], {"request": {"message": "Hej"}}, headers={"Content-Type": "application/json"}
        ),
    ):
        assert response.status_code == 415
        assert _only_error(response)["code"] == "NotSupportedException"
    assert state.ratings[rating["id"]] == rating


def test_an_answer_cannot_be_deleted(api, state, seller):
    rating = state.add_rating(seller)
    _answer(api, rating["id"], {"message": "Dziękujemy"})

    response = api.session.delete(
        f"{api.server.url}{LIST}/{rating['id']}/answer", headers=api.headers(), timeout=10
    )

    assert response.status_code == 405
    assert _only_error(response)["code"] == "NotAllowedException"
    assert response.headers["Allow"] and "PUT" in response.headers["Allow"]
    assert state.ratings[rating["id"]]["answer"]["message"] == "Dziękujemy"


# --- the list ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"offset": 20_001},
        {"limit": "x"},
        {"recommended": "yes"},
    ],
)
def test_paging_and_filters_outside_the_spec_are_422(api, params):
    response = api.get(LIST, params=params)

    assert response.status_code == 422
    assert _only_error(response)["code"] == "VALIDATION_ERROR"


def test_default_limit_is_20_and_offset_20000_is_allowed(api, state, seller, clock):
    for _ in range(25):
        state.add_rating(seller)
        clock.advance(1)

    assert len(api.get(LIST).json()["ratings"]) == 20
    assert len(api.get(LIST, params={"offset": 20, "limit": 100}).json()["ratings"]) == 5
    assert api.get(LIST, params={"offset": 20_000}).json() == {"ratings": []}


def test_sorted_by_last_change_and_filtered_inclusively(api, state, seller, clock):
    a = state.add_rating(seller)
    clock.advance(10)
    b = state.add_rating(seller, recommended=False)
    clock.advance(10)
    c = state.add_rating(seller)
    clock.advance(10)
    state.edit_rating(a["id"], comment="Jednak super")

    ids = [r["id"] for r in api.get(LIST).json()["ratings"]]
    window = {"lastChangedAt.gte": b["lastChangedAt"], "lastChangedAt.lte": c["lastChangedAt"]}

    assert ids == [a["id"], c["id"], b["id"]]
    assert [r["id"] for r in api.get(LIST, params=window).json()["ratings"]] == [c["id"], b["id"]]
    assert [r["id"] for r in api.get(LIST, params={"recommended": "false"}).json()["ratings"]] == [b["id"]]
    assert [r["id"] for r in api.get(LIST, params={"recommended": "true"}).json()["ratings"]] == [
        a["id"],
        c["id"],
    ]


def test_sellers_see_only_their_own_ratings(api, state, seller):
    other = state.add_rating(state.add_seller("inny_sklep"))

    assert api.get(LIST).json() == {"ratings": []}
    response = api.get(f"{LIST}/{other['id']}")
    assert response.status_code == 404 and _only_error(response)["code"] == "NotFoundException"
    assert _answer(api, other["id"], {"message": "Hej"}).status_code == 404


# --- answer --------------------------------------------------------------------------------------


def test_answer_is_201_and_leaves_last_changed_alone(api, state, seller, clock, spec_errors):
    rating = state.add_rating(seller)
    clock.advance(30)

    response = _answer(api, rating["id"], {"message": "Dziękujemy za zakupy!"})

    assert response.status_code == 201 and response.headers["Content-Type"] == PUB
    assert response.json() == {"createdAt": "2026-03-02T12:00:30.000Z", "message": "Dziękujemy za zakupy!"}
    assert spec_errors("Answer", response.json()) == []
    assert state.ratings[rating["id"]]["lastChangedAt"] == rating["lastChangedAt"]


@pytest.mark.parametrize(
    "body", [{"message": "x" * 501}, {}, {"message": "   "}, {"message": 5}, {"text": "Dziękujemy"}]
)
def test_bad_answers_are_400(api, state, seller, body):
    rating = state.add_rating(seller)

    response = _answer(api, rating["id"], body)

    assert response.status_code == 400
    assert _only_error(response)["code"] == "VALIDATION_ERROR"
    assert "answer" not in state.ratings[rating["id"]]


def test_only_one_answer(api, state, seller):
    rating = state.add_rating(seller)
    assert _answer(api, rating["id"], {"message": "Pierwsza"}).status_code == 201

    response = _answer(api, rating["id"], {"message": "Druga"}, headers={"Accept-Language": "pl-PL"})

    assert response.status_code == 400
    assert _only_error(response)["userMessage"].startswith("Żądanie zawiera niepoprawne dane")
    assert state.ratings[rating["id"]]["answer"]["message"] == "Pierwsza"


# --- removal -------------------------------------------------------------------------------------


def test_removal_is_201_with_the_removal(api, state, seller, clock, spec_errors):
    rating = state.add_rating(seller, recommended=False)

    response = _removal(api, rating["id"], {"request": {"message": "Wina przewoźnika"}})

    assert response.status_code == 201
    assert response.json() == {
        "possibleTo": "2026-03-09T12:00:00.000Z",
        "request": {
            "createdAt": "2026-03-02T12:00:00.000Z",
            "message": "Wina przewoźnika",
            "source": "SELLER",
        },
    }
    assert spec_errors("Removal", response.json()) == []
    assert state.pending_removals(seller) == [rating["id"]]


@pytest.mark.parametrize(
    "body", [{"message": "flat"}, {"request": {}}, {"request": {"message": "x" * 501}}, {"request": "text"}]
)
def test_bad_removal_bodies_are_400(api, state, seller, body):
    rating = state.add_rating(seller, recommended=False)

    assert _removal(api, rating["id"], body).status_code == 400
    assert "request" not in state.ratings[rating["id"]]["removal"]


def test_removal_after_the_deadline_or_twice_or_without_a_window_is_400(api, state, seller, clock):
    late = state.add_rating(seller, recommended=False)
    twice = state.add_rating(seller, recommended=False, removal_possible_to=clock() + dt.timedelta(days=30))
    positive = state.add_rating(seller)
    assert _removal(api, twice["id"], {"request": {"message": "Raz"}}).status_code == 201
    clock.advance(dt.timedelta(days=7, seconds=1).total_seconds())
    api.token = state.issue_token(seller)["access_token"]  # the first one has expired meanwhile

    for rating in (late, twice, positive):
        response = _removal(api, rating["id"], {"request": {"message": "Proszę"}})
        assert response.status_code == 400, rating
        assert _only_error(response)["code"] == "VALIDATION_ERROR"


# --- summary -------------------------------------------------------------------------------------


def test_summary(api, state, seller, spec_errors):
    for _ in range(9):
        state.add_rating(seller)
    state.add_rating(seller, recommended=False)

    response = api.get(f"/users/{seller}/ratings-summary")

    assert response.status_code == 200 and response.headers["Content-Type"] == PUB
    body = response.json()
    assert spec_errors("UserRatingSummaryResponseV2", body) == []
    assert body["recommendedPercentage"] == "90,0"
    assert body["recommended"] == {"unique": 9, "total": 9}
    assert body["notRecommended"] == {"unique": 1, "total": 1}


def test_summary_of_another_seller_and_of_unknown_users(api, state, seller):
    other = state.add_seller("inny_sklep")

    assert api.get(f"/users/{other}/ratings-summary").status_code == 200
    response = api.get("/users/12345/ratings-summary")
    assert response.status_code == 404 and _only_error(response)["code"] == "NotFoundException"
