"""Generated Polish data: valid against the spec and believable (postal codes, NIPs, money)."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

import pytest

from integrations.allegro.fake import DemoGenerator, FakeAllegroState, create_app
from integrations.allegro.fake.state.data import is_valid_nip, random_nip

POST_CODE = re.compile(r"^\d{2}-\d{3}$")
PUB = "application/vnd.allegro.public.v1+json"


@pytest.fixture(scope="module")
def demo_state():
    """A demo shop with history and a few ticks of live changes."""
    state = FakeAllegroState(seed=3)
    seller = state.add_seller("demo_sklep")
    generator = DemoGenerator(state, seed=3)
    generator.populate(seller, orders=300, days=30)
    for _ in range(40):
        generator.tick()
    for _ in range(100):
        state.add_checkout_form(seller)
    return state


def _forms(state):
    return list(state.checkout_forms.values())


def test_every_form_matches_the_checkout_form_schema(demo_state, spec_errors):
    problems = {form["id"]: spec_errors("CheckoutForm", form) for form in _forms(demo_state)}

    assert {form_id: errors for form_id, errors in problems.items() if errors} == {}


def test_every_event_matches_the_events_schema(demo_state, spec_errors):
    assert spec_errors("OrderEventsList", {"events": demo_state.events}) == []


def test_event_ids_increase(demo_state):
    ids = [int(event["id"]) for event in demo_state.events]

    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(len(event["id"]) == 16 for event in demo_state.events)


def test_addresses_use_polish_postal_codes(demo_state):
    for form in _forms(demo_state):
        assert POST_CODE.match(form["buyer"]["address"]["postCode"])
        assert "zipCode" not in form["buyer"]["address"]
        assert POST_CODE.match(form["delivery"]["address"]["zipCode"])
        assert "postCode" not in form["delivery"]["address"]
        if "address" in form["invoice"]:
            assert POST_CODE.match(form["invoice"]["address"]["zipCode"])
        if "pickupPoint" in form["delivery"]:
            assert POST_CODE.match(form["delivery"]["pickupPoint"]["address"]["zipCode"])


def test_company_buyers_want_invoices_with_valid_nips(demo_state):
    forms = _forms(demo_state)
    companies = [f for f in forms if f["invoice"].get("address", {}).get("company")]

    assert 0.07 < len(companies) / len(forms) < 0.25
    for form in companies:
        assert form["invoice"]["required"] is True
        (tax_id,) = form["invoice"]["address"]["company"]["ids"]
        assert tax_id["type"] == "PL_NIP" and is_valid_nip(tax_id["value"])


def test_nip_checksum():
    assert is_valid_nip("5252674798")
    assert not is_valid_nip("5252674797")
    assert not is_valid_nip("12345")


def test_random_nips_are_valid():
    rng = random.Random(1)
    assert all(is_valid_nip(random_nip(rng)) for _ in range(500))


def test_buyers_look_like_allegro_buyers(demo_state):
    for form in _forms(demo_state):
        buyer = form["buyer"]
        assert re.fullmatch(r"[a-z0-9]{10}\+[0-9a-f]{8}@allegromail\.pl", buyer["email"])
        assert re.fullmatch(r"\+48[5-8]\d{8}", buyer["phoneNumber"])
        assert buyer["id"].isdigit() and buyer["login"]


def test_money_adds_up(demo_state):
    for form in _forms(demo_state):
        items = sum(Decimal(i["price"]["amount"]) * i["quantity"] for i in form["lineItems"])
        delivery = Decimal(form["delivery"]["cost"]["amount"])
        total = form["summary"]["totalToPay"]
        assert Decimal(total["amount"]) == items + delivery
        assert re.fullmatch(r"\d+\.\d{2}", total["amount"]) and total["currency"] == "PLN"
        assert form["surcharges"] == []


def test_payments_follow_the_status(demo_state):
    forms = _forms(demo_state)
    cash = [f for f in forms if f["payment"]["type"] == "CASH_ON_DELIVERY"]

    assert 0.07 < len(cash) / len(forms) < 0.25
    for form in cash:
        assert form["payment"]["provider"] == "OFFLINE" and "paidAmount" not in form["payment"]
    for form in forms:
        payment = form["payment"]
        if payment["type"] == "ONLINE" and form["status"] == "READY_FOR_PROCESSING":
            assert payment["provider"] in ("PAYU", "P24")
            assert payment["paidAmount"] == form["summary"]["totalToPay"]
            assert payment["finishedAt"] <= form["updatedAt"]


def test_delivery_methods_have_stable_ids_and_pickup_points(demo_state):
    methods = {}
    for form in _forms(demo_state):
        method = form["delivery"]["method"]
        assert methods.setdefault(method["name"], method["id"]) == method["id"]
        if method["name"].startswith("Allegro Paczkomaty InPost"):
            assert re.fullmatch(r"[A-Z]{3}\d{2}[A-Z]", form["delivery"]["pickupPoint"]["id"])
    assert {"Allegro Paczkomaty InPost", "Allegro Kurier DPD", "Odbiór osobisty"} <= set(methods)


def test_the_demo_moves(demo_state):
    types = {event["type"] for event in demo_state.events}

    assert {"BOUGHT", "FILLED_IN", "READY_FOR_PROCESSING", "FULFILLMENT_STATUS_CHANGED"} <= types
    assert types & {"BUYER_MODIFIED"}
    assert types & {"BUYER_CANCELLED", "AUTO_CANCELLED"}
    assert any(form.get("messageToSeller") for form in _forms(demo_state))


def test_tick_reports_what_changed():
    state = FakeAllegroState(seed=5)
    seller = state.add_seller("demo_sklep")
    generator = DemoGenerator(state, seed=5)
    generator.populate(seller, orders=20, days=3)
    before = len(state.checkout_forms)

    created = sum(generator.tick()["created"] for _ in range(20))

    assert created > 0
    assert len(state.checkout_forms) == before + created


def test_populate_is_repeatable_with_a_seed():
    def build():
        state = FakeAllegroState(seed=9, clock=lambda: dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        DemoGenerator(state, seed=9).populate(state.add_seller("demo_sklep"), orders=10)
        return [form["buyer"]["login"] for form in state.checkout_forms.values()]

    assert build() == build()


def test_demo_app_connects_through_the_device_flow():
    app = create_app()
    client = app.test_client()
    basic = {"Authorization": "Basic ZGVzay1kZW1vLWNsaWVudDpkZXNrLWRlbW8tc2VjcmV0"}

    code = client.post("/auth/oauth/device", data={"client_id": "desk-demo-client"}, headers=basic).get_json()
    grant = {"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": code["device_code"]}
    token = client.post("/auth/oauth/token", query_string=grant, headers=basic).get_json()
    headers = {"Authorization": f"Bearer {token['access_token']}", "Accept": PUB}

    assert client.get("/me", headers=headers).get_json()["login"] == "demo_sklep"
    assert client.get("/order/checkout-forms", headers=headers).get_json()["totalCount"] == 200
