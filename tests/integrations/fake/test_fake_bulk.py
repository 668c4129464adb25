"""populate_fast for benchmarks: 50 000 orders, and paging through them stays correct."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from integrations.allegro.fake import FakeAllegroState, serve_fake
from integrations.allegro.fake.timeutil import parse_iso

PUB = "application/vnd.allegro.public.v1+json"


@pytest.fixture(scope="module")
def big_shop():
    state = FakeAllegroState(seed=11)
    seller = state.add_seller("duzy_sklep")
    state.populate_fast(seller, 50_000)
    with serve_fake(state) as server:
        yield server, state, seller


def test_fifty_thousand_orders_with_two_events_each(big_shop):
    _, state, seller = big_shop

    assert len(state.checkout_forms) == 50_000
    assert len(state.events) == 100_000
    assert len({form["lineItems"][0]["id"] for form in state.checkout_forms.values()}) == 50_000
    per_form = {}
    for event in state.events:
        per_form.setdefault(event["order"]["checkoutForm"]["id"], []).append(event["type"])
    assert set(map(tuple, per_form.values())) == {("BOUGHT", "READY_FOR_PROCESSING")}


def test_a_page_by_updated_at_is_correct(big_shop):
    server, state, seller = big_shop
    token = state.issue_token(seller)["access_token"]
    times = sorted(parse_iso(form["updatedAt"]) for form in state.checkout_forms.values())
    since = times[30_000]

    response = requests.get(
        f"{server.url}/order/checkout-forms",
        params={"updatedAt.gte": since.isoformat(), "sort": "updatedAt", "offset": 200, "limit": 100},
        headers={"Authorization": f"Bearer {token}", "Accept": PUB},
        timeout=30,
    )

    body = response.json()
    assert response.status_code == 200
    assert body["totalCount"] == 20_000
    assert body["count"] == 100
    page = [parse_iso(form["updatedAt"]) for form in body["checkoutForms"]]
    assert page == sorted(page)
    assert page[0] == times[30_200]
    assert state.violations == []


def test_updated_at_spread_over_the_window(big_shop):
    _, state, _ = big_shop
    times = sorted(parse_iso(form["updatedAt"]) for form in state.checkout_forms.values())

    assert times[-1] - times[0] > dt.timedelta(days=29)
    assert len(set(times)) == 50_000


def test_a_change_is_visible_in_the_next_query(big_shop):
    server, state, seller = big_shop
    token = state.issue_token(seller)["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Accept": PUB}
    oldest = min(state.checkout_forms.values(), key=lambda form: form["updatedAt"])

    state.update_checkout_form(oldest["id"], messageToSeller="Proszę o szybką wysyłkę")
    newest = requests.get(
        f"{server.url}/order/checkout-forms",
        params={"sort": "-updatedAt", "limit": 1},
        headers=headers,
        timeout=30,
    ).json()

    assert newest["checkoutForms"][0]["id"] == oldest["id"]
    assert newest["totalCount"] == 50_000
