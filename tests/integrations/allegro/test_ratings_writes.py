"""Rating writes are never retried: the desk's outbox re-reads the rating before any second send."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from integrations.allegro import AllegroClient, AllegroOutcomeUnknown, RateLimited, ServerError
from integrations.allegro.fake import FakeAllegroState

from .allegro_doubles import RecordingSleep, wait_until

ANSWER = "PUT /sale/user-ratings/{ratingId}/answer"
REMOVAL = "PUT /sale/user-ratings/{ratingId}/removal"
ONE = "GET /sale/user-ratings/{ratingId}"

Write = Callable[[AllegroClient, str], object]


def _answer(client: AllegroClient, rating_id: str) -> object:
    return client.answer_rating(rating_id, "Przepraszamy za opóźnienie.")


def _removal(client: AllegroClient, rating_id: str) -> object:
    return client.request_rating_removal(rating_id, "Opóźnienie z winy przewoźnika.")


WRITES = [pytest.param(ANSWER, _answer, id="answer"), pytest.param(REMOVAL, _removal, id="removal")]


def _applied(state: FakeAllegroState, route: str, rating_id: str) -> bool:
    rating = state.ratings[rating_id]
    return bool(rating.get("answer")) if route == ANSWER else bool(rating["removal"].get("request"))


@pytest.mark.parametrize(("route", "write"), WRITES)
def test_503_is_raised_not_retried(
    client: AllegroClient,
    state: FakeAllegroState,
    seller_id: str,
    sleep: RecordingSleep,
    route: str,
    write: Write,
) -> None:
    rating = state.add_rating(seller_id, recommended=False)
    state.fail_next(route, 503)

    with pytest.raises(ServerError) as caught:
        write(client, rating["id"])

    assert caught.value.status == 503
    assert state.request_count(route) == 1 and client.request_count == 1
    assert sleep.delays == []
    assert not _applied(state, route, rating["id"])


@pytest.mark.parametrize(("route", "write"), WRITES)
def test_429_is_raised_not_retried(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, route: str, write: Write
) -> None:
    rating = state.add_rating(seller_id, recommended=False)
    state.fail_next(route, 429, retry_after=1)

    with pytest.raises(RateLimited):
        write(client, rating["id"])
    assert state.request_count(route) == 1


@pytest.mark.parametrize(("route", "write"), WRITES)
def test_dropped_after_commit_is_outcome_unknown_and_applied(
    client: AllegroClient,
    state: FakeAllegroState,
    seller_id: str,
    sleep: RecordingSleep,
    route: str,
    write: Write,
) -> None:
    rating = state.add_rating(seller_id, recommended=False)
    state.drop_after_commit(route)

    with pytest.raises(AllegroOutcomeUnknown):
        write(client, rating["id"])

    assert sleep.delays == []
    assert wait_until(lambda: state.request_count(route) == 1)
    assert client.request_count == 1
    # Allegro applied it: re-reading the rating is how the desk learns the outcome
    found = client.get_rating(rating["id"])
    assert (found.answer if route == ANSWER else found.removal_request) is not None


def test_reads_are_still_retried(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, sleep: RecordingSleep
) -> None:
    rating = state.add_rating(seller_id)
    state.fail_next(ONE, 503, times=2)

    assert client.get_rating(rating["id"]).id == rating["id"]
    assert state.request_count(ONE) == 3 and len(sleep.delays) == 2
