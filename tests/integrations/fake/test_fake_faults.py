"""Fault injection: failures, Retry-After, dropped connections before and after commit, delays."""

from __future__ import annotations

import time

import pytest
import requests

SHIPMENTS = "POST /order/checkout-forms/{id}/shipments"
EVENTS = "GET /order/events"


def test_fail_next_answers_once_then_recovers(api, state, seller):
    state.fail_next(EVENTS, 503)

    failed, recovered = api.get("/order/events"), api.get("/order/events")

    assert failed.status_code == 503
    assert failed.json()["errors"][0]["code"] == "SERVICE_UNAVAILABLE"
    assert recovered.status_code == 200


def test_fail_next_with_retry_after_and_times(api, state):
    state.fail_next(EVENTS, 429, times=2, retry_after=7)

    answers = [api.get("/order/events") for _ in range(3)]

    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].headers["Retry-After"] == "7"
    assert "Retry-After" not in answers[2].headers


def test_fail_next_with_a_custom_body(api, state):
    body = {
        "errors": [
            {"code": "SellerOrdersStoreUnprocessableEntityException", "message": "Too many operations"}
        ]
    }
    state.fail_next("GET /order/checkout-forms", 422, body=body)

    response = api.get("/order/checkout-forms")

    assert (response.status_code, response.json()) == (422, body)


def test_injected_401_looks_like_an_expired_token(api, state):
    state.fail_next(EVENTS, 401)

    response = api.get("/order/events")

    assert response.json() == {
        "error": "invalid_token",
        "error_description": f"Access token expired: {api.token}",
    }


def test_failed_write_is_not_applied(api, state, seller):
    form = state.add_checkout_form(seller)
    state.fail_next(SHIPMENTS, 500)

    response = api.send(
        "POST", f"/order/checkout-forms/{form['id']}/shipments", {"carrierId": "DPD", "waybill": "1"}
    )

    assert response.status_code == 500
    assert form["id"] not in state.shipments


def test_drop_after_commit_applies_the_effect_but_gives_no_answer(api, state, seller):
    form = state.add_checkout_form(seller)
    state.drop_after_commit(SHIPMENTS)

    with pytest.raises(requests.ConnectionError):
        api.send(
            "POST", f"/order/checkout-forms/{form['id']}/shipments", {"carrierId": "DPD", "waybill": "1"}
        )

    assert [s["waybill"] for s in state.shipments[form["id"]]] == ["1"]
    logged = state.requests_for(SHIPMENTS)[-1]
    assert (logged.status, logged.dropped) == (201, True)
    assert api.get(f"/order/checkout-forms/{form['id']}/shipments").json()["shipments"][0]["waybill"] == "1"


def test_drop_after_commit_on_fulfillment(api, state, seller):
    form = state.add_checkout_form(seller)
    state.drop_after_commit("PUT /order/checkout-forms/{id}/fulfillment")

    with pytest.raises(requests.ConnectionError):
        api.send("PUT", f"/order/checkout-forms/{form['id']}/fulfillment", {"status": "SENT"})

    assert state.checkout_forms[form["id"]]["fulfillment"]["status"] == "SENT"


def test_drop_before_applies_nothing(api, state, seller):
    form = state.add_checkout_form(seller)
    state.drop_before(SHIPMENTS)

    with pytest.raises(requests.ConnectionError):
        api.send(
            "POST", f"/order/checkout-forms/{form['id']}/shipments", {"carrierId": "DPD", "waybill": "1"}
        )

    assert form["id"] not in state.shipments
    assert state.requests_for(SHIPMENTS)[-1].dropped is True
    assert (
        api.send(
            "POST", f"/order/checkout-forms/{form['id']}/shipments", {"carrierId": "DPD", "waybill": "1"}
        ).status_code
        == 201
    )


def test_delay_slows_the_next_request_only(api, state):
    state.delay(EVENTS, 0.3)

    started = time.monotonic()
    api.get("/order/events")
    slow = time.monotonic() - started
    started = time.monotonic()
    api.get("/order/events")
    fast = time.monotonic() - started

    assert slow >= 0.3
    assert fast < 0.3


def test_delay_lets_a_client_time_out(api, state):
    state.delay(EVENTS, 0.5)

    with pytest.raises(requests.ReadTimeout):
        api.get("/order/events", timeout=0.1)


def test_faults_on_the_token_endpoint(fake, oauth, state, seller):
    state.fail_next("POST /auth/oauth/token", 503, retry_after=3)
    pair = state.issue_token(seller)
    params = {"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]}

    failed = oauth.post(f"{fake.url}/auth/oauth/token", params=params, timeout=10)
    retried = oauth.post(f"{fake.url}/auth/oauth/token", params=params, timeout=10)

    assert (failed.status_code, failed.headers["Retry-After"]) == (503, "3")
    assert retried.status_code == 200


def test_clear_faults(api, state):
    state.fail_next(EVENTS, 500, times=5)
    state.delay(EVENTS, 5)

    state.clear_faults()

    assert api.get("/order/events").status_code == 200


@pytest.mark.parametrize("route", ["GET /order/checkout-forms/<id>", "/order/events", "FETCH /order/events"])
def test_malformed_routes_are_rejected(state, route):
    with pytest.raises(ValueError, match="route must look like"):
        state.fail_next(route, 500)


def test_rate_limit_blocks_the_rest_of_the_minute(api, state, clock):
    state.rate_limit_per_minute = 2
    clock.now = clock.now.replace(second=15)

    answers = [api.get("/order/events").status_code for _ in range(3)]
    blocked = api.get("/order/events")
    clock.advance(45)

    assert answers == [200, 200, 429]
    assert blocked.headers["Retry-After"] == "45"
    assert api.get("/order/events").status_code == 200


def test_a_refused_request_does_not_consume_the_fault(api, state, seller):
    form = state.add_checkout_form(seller)
    state.drop_after_commit(SHIPMENTS)
    good_token = api.token
    api.token = "unknown"

    refused = api.send(
        "POST", f"/order/checkout-forms/{form['id']}/shipments", {"carrierId": "DPD", "waybill": "1"}
    )
    api.token = good_token

    assert refused.status_code == 401
    with pytest.raises(requests.ConnectionError):
        api.send(
            "POST", f"/order/checkout-forms/{form['id']}/shipments", {"carrierId": "DPD", "waybill": "1"}
        )
    assert len(state.shipments[form["id"]]) == 1
