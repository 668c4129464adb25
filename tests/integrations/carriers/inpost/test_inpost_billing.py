"""InPost's surcharge specification: the fake writes it for the shipments it stored, the parser reads it
back into frozen values, and a file with a bad line is refused naming the line."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from integrations.carriers.fakekit import FakeCharge
from integrations.carriers.inpost.billing import parse_billing_file
from integrations.carriers.surcharges import BillingFileError, Measure, SurchargeKind

from .conftest import courier_request, make_request

D = Decimal


def confirmed(adapter, state, request):
    created = adapter.create_shipment(request)
    state.process_all()
    return adapter.get_shipment(created.shipment_id)


def test_the_specification_carries_what_was_declared_and_what_was_measured(adapter, state):
    locker = confirmed(adapter, state, make_request())
    courier = confirmed(adapter, state, courier_request(idempotency_key="desk-key-2"))
    data = state.billing_file(
        [
            FakeCharge(locker.waybills[0], "size_change", D("4.10"), measured_mm=(640, 380, 190),
                       measured_size="medium", reference="CH-1", charged_on=dt.date(2026, 2, 20)),
            FakeCharge(courier.waybills[1], "weight_verification", D("15.00"), measured_weight_g=4350,
                       reference="CH-2"),
        ],
        document="FV/INP/2026/02/77",
        issued_on=dt.date(2026, 3, 1),
    )
    assert data.startswith("\ufeff".encode()) and b";" in data.splitlines()[0]
    parsed = parse_billing_file(data)
    assert parsed.carrier == "inpost" and parsed.document == "FV/INP/2026/02/77"
    first, second = parsed.lines
    assert (first.line, first.reference, first.code) == (2, "CH-1", "size_change")
    assert first.waybill == locker.waybills[0]
    assert first.kind is SurchargeKind.OVERSIZE and first.charged_on == dt.date(2026, 2, 20)
    assert first.declared == Measure(size="small")  # a locker parcel is declared by its template alone
    assert first.measured == Measure(length_mm=640, width_mm=380, height_mm=190, size="medium")
    assert (first.net, first.vat_rate, first.vat, first.gross) == (D("4.10"), D("23"), D("0.94"), D("5.04"))
    assert first.shipment_reference == "ORDER-123" and first.description == "Zmiana gabarytu paczki"
    # the second parcel of the courier shipment: its own declared weight (1.2 kg), its own number
    assert second.kind is SurchargeKind.UNDERSTATED_WEIGHT and second.charged_on == dt.date(2026, 3, 1)
    assert second.declared == Measure(weight_g=1200, length_mm=300, width_mm=200, height_mm=100)
    assert second.measured.weight_g == 4350
    assert second.gross == D("18.45")
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.net = D("0.01")  # type: ignore[misc]


def test_an_unknown_charge_code_refuses_the_file_naming_its_line(adapter, state):
    shipment = confirmed(adapter, state, make_request())
    data = state.billing_file([
        FakeCharge(shipment.waybills[0], "oversized", D("20.53")),
        FakeCharge(shipment.waybills[0], "fuel_surcharge", D("1.00")),
    ])
    with pytest.raises(BillingFileError) as refused:
        parse_billing_file(data)
    [problem] = refused.value.problems
    assert (problem.line, problem.code, problem.field, problem.value) == (3, "unknown_code", "charge_code",
                                                                          "fuel_surcharge")
    assert "line 3" in str(refused.value)


def test_every_bad_value_is_named_with_its_line(adapter, state):
    shipment = confirmed(adapter, state, make_request())
    data = state.billing_file([FakeCharge(shipment.waybills[0], "readdressed", D("17.00"))])
    text = data.decode("utf-8-sig")
    header, row = text.strip().split("\r\n")
    cells = row.split(";")
    cells[3] = "31.02.2026"  # charge_date
    cells[22] = "3,99"  # vat_amount: 17,00 + 3,99 is not 20,91
    cells[5] = ""  # tracking_number
    broken = "\r\n".join([header, row, ";".join(cells), row]).encode()
    with pytest.raises(BillingFileError) as refused:
        parse_billing_file(broken)
    assert {(p.line, p.code, p.field) for p in refused.value.problems} == {
        (3, "bad_date", "charge_date"), (3, "missing", "tracking_number"), (3, "amounts_differ", "gross"),
        (4, "duplicate", "reference"),  # the same charge id as line 2
    }


def test_amounts_that_do_not_add_up_and_foreign_currency_are_refused(adapter, state):
    shipment = confirmed(adapter, state, make_request())
    text = state.billing_file([FakeCharge(shipment.waybills[0], "other", D("10.00"))]).decode("utf-8-sig")
    bad_sum = text.replace(";12,30;PLN", ";12,31;PLN")
    with pytest.raises(BillingFileError) as refused:
        parse_billing_file(bad_sum.encode())
    assert [(p.line, p.code) for p in refused.value.problems] == [(2, "amounts_differ")]
    with pytest.raises(BillingFileError) as euros:
        parse_billing_file(text.replace(";PLN", ";EUR").encode())
    assert [(p.code, p.value) for p in euros.value.problems] == [("bad_currency", "EUR")]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "missing_columns"),
        (b"tracking_number;net_amount\r\n123;1,00\r\n", "missing_columns"),
        (b"\x00\x01\x02\xff\xfe", "unreadable"),
    ],
)
def test_a_file_that_is_not_the_specification_is_refused(data, code):
    with pytest.raises(BillingFileError) as refused:
        parse_billing_file(data)
    assert [(p.line, p.code) for p in refused.value.problems] == [(None, code)]


def test_a_header_alone_has_no_lines(state):
    with pytest.raises(BillingFileError) as refused:
        parse_billing_file(state.billing_file([]))
    assert [p.code for p in refused.value.problems] == ["no_lines"]


def test_a_waybill_the_fake_never_saw_is_billed_without_declared_values(state):
    parsed = parse_billing_file(state.billing_file([FakeCharge("999000111", "direct_order", D("4.30"))]))
    assert parsed.lines[0].declared == Measure() and parsed.lines[0].kind is SurchargeKind.DIRECT_ORDER
