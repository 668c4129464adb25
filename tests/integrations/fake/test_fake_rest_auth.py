"""Bearer tokens on the REST API: 401 bodies, expiry, per-seller data and application tokens."""

from __future__ import annotations

import requests

PUB = "application/vnd.allegro.public.v1+json"


def test_missing_token_is_401_unauthorized(fake, seller):
    response = requests.get(f"{fake.url}/order/events", headers={"Accept": PUB}, timeout=10)

    assert response.status_code == 401
    assert response.json() == {
        "error": "unauthorized",
        "error_description": "Full authentication is required to access this resource",
    }


def test_unknown_token_cannot_be_converted(api):
    api.token = "not-a-token-from-this-fake"

    response = api.get("/order/events")

    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_token",
        "error_description": "Cannot convert access token to JSON",
    }


def test_expired_token_names_the_token(api, state, seller):
    state.expire_access_tokens(seller)

    response = api.get("/order/events")

    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_token",
        "error_description": f"Access token expired: {api.token}",
    }


def test_token_expires_when_its_lifetime_passes(api, state, seller, clock):
    api.token = state.issue_token(seller, access_ttl=60)["access_token"]
    assert api.get("/me").status_code == 200

    clock.advance(60)

    assert api.get("/me").json()["error_description"].startswith("Access token expired")


def test_expiring_one_seller_leaves_the_other(api, fake, state, seller):
    other = state.add_seller("inny_sklep")
    other_token = state.issue_token(other)["access_token"]

    state.expire_access_tokens(seller)

    assert api.get("/me").status_code == 401
    response = requests.get(
        f"{fake.url}/me", headers={"Accept": PUB, "Authorization": f"Bearer {other_token}"}, timeout=10
    )
    assert response.status_code == 200
    assert response.json()["login"] == "inny_sklep"


def test_me_describes_the_tokens_seller(api, seller, spec_errors):
    body = api.get("/me").json()

    assert body["id"] == seller
    assert body["login"] == "sklep_testowy"
    assert body["baseMarketplace"] == {"id": "allegro-pl"}
    assert {"firstName", "lastName", "email"} <= set(body)
    assert spec_errors("MeResponse", body) == []


def test_another_sellers_orders_are_invisible(api, state, seller):
    other = state.add_seller("konkurencja")
    foreign = state.add_checkout_form(other)
    own = state.add_checkout_form(seller)

    assert api.get(f"/order/checkout-forms/{foreign['id']}").status_code == 404
    listed = api.get("/order/checkout-forms").json()["checkoutForms"]
    assert [form["id"] for form in listed] == [own["id"]]
    events = api.get("/order/events").json()["events"]
    assert {event["order"]["checkoutForm"]["id"] for event in events} == {own["id"]}
    assert all(event["order"]["seller"]["id"] == seller for event in events)


def test_application_token_reads_carriers_but_not_me(fake, oauth):
    token = oauth.post(
        f"{fake.url}/auth/oauth/token", params={"grant_type": "client_credentials"}, timeout=10
    ).json()["access_token"]
    headers = {"Accept": PUB, "Authorization": f"Bearer {token}"}

    carriers = requests.get(f"{fake.url}/order/carriers", headers=headers, timeout=10)
    me = requests.get(f"{fake.url}/me", headers=headers, timeout=10)

    assert carriers.status_code == 200
    assert me.status_code == 403
    assert me.json()["errors"][0]["code"] == "ACCESS_DENIED"
