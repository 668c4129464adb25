"""Spec validation of incoming requests and the request log tests read."""

from __future__ import annotations

import pytest

from integrations.allegro.fake import FakeAllegroState, serve_fake


def test_spec_violation_is_422_and_recorded(api, state):
    response = api.get("/order/checkout-forms", params={"sort": "-buyer.login", "limit": 500})

    assert response.status_code == 422
    paths = {error["path"] for error in response.json()["errors"]}
    assert paths == {"sort", "limit"}
    assert len(state.violations) == 2
    assert all(v.startswith("GET /order/checkout-forms: ") for v in state.violations)


def test_body_violation_names_the_field(api, state, seller):
    form = state.add_checkout_form(seller)

    response = api.send("PUT", f"/order/checkout-forms/{form['id']}/fulfillment", {"status": 5})

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "status"
    assert state.violations


def test_missing_required_body_is_a_violation(api, state, seller):
    form = state.add_checkout_form(seller)

    response = api.session.put(
        f"{api.server.url}/order/checkout-forms/{form['id']}/fulfillment",
        headers=api.headers(**{"Content-Type": "application/vnd.allegro.public.v1+json"}),
        timeout=10,
    )

    assert response.status_code == 422
    assert any("request body" in v.lower() for v in state.violations)


def test_conforming_requests_leave_no_violations(api, state, seller):
    form = state.add_checkout_form(seller)

    api.get("/order/checkout-forms", params={"updatedAt.gte": "2026-01-01T00:00:00Z", "sort": "updatedAt"})
    api.get(
        "/order/events", params=[("type", "BOUGHT"), ("limit", "10")], headers={"Accept-Language": "pl-PL"}
    )
    api.send(
        "PUT",
        f"/order/checkout-forms/{form['id']}/fulfillment",
        {"status": "SENT"},
        headers={"Accept-Language": "pl-PL"},
    )

    assert state.violations == []


@pytest.fixture
def lenient():
    state = FakeAllegroState()
    seller = state.add_seller("bez_walidacji")
    with serve_fake(state, validate=False) as server:
        yield server, state.issue_token(seller)["access_token"]


def test_validation_can_be_turned_off(lenient):
    import requests

    server, token = lenient
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.allegro.public.v1+json"}

    response = requests.get(
        f"{server.url}/order/checkout-forms", params={"limit": 101}, headers=headers, timeout=10
    )

    assert response.status_code == 422  # the fake's own range check still answers like Allegro
    assert server.state.violations == []


def test_request_log_records_what_was_sent(api, state, seller):
    form = state.add_checkout_form(seller)

    api.get("/order/events", params=[("type", "BOUGHT"), ("type", "FILLED_IN")])
    api.send("POST", f"/order/checkout-forms/{form['id']}/shipments", {"carrierId": "DPD", "waybill": "W1"})
    api.get("/no/such/path")

    events, shipment, unknown = state.requests
    assert (events.method, events.route, events.path) == ("GET", "GET /order/events", "/order/events")
    assert events.query == {"type": ["BOUGHT", "FILLED_IN"]}
    assert events.headers["Accept"] == "application/vnd.allegro.public.v1+json"
    assert events.status == 200 and events.body is None
    assert shipment.route == "POST /order/checkout-forms/{id}/shipments"
    assert shipment.body == {"carrierId": "DPD", "waybill": "W1"}
    assert shipment.status == 201
    assert unknown.route is None and unknown.status == 404
    assert state.request_count() == 3
    assert state.request_count("POST /order/checkout-forms/{id}/shipments") == 1
