"""The fake ShipX itself: its own validation answers, public endpoints, demo data and auto-advance."""

from __future__ import annotations

import json

import pytest
import requests

from integrations.carriers.inpost import wire
from integrations.carriers.inpost.fake import (
    DEFAULT_ORG,
    DEFAULT_TOKEN,
    FakeInPostState,
    seed_demo,
    serve_demo,
    serve_inpost,
)
from integrations.carriers.inpost.fake.demo import DEMO_POINTS

from .conftest import make_request

AUTH = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}


def _post(fake, body):
    return requests.post(
        f"{fake.url}/v1/organizations/{DEFAULT_ORG}/shipments", json=body, headers=AUTH, timeout=5
    )


def _body(**changes):
    request = make_request(**changes)
    return wire.shipment_body(request)


def test_fake_answers_validation_failed_in_shipx_shape(fake):
    body = _body()
    body["receiver"].pop("email")
    body["receiver"]["phone"] = "12"
    body["reference"] = "AB"
    body["custom_attributes"].pop("target_point")
    response = _post(fake, body)
    assert response.status_code == 400
    answer = response.json()
    assert answer["error"] == "validation_failed" and answer["status"] == 400
    assert answer["details"] == {
        "receiver": [{"phone": ["invalid"], "email": ["required"]}],
        "reference": ["too_short"],
        "custom_attributes": [{"target_point": ["required"]}],
    }


@pytest.mark.parametrize(
    ("mutate", "details"),
    [
        (lambda b: b.update(service="nope"), {"service": ["invalid"]}),
        (lambda b: b.update(parcels=[]), {"parcels": ["required"]}),
        (lambda b: b["parcels"][0].update(template="xlarge"), {"parcels": [{"template": ["invalid"]}]}),
        (
            lambda b: b.update(cod={"amount": "5000.01", "currency": "PLN"}),
            {"cod": [{"amount": ["invalid"]}]},
        ),
        (lambda b: b.update(parcels=[b["parcels"][0]] * 2), {"parcels": ["too_many"]}),
    ],
)
def test_fake_rejects_bad_bodies(fake, mutate, details):
    body = _body()
    mutate(body)
    response = _post(fake, body)
    assert response.status_code == 400 and response.json()["details"] == details
    assert fake.state.shipments == {}


def test_fake_courier_needs_an_address(fake):
    body = _body(service="inpost_courier_standard", target_point="")
    body["receiver"]["address"]["post_code"] = "00950"
    body["receiver"]["address"].pop("city")
    response = _post(fake, body)
    assert response.json()["details"] == {
        "receiver": [{"address": [{"city": ["required"], "post_code": ["invalid"]}]}]
    }


def test_fake_needs_a_token_for_organization_routes_only(fake):
    assert _post(fake, _body()).status_code == 201
    anonymous = requests.post(f"{fake.url}/v1/organizations/{DEFAULT_ORG}/shipments", json=_body(), timeout=5)
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "token_invalid"
    assert requests.get(f"{fake.url}/v1/points", timeout=5).status_code == 200


def test_statuses_and_services(fake):
    statuses = requests.get(f"{fake.url}/v1/statuses?lang=en_GB", timeout=5).json()["items"]
    assert len(statuses) == 53 and {"name", "title", "description"} <= set(statuses[0])
    bad = requests.get(f"{fake.url}/v1/statuses?lang=xx", timeout=5)
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_parameter"
    services = {s["id"]: s for s in requests.get(f"{fake.url}/v1/services", timeout=5).json()}
    assert "dor1720" in services["inpost_courier_standard"]["additional_services"]


def test_invalid_page_size_is_invalid_parameter(fake):
    response = requests.get(f"{fake.url}/v1/points?per_page=abc", timeout=5)
    assert response.status_code == 400 and response.json()["details"] == {"per_page": ["invalid"]}


def test_demo_seed_and_auto_advance(clock):
    state = FakeInPostState(now=clock, gets_per_step=None, seconds_per_step=3, auto_advance=60)
    seed_demo(state)
    assert {name for name, *_ in DEMO_POINTS} <= set(state.points)
    with serve_inpost(state) as fake:
        created = _post(fake, _body()).json()
        clock.advance(7)
        shipment = requests.get(f"{fake.url}/v1/shipments/{created['id']}", headers=AUTH, timeout=5).json()
        assert shipment["status"] == "confirmed"
        clock.advance(181)
        tracking = requests.get(f"{fake.url}/v1/tracking/{shipment['tracking_number']}", timeout=5).json()
        assert [d["status"] for d in tracking["tracking_details"]][:3] == [
            "sent_from_source_branch",
            "adopted_at_source_branch",
            "taken_by_courier",
        ]


def test_serve_demo_runs_with_points():
    with serve_demo() as fake:
        answer = requests.get(f"{fake.url}/v1/points", params={"city": "Warszawa"}, timeout=5).json()
        assert answer["count"] == 3 and json.dumps(answer).count("POP-WAW88") == 1
