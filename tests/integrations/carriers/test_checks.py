"""Checks before sending: each bad field is named, with a stable code the desk translates."""

from dataclasses import replace
from decimal import Decimal

import pytest

from integrations.carriers import (
    Capabilities,
    CarrierValidationError,
    CodSink,
    FieldLimits,
    ParcelLimits,
    ParcelSpec,
    Service,
    checks,
)
from tests.integrations.carriers.helpers import BOX, RECEIVER, SENDER, cod, request

LOCKER_LIMITS = ParcelLimits(640, 380, 410, 25_000, templates=("small", "medium", "large"))
CAPS = Capabilities(
    carrier="test",
    services=(
        Service(
            "courier",
            "Kurier",
            parcel_limits=ParcelLimits(1200, 800, 800, 30_000, max_sum_mm=2200),
            max_parcels=5,
            additional_services=("sms", "saturday"),
        ),
        Service("locker", "Paczkomat", point_required=True, parcel_limits=LOCKER_LIMITS),
        Service("letter", "List", cod=False, parcel_limits=ParcelLimits(350, 250, 20, 1000)),
    ),
    field_limits=FieldLimits(name_max=40, reference_min=3, reference_max=20, label_text_max=20),
    cod_max=Decimal("5000.00"),
)


def codes(req) -> dict[str, str]:
    return {p.field: p.code for p in checks.check_request(req, CAPS)}


def test_a_good_request_has_no_problems():
    assert checks.check_request(request(cod=cod("149.99"), insurance=Decimal("500")), CAPS) == []


@pytest.mark.parametrize(
    ("receiver", "field", "code"),
    [
        (replace(RECEIVER, postcode="00950"), "receiver.postcode", "postcode_format"),
        (replace(RECEIVER, postcode="00-95"), "receiver.postcode", "postcode_format"),
        (replace(RECEIVER, phone="12"), "receiver.phone", "phone_invalid"),
        (replace(RECEIVER, phone=""), "receiver.phone", "required"),
        (replace(RECEIVER, email="jan@"), "receiver.email", "email_invalid"),
        (replace(RECEIVER, name="X" * 41), "receiver.name", "too_long"),
        (replace(RECEIVER, city=""), "receiver.city", "required"),
        (replace(RECEIVER, country="DE"), "receiver.country", "country_unsupported"),
    ],
)
def test_each_bad_address_field_is_named(receiver, field, code):
    assert codes(request(receiver=receiver))[field] == code


def test_phone_numbers_are_read_the_polish_way():
    assert checks.normalize_phone("+48 600-100-200") == "600100200"
    assert checks.normalize_phone("600100200") == "600100200"
    assert checks.is_mobile("600100200") and not checks.is_mobile("22 628 12 34")
    with pytest.raises(ValueError):
        checks.normalize_phone("123")


def test_cod_needs_a_valid_polish_iban_and_stays_under_the_carrier_maximum():
    assert (
        codes(request(cod=cod("100.00", iban="PL61109010140000071219812875")))["cod.iban"] == "iban_invalid"
    )
    assert codes(request(cod=cod("100.00", iban="DE89370400440532013000")))["cod.iban"] == "iban_not_polish"
    assert codes(request(cod=cod("100.00", iban="")))["cod.iban"] == "required"
    assert codes(request(cod=cod("5000.01")))["cod.amount"] == "cod_above_max"
    assert codes(request(cod=cod("0.001")))["cod.amount"] == "cod_invalid"
    assert "cod.iban" not in codes(request(cod=cod("100.00", iban="61 1090 1014 0000 0712 1981 2874")))


def test_cod_to_the_allegro_wallet_needs_no_iban_and_some_services_take_no_cod():
    wallet = replace(cod("100.00", iban=""), sink=CodSink.ALLEGRO_WALLET)
    assert codes(request(cod=wallet)) == {}
    letter = ParcelSpec(300, 200, 10, 200)
    assert codes(request(service="letter", parcels=(letter,), cod=cod("10.00")))["cod"] == "cod_not_available"


def test_parcels_outside_the_service_limits():
    heavy = replace(BOX, weight_g=30_001)
    long_side = replace(BOX, length_mm=1300)
    oversize = ParcelSpec(1000, 700, 700, 1000)
    assert codes(request(parcels=(heavy,)))["parcels[0].weight_g"] == "too_heavy"
    assert codes(request(parcels=(long_side,)))["parcels[0].dimensions"] == "too_long_side"
    assert codes(request(parcels=(oversize,)))["parcels[0].dimensions"] == "too_big"
    assert (
        codes(request(parcels=(replace(BOX, height_mm=0),)))["parcels[0].dimensions"] == "dimension_invalid"
    )
    assert codes(request(parcels=(BOX,) * 6))["parcels"] == "parcels_too_many"
    assert codes(request(parcels=()))["parcels"] == "parcels_none"


def test_a_locker_service_needs_a_point_a_size_and_an_email():
    req = request(
        service="locker", receiver=replace(RECEIVER, email=""), parcels=(replace(BOX, template="huge"),)
    )
    found = codes(req)
    assert found["target_point"] == "point_required"
    assert found["receiver.email"] == "required"
    assert found["parcels[0].template"] == "template_unknown"


def test_texts_over_the_carrier_limits_and_unknown_services():
    assert codes(request(reference="Z" * 21))["reference"] == "too_long"
    assert codes(request(reference="Z1"))["reference"] == "too_short"
    assert codes(request(label_text="x" * 21))["label_text"] == "too_long"
    assert codes(request(additional_services=("rod",)))["additional_services"] == "additional_service_unknown"
    assert codes(request(service="pallet")) == {"service": "service_unknown"}


def test_raise_if_any_names_every_field_and_every_code_is_declared():
    problems = checks.check_request(request(sender=replace(SENDER, postcode="x"), reference="Z1"), CAPS)
    with pytest.raises(CarrierValidationError) as caught:
        checks.raise_if_any(problems, carrier="test")
    assert caught.value.fields() == {"sender.postcode", "reference"}
    assert caught.value.carrier == "test"
    assert {p.code for p in problems} <= set(checks.CODES)
    checks.raise_if_any([], carrier="test")  # nothing wrong, nothing raised
