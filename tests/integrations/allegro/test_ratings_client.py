"""The ratings methods of the client against the fake: what they send, return and refuse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from integrations.allegro import (
    PUBLIC_V1,
    AllegroClient,
    BadRequest,
    NotFound,
    RatedOffer,
    RatingAnswer,
    RatingRates,
    RemovalRequest,
    format_datetime,
)
from integrations.allegro.fake import FakeAllegroState

from .allegro_doubles import Clock

LIST = "GET /sale/user-ratings"
ANSWER = "PUT /sale/user-ratings/{ratingId}/answer"
REMOVAL = "PUT /sale/user-ratings/{ratingId}/removal"
POLISH_USER_MESSAGE = "Żądanie zawiera niepoprawne dane. Skontaktuj się z autorem aplikacji."


def test_list_newest_change_first(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    first = state.add_rating(seller_id, comment="Polecam")
    clock.advance(60)
    second = state.add_rating(seller_id, recommended=False, comment="Paczka szła 10 dni")
    clock.advance(60)
    state.edit_rating(first["id"], comment="Polecam, szybka wysyłka")

    ratings = client.list_ratings().ratings

    assert [r.id for r in ratings] == [first["id"], second["id"]]
    assert ratings[0].comment == "Polecam, szybka wysyłka"
    assert ratings[0].edited_at == ratings[0].last_changed_at == clock()
    negative = ratings[1]
    assert negative.recommended is False
    assert negative.removal_possible_to == negative.created_at + dt.timedelta(days=7)
    (sent,) = state.requests_for(LIST)
    assert sent.query == {"offset": ["0"], "limit": ["100"]}
    assert sent.headers["Accept"] == PUBLIC_V1


def test_list_filters_are_sent_and_inclusive(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    start = clock()
    old = state.add_rating(seller_id, recommended=False, comment="Słabo")
    clock.advance(3600)
    middle = state.add_rating(seller_id, recommended=False, comment="Źle zapakowane")
    clock.advance(3600)
    state.add_rating(seller_id, recommended=False, comment="Nie polecam")
    state.add_rating(seller_id, recommended=True)

    found = client.list_ratings(
        recommended=False, last_changed_gte=start, last_changed_lte=start + dt.timedelta(hours=1)
    ).ratings

    assert [r.id for r in found] == [middle["id"], old["id"]]
    query = state.requests_for(LIST)[-1].query
    assert query["recommended"] == ["false"]
    assert query["lastChangedAt.gte"] == [format_datetime(start)]
    assert query["lastChangedAt.lte"] == [format_datetime(start + dt.timedelta(hours=1))]
    assert [r.recommended for r in client.list_ratings(recommended=True).ratings] == [True]


def test_list_pages_with_offset_and_limit(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    ids = []
    for _ in range(5):
        ids.append(state.add_rating(seller_id)["id"])
        clock.advance(1)
    newest_first = ids[::-1]

    assert [r.id for r in client.list_ratings(limit=2).ratings] == newest_first[:2]
    assert [r.id for r in client.list_ratings(offset=2, limit=2).ratings] == newest_first[2:4]
    assert [r.id for r in client.list_ratings(offset=4, limit=2).ratings] == newest_first[4:]
    assert client.list_ratings(offset=20_000, limit=1).size == 0


@pytest.mark.parametrize(
    "paging",
    [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"offset": 20_001}, {"limit": True}, {"offset": "1"}],
)
def test_list_refuses_paging_allegro_would_refuse(
    client: AllegroClient, state: FakeAllegroState, paging: dict
) -> None:
    with pytest.raises(ValueError):
        client.list_ratings(**paging)
    assert state.request_count() == 0


def test_get_rating_linked_to_an_order(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    form = state.add_checkout_form(seller_id)
    rates = {"deliveryCost": 4, "description": 5, "service": 5}
    added = state.add_rating(seller_id, comment="Super", checkout_form_id=form["id"], rates=rates)

    rating = client.get_rating(added["id"])

    assert (rating.buyer_id, rating.buyer_login) == (form["buyer"]["id"], form["buyer"]["login"])
    assert rating.order_id == form["id"]
    assert rating.offers == tuple(RatedOffer(i["offer"]["id"], i["offer"]["name"]) for i in form["lineItems"])
    assert rating.rates == RatingRates(delivery=None, delivery_cost=4, description=5, service=5)
    assert rating.answer is None and rating.removal_possible_to is None
    assert rating.excluded_from_average is False


def test_unknown_and_foreign_ratings_are_not_found(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    other = state.add_rating(state.add_seller("inny_sklep"))

    for rating_id in ("5df0a6d1ef437e00255572a1", other["id"]):
        with pytest.raises(NotFound):
            client.get_rating(rating_id)
    with pytest.raises(ValueError):
        client.get_rating(" ")


def test_excluded_rating(client: AllegroClient, state: FakeAllegroState, seller_id: str) -> None:
    rating = state.add_rating(seller_id)
    state.exclude_rating(rating["id"], "Ocena nie jest unikalna")

    found = client.get_rating(rating["id"])

    assert (found.excluded_from_average, found.excluded_reason) == (True, "Ocena nie jest unikalna")


def test_answer_rating(client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock) -> None:
    rating = state.add_rating(seller_id, recommended=False, comment="Produkt niezgodny z opisem")
    clock.advance(120)

    answer = client.answer_rating(rating["id"], "Przepraszamy, wyślemy właściwy produkt.")

    assert answer == RatingAnswer(clock(), "Przepraszamy, wyślemy właściwy produkt.")
    assert client.get_rating(rating["id"]).answer == answer
    (sent,) = state.requests_for(ANSWER)
    assert sent.body == {"message": "Przepraszamy, wyślemy właściwy produkt."}
    assert sent.headers["Content-Type"] == PUBLIC_V1 and sent.status == 201


def test_answer_of_exactly_500_polish_characters_is_accepted(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    rating = state.add_rating(seller_id)

    assert client.answer_rating(rating["id"], "ż" * 500).message == "ż" * 500


def test_second_answer_is_a_bad_request_with_a_user_message(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    rating = state.add_rating(seller_id)
    client.answer_rating(rating["id"], "Dziękujemy!")

    with pytest.raises(BadRequest) as caught:
        client.answer_rating(rating["id"], "Jeszcze raz dziękujemy!")

    assert caught.value.status == 400 and caught.value.code == "VALIDATION_ERROR"
    assert caught.value.user_message == POLISH_USER_MESSAGE
    assert caught.value.trace_id
    assert state.ratings[rating["id"]]["answer"]["message"] == "Dziękujemy!"


@pytest.mark.parametrize("message", ["", "   ", "x" * 501])
def test_client_refuses_texts_allegro_would_refuse(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, message: str
) -> None:
    rating = state.add_rating(seller_id, recommended=False)

    with pytest.raises(ValueError):
        client.answer_rating(rating["id"], message)
    with pytest.raises(ValueError):
        client.request_rating_removal(rating["id"], message)
    assert state.request_count() == 0


def test_request_removal(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    rating = state.add_rating(seller_id, recommended=False, comment="Nie polecam")
    clock.advance(3600)

    request = client.request_rating_removal(rating["id"], "Opóźnienie z winy przewoźnika.")

    assert request == RemovalRequest(clock(), "Opóźnienie z winy przewoźnika.", "SELLER")
    assert client.get_rating(rating["id"]).removal_request == request
    (sent,) = state.requests_for(REMOVAL)
    assert sent.body == {"request": {"message": "Opóźnienie z winy przewoźnika."}} and sent.status == 201


def test_removal_after_possible_to_is_refused(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    rating = state.add_rating(seller_id, recommended=False)
    clock.advance(dt.timedelta(days=7).total_seconds() + 1)

    with pytest.raises(BadRequest) as caught:
        client.request_rating_removal(rating["id"], "Proszę o usunięcie")

    assert caught.value.user_message == POLISH_USER_MESSAGE
    assert "request" not in state.ratings[rating["id"]]["removal"]


def test_removal_exactly_at_possible_to_is_accepted(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    deadline = clock() + dt.timedelta(hours=2)
    rating = state.add_rating(seller_id, recommended=False, removal_possible_to=deadline)
    clock.now = deadline

    assert client.request_rating_removal(rating["id"], "Ostatnia chwila").created_at == deadline


def test_removal_can_be_requested_once(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    rating = state.add_rating(seller_id, recommended=False)
    client.request_rating_removal(rating["id"], "Pierwsza prośba")

    with pytest.raises(BadRequest):
        client.request_rating_removal(rating["id"], "Druga prośba")
    assert state.ratings[rating["id"]]["removal"]["request"]["message"] == "Pierwsza prośba"


def test_accepted_removal_makes_the_rating_disappear(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    rating = state.add_rating(seller_id, recommended=False)
    client.request_rating_removal(rating["id"], "Komentarz zawiera wulgaryzmy")

    state.resolve_removal(rating["id"], accepted=True)

    assert client.list_ratings().size == 0
    with pytest.raises(NotFound):
        client.get_rating(rating["id"])
    summary = client.get_ratings_summary(seller_id)
    assert (summary.removed_total, summary.removed_by_admin) == (1, 1)


def test_refused_removal_keeps_the_rating_and_its_request(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    rating = state.add_rating(seller_id, recommended=False)
    client.request_rating_removal(rating["id"], "Prośba")

    state.resolve_removal(rating["id"], accepted=False)

    kept = client.get_rating(rating["id"])
    assert kept.removal_request is not None and kept.removal_request.message == "Prośba"
    assert client.get_ratings_summary(seller_id).removed_total == 0


def test_ratings_summary(client: AllegroClient, state: FakeAllegroState, seller_id: str) -> None:
    form = state.add_checkout_form(seller_id)
    state.add_rating(seller_id, checkout_form_id=form["id"])
    state.add_rating(seller_id, checkout_form_id=form["id"])  # the same buyer again: not unique
    for _ in range(3):
        state.add_rating(seller_id)
    state.add_rating(seller_id, recommended=False)
    state.exclude_rating(state.add_rating(seller_id)["id"], "Ocena nie jest unikalna")

    summary = client.get_ratings_summary(seller_id)

    assert (summary.recommended_unique, summary.recommended_total) == (4, 6)
    assert (summary.not_recommended_unique, summary.not_recommended_total) == (1, 1)
    assert summary.recommended_percentage == Decimal("80.0")
    assert (summary.received_total, summary.excluded_total, summary.removed_total) == (7, 1, 0)
    assert (summary.removed_by_admin, summary.removed_by_buyer) == (0, 0)
    assert isinstance(summary.user_created_at, dt.date)


def test_summary_of_an_unknown_user_is_not_found(client: AllegroClient, seller_id: str) -> None:
    with pytest.raises(NotFound):
        client.get_ratings_summary("99999999")
    with pytest.raises(ValueError):
        client.get_ratings_summary("")
