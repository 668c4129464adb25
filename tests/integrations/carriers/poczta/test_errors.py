"""Validation before sending, the carrier's own refusals, auth, and outcome-unknown reconciliation."""

from __future__ import annotations

import time
from dataclasses import replace
from decimal import Decimal

import pytest

from integrations.carriers.base import CashOnDelivery, CodSink, ParcelSpec
from integrations.carriers.errors import (
    CarrierAuthError,
    CarrierRefused,
    CarrierUnavailable,
    CarrierValidationError,
    OutcomeUnknown,
)

from .conftest import RECEIVER, make_adapter, request_for

CREATE = "SOAP addShipment"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"parcels": (ParcelSpec(300, 200, 100, 31_000, template="M"),)}, "parcels[0].weight_g"),
        ({"parcels": (ParcelSpec(300, 200, 100, 1000, template="3XL"),)}, "parcels[0].template"),
        ({"receiver": replace(RECEIVER, postcode="31147")}, "receiver.postcode"),
        ({"reference": "R" * 26}, "reference"),
        ({"cod": CashOnDelivery(Decimal("5000.01"), iban="PL61109010140000071219812874")}, "cod.amount"),
        ({"cod": CashOnDelivery(Decimal("10"), sink=CodSink.ALLEGRO_WALLET)}, "cod.sink"),
        ({"cod": CashOnDelivery(Decimal("10"), iban="123")}, "cod.iban"),
        ({"receiver": replace(RECEIVER, email="a" * 45 + "@ex.pl")}, "receiver.email"),
        ({"receiver": replace(RECEIVER, street="Długa", building="123456789012")}, "receiver.building"),
    ],
)
def test_validation_before_any_request(adapter, harness, changes, field):
    with pytest.raises(CarrierValidationError) as caught:
        adapter.create_shipment(request_for(**changes))
    assert field in caught.value.fields()
    assert harness.count() == 0


def test_point_service_needs_a_numeric_point_and_the_point_size(adapter, harness):
    with pytest.raises(CarrierValidationError) as caught:
        adapter.create_shipment(request_for("pocztex_punkt", target_point="WAW01A"))
    assert "target_point" in caught.value.fields()
    with pytest.raises(CarrierValidationError) as caught:
        adapter.validate(request_for("pocztex_punkt", parcels=(ParcelSpec(800, 600, 600, 15_000),)))
    assert "parcels[0].dimensions" in caught.value.fields()
    assert harness.count() == 0


def test_the_carriers_field_errors_name_the_request_fields(adapter, fake):
    fake.state.refuse_postcode("31-147")
    with pytest.raises(CarrierValidationError) as caught:
        adapter.create_shipment(request_for())
    assert caught.value.fields() == {"receiver.postcode"}
    with pytest.raises(CarrierValidationError) as caught:
        adapter.create_shipment(
            request_for(
                "pocztex_punkt",
                key="k2",
                target_point="999999",
                receiver=replace(RECEIVER, postcode="31-100"),
            )
        )
    assert caught.value.fields() == {"target_point"}


def test_a_refusal_that_is_no_field(adapter, harness):
    harness.fail_next(
        CREATE,
        200,
        body=(
            '<?xml version="1.0"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">'
            '<SOAP-ENV:Body><tns:addShipmentResponse xmlns:tns="http://e-nadawca.poczta-polska.pl">'
            f'<retval guid="{"0" * 32}"><error errorNumber="999" errorDesc="umowa wygasła"/></retval>'
            "</tns:addShipmentResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"
        ),
        content_type="text/xml",
    )
    with pytest.raises(CarrierRefused):
        adapter.create_shipment(request_for())


def test_a_soap_client_fault_is_a_certain_refusal(adapter, harness):
    fault = (
        '<?xml version="1.0"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">'
        "<SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode>"
        "<faultstring>bad message</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )
    harness.fail_next(CREATE, 500, body=fault, content_type="text/xml")
    with pytest.raises(CarrierRefused):
        adapter.create_shipment(request_for())


def test_bad_basic_auth_is_an_auth_error(fake, clock, harness):
    adapter = make_adapter(fake, clock, password="wrong")
    with pytest.raises(CarrierAuthError):
        adapter.create_shipment(request_for())
    assert harness.calls_to(CREATE)[0].status == 401
    with pytest.raises(CarrierAuthError):
        adapter.find_shipment("ship-1")


def test_fail_after_commit_then_find_shipment_reconciles(adapter, fake, harness):
    harness.fail_after_commit(CREATE, 500)
    with pytest.raises(OutcomeUnknown):
        adapter.create_shipment(request_for())
    found = adapter.find_shipment("ship-1")
    assert found is not None and len(fake.state.buffer_guids()) == 1
    # creating again with the same key does not add a second shipment
    assert adapter.create_shipment(request_for()).shipment_id == found.shipment_id
    assert len(fake.state.buffer_guids()) == 1 and harness.count(CREATE) == 2


def test_a_delay_longer_than_the_read_timeout(fake, clock, harness):
    adapter = make_adapter(fake, clock, timeout=(2.0, 0.3))
    harness.delay(CREATE, 0.6)
    with pytest.raises(OutcomeUnknown):
        adapter.create_shipment(request_for())
    deadline = time.monotonic() + 3
    while harness.count(CREATE) == 0 and time.monotonic() < deadline:  # the fake finishes the late request
        time.sleep(0.02)
    assert harness.count(CREATE) == 1
    assert adapter.find_shipment("ship-1") is not None


def test_drop_after_commit(adapter, fake, harness):
    harness.drop_after_commit(CREATE)
    with pytest.raises(OutcomeUnknown):
        adapter.create_shipment(request_for())
    assert adapter.find_shipment("ship-1") is not None
    assert harness.count(CREATE) == 1


def test_drop_before_means_not_applied(adapter, fake, harness):
    harness.drop_before(CREATE)
    with pytest.raises(OutcomeUnknown):
        adapter.create_shipment(request_for())
    assert adapter.find_shipment("ship-1") is None


def test_send_envelope_outcome_unknown_is_not_sent_twice(adapter, fake, harness):
    shipment = adapter.create_shipment(request_for())
    harness.fail_after_commit("SOAP sendEnvelope", 502)
    with pytest.raises(OutcomeUnknown):
        adapter.protocol([shipment.shipment_id])
    adapter.protocol([shipment.shipment_id])
    assert harness.count("SOAP sendEnvelope") == 1 and len(fake.state.envelopes) == 1


def test_reads_retry_a_503_and_give_up_as_unavailable(adapter, harness):
    harness.fail_next("SOAP getEnvelopeBufor", 503)
    assert adapter.find_shipment("none") is None
    harness.fail_next("SOAP getEnvelopeBufor", 503, times=3)
    with pytest.raises(CarrierUnavailable):
        adapter.find_shipment("none")
