"""Creating packages: the wire shape, validation before sending, DPD's per-field answers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from integrations.carriers.base import CashOnDelivery, ParcelSpec, ShipmentState
from integrations.carriers.dpd import DpdAdapter, DpdCredentials
from integrations.carriers.errors import CarrierAuthError, CarrierRefused, CarrierValidationError
from tests.integrations.carriers.dpd.conftest import make_request

CREATE = "SOAP generatePackagesNumbersV4"


def sent_package(harness) -> etree._Element:
    body = harness.calls_to(CREATE)[-1].body
    return etree.fromstring(body).find(".//packages")


def test_create_returns_package_and_waybill(adapter, harness, state):
    shipment = adapter.create_shipment(make_request())
    assert shipment.state is ShipmentState.CONFIRMED
    assert shipment.shipment_id.isdigit() and len(shipment.waybills) == 1
    assert len(shipment.waybills[0]) == 14
    package = sent_package(harness)
    assert package.findtext("receiver/postalCode") == "31042"  # digits only
    assert package.findtext("receiver/address") == "Polna 3/2"  # one line
    assert package.findtext("receiver/phone") == "601200300"
    assert package.findtext("reference") == "key-1"  # the idempotency key is DPD's search key
    assert package.findtext("ref1") == "ORD-1"
    assert package.findtext("parcels/sizeX") == "30" and package.findtext("parcels/sizeZ") == "11"  # cm, up
    assert package.findtext("parcels/weight") == "1.5"  # kg
    assert package.findtext("services/cod/amount") == "149.99"
    assert package.findtext("services/cod/currency") == "PLN"
    assert harness.count("SOAP findPostalCodeV1") == 1


def test_additional_services_and_declared_value_on_the_wire(adapter, harness):
    adapter.create_shipment(make_request(additional_services=("rod", "saturday"), insurance=Decimal("500")))
    package = sent_package(harness)
    assert package.find("services/rod") is not None
    assert package.findtext("services/guarantee/type") == "SATURDAY"
    assert package.findtext("services/declaredValue/amount") == "500"


def test_pickup_service_sends_the_point(adapter, harness):
    request = make_request(service="dpd_pickup", target_point="PL31001", cod=None)
    shipment = adapter.create_shipment(request)
    assert shipment.service == "dpd_pickup"
    assert sent_package(harness).findtext("services/dpdPickup/pudo") == "PL31001"


def test_validation_happens_before_any_request(adapter, harness):
    request = make_request(
        parcels=(ParcelSpec(1600, 200, 100, 51_000),),
        cod=CashOnDelivery(Decimal("10000.01"), iban="PL61109010140000071219812874"),
        additional_services=("saturday", "time0930"),
        idempotency_key="",
    )
    with pytest.raises(CarrierValidationError) as caught:
        adapter.create_shipment(request)
    assert {
        "parcels[0].weight_g",
        "parcels[0].dimensions",
        "cod.amount",
        "additional_services",
        "idempotency_key",
    } <= caught.value.fields()
    assert harness.count() == 0


def test_pickup_service_needs_a_point_and_email(adapter, harness):
    receiver = make_request().receiver.__class__(
        name="A B", street="X 1", city="Kraków", postcode="31-042", phone="601200300"
    )
    with pytest.raises(CarrierValidationError) as caught:
        adapter.validate(make_request(service="dpd_pickup", receiver=receiver, cod=None))
    assert {"target_point", "receiver.email"} <= caught.value.fields()
    assert harness.count() == 0


def test_unknown_receiver_postcode_stops_before_create(adapter, harness, state):
    state.unknown_postcodes.add("31042")
    with pytest.raises(CarrierValidationError) as caught:
        adapter.create_shipment(make_request())
    assert caught.value.problems[0].field == "receiver.postcode"
    assert caught.value.problems[0].code == "postcode_unknown"
    assert harness.count(CREATE) == 0


def test_unknown_pickup_point_is_a_field_problem(adapter, state):
    with pytest.raises(CarrierValidationError) as caught:
        adapter.create_shipment(make_request(service="dpd_pickup", target_point="PL99999", cod=None))
    assert caught.value.problems[0].field == "target_point"
    assert caught.value.problems[0].code == "point_required"
    assert state.packages == {}


@pytest.mark.parametrize(
    ("names", "code", "parcel", "field", "desk_code"),
    [
        ("receiver.phone", "DONT_MATCH_PATTERN", False, "receiver.phone", "phone_invalid"),
        ("sender.address", "VALUE_EMPTY", False, "sender.street", "required"),
        ("services.cod.amount", "VALUE_OUT_OF_RANGE", False, "cod.amount", "cod_above_max"),
        ("weight", "VALUE_OUT_OF_RANGE", True, "parcels[0].weight_g", "too_heavy"),
        ("sizeY", "VALUE_INCORRECT", True, "parcels[0].dimensions", "dimension_invalid"),
    ],
)
def test_dpd_field_answers_become_field_problems(adapter, state, names, code, parcel, field, desk_code):
    state.refuse_next_create(names, code, parcel=parcel)
    with pytest.raises(CarrierValidationError) as caught:
        adapter.create_shipment(make_request())
    assert [(p.field, p.code) for p in caught.value.problems] == [(field, desk_code)]
    assert caught.value.problems[0].params["dpd"] == code
    assert state.packages == {}  # ALL_OR_NOTHING kept nothing


def test_wrong_password_is_an_auth_error(server, harness):
    adapter = DpdAdapter(server.url, DpdCredentials("demo", "wrong", 1495))
    with pytest.raises(CarrierAuthError):
        adapter.create_shipment(make_request())
    assert harness.calls_to("SOAP findPostalCodeV1")[0].status == 500  # a SOAP fault, read as an answer


def test_wrong_master_fid_is_an_auth_error(server):
    adapter = DpdAdapter(server.url, DpdCredentials("demo", "demo-password", 1))
    with pytest.raises(CarrierAuthError):
        adapter.get_shipment("1")


def test_schema_breaking_request_is_a_fault_refusal(adapter, harness):
    bad = (
        b'<?xml version="1.0"?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
        b'<ns0:findPostalCodeV1 xmlns:ns0="http://dpdservices.dpd.com.pl/"><zipCode>1</zipCode>'
        b"</ns0:findPostalCodeV1></S:Body></S:Envelope>"
    )
    response = adapter.client.session.post(adapter.client._packages.address, data=bad, timeout=5)
    assert response.status_code == 500 and b"Schema validation failed" in response.content
    with pytest.raises(CarrierRefused):
        adapter.client._packages._read("findPostalCodeV1", response)
