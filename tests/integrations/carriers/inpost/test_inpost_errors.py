"""ShipX's error dialect onto the error tree, validation before sending, and outcome-unknown
reconciliation with the fake's fault injection."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest

from integrations.carriers.base import CashOnDelivery, ParcelSpec, ShipmentState
from integrations.carriers.errors import (
    CarrierAuthError,
    CarrierRateLimited,
    CarrierRefused,
    CarrierResponseError,
    CarrierUnavailable,
    CarrierValidationError,
    OutcomeUnknown,
)
from integrations.carriers.inpost.adapter import InPostAdapter
from integrations.carriers.inpost.fake import DEFAULT_ORG

from .conftest import CREATE, GET, LIST, courier_request, make_request, receiver

# -- validation before any request ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"target_point": ""}, "target_point", "point_required"),
        ({"receiver": receiver(email="")}, "receiver.email", "required"),
        ({"receiver": receiver(phone="")}, "receiver.phone", "required"),
        ({"receiver": receiver(phone="12 345 67 89")}, "receiver.phone", "phone_invalid"),  # landline
        ({"reference": "AB"}, "reference", "too_short"),
        ({"reference": "x" * 101}, "reference", "too_long"),
        (
            {"parcels": (ParcelSpec(600, 350, 70, 2000, template="xlarge"),)},
            "parcels[0].template",
            "template_unknown",
        ),
        (
            {"parcels": (ParcelSpec(600, 350, 150, 2000, template="small"),)},
            "parcels[0].dimensions",
            "too_big",
        ),
        ({"parcels": (ParcelSpec(600, 350, 70, 26000),)}, "parcels[0].weight_g", "too_heavy"),
        ({"parcels": (ParcelSpec(600, 350, 70, 2000),) * 2}, "parcels", "parcels_too_many"),
        (
            {"cod": CashOnDelivery(Decimal("5000.01"), iban="PL61109010140000071219812874")},
            "cod.amount",
            "cod_above_max",
        ),
        ({"service": "inpost_teleport"}, "service", "service_unknown"),
    ],
)
def test_validation_fails_before_any_request(adapter, state, changes, field, code):
    with pytest.raises(CarrierValidationError) as caught:
        adapter.create_shipment(make_request(**changes))
    assert (field, code) in {(p.field, p.code) for p in caught.value.problems}
    assert state.harness.count() == 0


def test_xlarge_is_allowed_for_c2c_only(adapter, state):
    c2c = make_request(
        service="inpost_courier_c2c",
        target_point="",
        parcels=(ParcelSpec(700, 450, 450, 9000, template="xlarge"),),
    )
    adapter.validate(c2c)
    assert adapter.create_shipment(c2c).state is ShipmentState.PENDING


# -- the carrier's own 400 validation_failed -----------------------------------------------------


def test_carrier_validation_maps_fields_to_request_paths(adapter, state):
    # the adapter's checks cannot know the point does not exist: ShipX says so
    with pytest.raises(CarrierValidationError) as caught:
        adapter.create_shipment(make_request(target_point="XXX999"))
    problem = caught.value.problems[0]
    assert (problem.field, problem.code) == ("target_point", "point_required")
    assert problem.params["carrier_code"] == "does_not_exist"


def test_nested_details_from_the_carrier_become_field_problems(adapter, state):
    details = {
        "receiver": [{"phone": ["invalid"], "address": [{"post_code": ["invalid"]}]}],
        "parcels": [{}, {"weight": ["too_heavy"]}],
        "reference": ["too_short"],
        "custom_attributes": [{"target_point": ["required"]}],
    }
    body = json.dumps({"status": 400, "error": "validation_failed", "message": "x", "details": details})
    state.harness.fail_next(CREATE, 400, body=body)
    with pytest.raises(CarrierValidationError) as caught:
        adapter.create_shipment(courier_request())
    assert {(p.field, p.code) for p in caught.value.problems} == {
        ("receiver.phone", "phone_invalid"),
        ("receiver.postcode", "postcode_format"),
        ("parcels[1].weight_g", "too_heavy"),
        ("reference", "too_short"),
        ("target_point", "required"),
    }


# -- transport-level errors ----------------------------------------------------------------------


def test_bad_token_is_an_auth_error(fake, state):
    adapter = InPostAdapter(fake.url, "wrong", DEFAULT_ORG)
    with pytest.raises(CarrierAuthError):
        adapter.create_shipment(make_request())
    assert state.shipments == {}


def test_other_organization_is_forbidden(fake):
    with pytest.raises(CarrierAuthError):
        InPostAdapter(fake.url, "fake-inpost-token", 999).find_shipment("k")


def test_rate_limit_carries_retry_after(adapter, state):
    state.harness.fail_next(LIST, 429, body='{"status":429,"error":"too_many_requests"}')
    state.harness.fail_next(LIST, 429)
    with pytest.raises(CarrierRateLimited) as caught:
        adapter.find_shipment("k")
    assert caught.value.retry_after is None


def test_reads_are_retried_after_a_5xx(adapter, state):
    created = adapter.create_shipment(make_request())
    state.harness.fail_next(GET, 502)
    assert adapter.get_shipment(created.shipment_id).shipment_id == created.shipment_id
    assert state.harness.count(GET) == 2


def test_reads_give_up_as_unavailable(adapter, state):
    state.harness.fail_next(GET, 503, times=3)
    with pytest.raises(CarrierUnavailable):
        adapter.get_shipment("100001")


def test_a_write_refused_with_5xx_before_work_is_still_unknown(adapter, state):
    state.harness.fail_next(CREATE, 500)
    with pytest.raises(OutcomeUnknown):
        adapter.create_shipment(make_request())
    assert adapter.find_shipment("desk-key-1") is None


def test_unreadable_answer_is_a_response_error(adapter, state):
    state.harness.fail_next(CREATE, 400, body="<html>oops</html>", content_type="text/html")
    with pytest.raises(CarrierResponseError):
        adapter.create_shipment(make_request())


def test_unknown_error_key_is_a_refusal(adapter, state):
    state.harness.fail_next(CREATE, 400, body='{"status":400,"error":"offer_expired","message":"x"}')
    with pytest.raises(CarrierRefused):
        adapter.create_shipment(make_request())


# -- outcome unknown and reconciliation ----------------------------------------------------------


def _reconcile(adapter, state):
    request = make_request()
    with pytest.raises(OutcomeUnknown):
        adapter.create_shipment(request)
    deadline = time.monotonic() + 5
    while not state.harness.calls_to(CREATE) and time.monotonic() < deadline:
        time.sleep(0.05)  # a delayed request lands after the client gave up: read once it has
    found = adapter.find_shipment(request.idempotency_key)
    assert found is not None
    assert len(state.by_key(request.idempotency_key)) == 1
    assert state.harness.count(CREATE) == 1  # never sent twice
    return found


def test_fail_after_commit_is_reconciled_by_find_shipment(adapter, state):
    state.harness.fail_after_commit(CREATE, 500)
    found = _reconcile(adapter, state)
    assert found.state is ShipmentState.PENDING


def test_delay_beyond_the_read_timeout_is_reconciled(adapter, state):
    state.harness.delay(CREATE, 1.5)  # the adapter's read timeout is 1 s
    _reconcile(adapter, state)


def test_dropped_connection_after_commit_is_reconciled(adapter, state):
    state.harness.drop_after_commit(CREATE)
    _reconcile(adapter, state)


def test_connection_refused_is_unavailable(fake):
    url = fake.url
    fake.stop()
    with pytest.raises(CarrierUnavailable):
        InPostAdapter(url, "t", DEFAULT_ORG, timeout=(0.5, 0.5)).create_shipment(make_request())


def test_find_pages_through_when_the_filter_is_not_applied(adapter, state):
    for index in range(4):
        adapter.create_shipment(make_request(idempotency_key=f"k{index}"))
    state.filter_by_customer_id = False
    adapter.find_per_page = 1
    found = adapter.find_shipment("k1")
    assert found is not None and found.shipment_id == str(min(state.shipments) + 1)
    assert state.harness.count(LIST) == 3  # newest first: k3, k2, k1
    assert adapter.find_shipment("never") is None


def test_drop_before_anything_applied_is_unknown_and_reads_as_not_applied(adapter, state):
    state.harness.drop_before(CREATE)
    with pytest.raises(OutcomeUnknown):
        adapter.create_shipment(make_request())
    assert adapter.find_shipment("desk-key-1") is None
    assert adapter.create_shipment(make_request()).state is ShipmentState.PENDING  # the retry after reading
    assert len(state.by_key("desk-key-1")) == 1


def test_buying_past_offers_prepared_is_refused(adapter, state):
    created = adapter.create_shipment(make_request())
    state.process_all()
    offer_id = str(state.shipments[int(created.shipment_id)].offers[0]["id"])
    with pytest.raises(CarrierRefused) as caught:
        adapter.buy_offer(created.shipment_id, offer_id)
    assert caught.value.raw["error"] == "invalid_action"


def test_label_generation_failure_is_a_refusal(adapter, state):
    body = '{"status":400,"error":"label_generation_failed","message":"x"}'
    state.harness.fail_next("GET /v1/shipments/{shipment_id}/label", 400, body=body)
    with pytest.raises(CarrierRefused, match="label_generation_failed"):
        adapter.labels(["100001"])


def test_invalid_parameter_names_the_parameter(adapter):
    with pytest.raises(CarrierValidationError) as caught:
        adapter.points(city="Kraków", limit=1000)
    assert caught.value.fields() == {"per_page"}
