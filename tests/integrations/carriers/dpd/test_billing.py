"""DPD's surcharge specification: the fake writes the XML for the packages it stored, the parser reads it
back into frozen values, and a file with a bad item is refused naming the item's line."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from integrations.carriers.dpd.billing import parse_billing_file
from integrations.carriers.fakekit import FakeCharge
from integrations.carriers.surcharges import BillingFileError, Measure, SurchargeKind

from .conftest import make_request

D = Decimal


def test_the_specification_carries_what_was_declared_and_what_was_measured(adapter, state):
    shipment = adapter.create_shipment(make_request())
    data = state.billing_file(
        [FakeCharge(shipment.waybills[0], "WEIGHT_DIFFERENCE", D("12.00"), measured_weight_g=4200,
                    measured_mm=(305, 200, 120), reference="DPD-77", charged_on=dt.date(2026, 2, 27))],
        document="FV/DPD/2026/03/0001",
        issued_on=dt.date(2026, 3, 2),
    )
    parsed = parse_billing_file(data)
    assert (parsed.carrier, parsed.document) == ("dpd", "FV/DPD/2026/03/0001")
    assert parsed.issued_on == dt.date(2026, 3, 2)
    [line] = parsed.lines
    assert (line.reference, line.waybill, line.code, line.kind) == (
        "DPD-77", shipment.waybills[0], "WEIGHT_DIFFERENCE", SurchargeKind.UNDERSTATED_WEIGHT
    )
    # declared as sent: 1.5 kg, sides rounded up to whole cm (30 x 20 x 11); measured likewise
    assert line.declared == Measure(weight_g=1500, length_mm=300, width_mm=200, height_mm=110)
    assert line.measured == Measure(weight_g=4200, length_mm=310, width_mm=200, height_mm=120)
    assert (line.net, line.vat, line.gross, line.charged_on) == (D("12.00"), D("2.76"), D("14.76"),
                                                                 dt.date(2026, 2, 27))
    assert line.shipment_reference == "ORD-1"
    assert line.line == data.decode().splitlines().index("    <item>") + 1  # where its <item> starts
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.waybill = "x"  # type: ignore[misc]


def test_an_unknown_charge_code_refuses_the_file_naming_the_items_line(adapter, state):
    shipment = adapter.create_shipment(make_request())
    data = state.billing_file([
        FakeCharge(shipment.waybills[0], "REDIRECTION", D("17.00")),
        FakeCharge(shipment.waybills[0], "FUEL", D("3.00")),
    ])
    second_item = [n for n, text in enumerate(data.decode().splitlines(), 1) if text.strip() == "<item>"][1]
    with pytest.raises(BillingFileError) as refused:
        parse_billing_file(data)
    [problem] = refused.value.problems
    assert (problem.line, problem.code, problem.value) == (second_item, "unknown_code", "FUEL")
    assert f"line {second_item}" in str(refused.value)


def test_bad_amounts_dates_and_missing_values_are_each_named(state):
    data = state.billing_file([FakeCharge("1000000000009U", "OVERSIZE", D("20.00"))]).decode()
    broken = (
        data.replace("<netAmount>20.00", "<netAmount>20,001")
        .replace("<chargeDate>", "<chargeDate>x")
        .replace("<waybill>1000000000009U</waybill>", "")
    )
    with pytest.raises(BillingFileError) as refused:
        parse_billing_file(broken.encode())
    assert {(p.code, p.field) for p in refused.value.problems} == {
        ("bad_amount", "netAmount"), ("bad_date", "chargeDate"), ("missing", "waybill"),
    }


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"not xml at all", "unreadable"),
        (b"<invoice><items/></invoice>", "unreadable"),
        (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><surchargeSpecification>&e;'
         b"</surchargeSpecification>", "missing"),
    ],
)
def test_a_file_that_is_not_the_specification_is_refused(data, code):
    with pytest.raises(BillingFileError) as refused:
        parse_billing_file(data)
    assert code in {p.code for p in refused.value.problems}
