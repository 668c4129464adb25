"""Poczta Polska's invoice announcement: the fake hands out the ZIP (as getZapowiedziFaktur would) for the
parcels it took, the parser reads the ZIP or its XML into frozen values, amounts from grosze."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest

from integrations.carriers.fakekit import FakeCharge
from integrations.carriers.poczta.billing import parse_billing_file
from integrations.carriers.surcharges import BillingFileError, Measure, SurchargeKind

from .conftest import request_for

D = Decimal


def xml_of(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(archive.namelist()[0])


def test_the_announcement_carries_declared_and_measured_values(adapter, fake):
    pocztex = adapter.create_shipment(request_for())
    paczka = adapter.create_shipment(request_for("paczka_pocztowa", key="ship-2"))
    data = fake.state.billing_file(
        [
            FakeCharge(pocztex.waybills[0], "ZMIANA_FORMATU", D("9.50"), measured_weight_g=3400,
                       measured_mm=(455, 300, 195), measured_size="L", reference="PP-1"),
            FakeCharge(paczka.waybills[0], "ZMIANA_ADRESU", D("17.00"), reference="PP-2",
                       charged_on=dt.date(2026, 9, 30)),
        ],
        document="ZF/2026/10/1",
        issued_on=dt.date(2026, 10, 5),
    )
    assert data.startswith(b"PK")
    parsed = parse_billing_file(data)
    assert (parsed.carrier, parsed.document) == ("poczta", "ZF/2026/10/1")
    assert parsed.issued_on == dt.date(2026, 10, 5)
    first, second = parsed.lines
    assert first.kind is SurchargeKind.OVERSIZE and first.code == "ZMIANA_FORMATU"
    assert first.declared == Measure(weight_g=1250, size="M")
    assert first.measured == Measure(weight_g=3400, length_mm=460, width_mm=300, height_mm=200, size="L")
    assert (first.net, first.vat, first.gross) == (D("9.50"), D("2.19"), D("11.69"))  # from grosze
    assert first.shipment_reference == "ZAM-2026-001"
    assert second.declared == Measure(weight_g=1250, size="GABARYT_A") and second.measured == Measure()
    assert second.kind is SurchargeKind.ADDRESS_CHANGE and second.charged_on == dt.date(2026, 9, 30)
    assert parse_billing_file(xml_of(data)) == parsed  # the XML alone reads the same


def test_an_unknown_charge_code_refuses_the_file_naming_the_line(adapter, fake):
    shipment = adapter.create_shipment(request_for())
    data = fake.state.billing_file([
        FakeCharge(shipment.waybills[0], "NIEDOPLATA_MASA", D("5.00")),
        FakeCharge(shipment.waybills[0], "OPLATA_PALIWOWA", D("1.00")),
    ])
    with pytest.raises(BillingFileError) as refused:
        parse_billing_file(data)
    [problem] = refused.value.problems
    assert (problem.line, problem.code, problem.value) == (4, "unknown_code", "OPLATA_PALIWOWA")


def test_amounts_must_be_whole_grosze_that_add_up(fake):
    xml = xml_of(fake.state.billing_file([FakeCharge("00659007734999999999", "INNA", D("10.00"))])).decode()
    with pytest.raises(BillingFileError) as refused:
        parse_billing_file(xml.replace('kwotaNetto="1000"', 'kwotaNetto="10.00"').encode())
    assert [(p.code, p.field) for p in refused.value.problems] == [("bad_amount", "kwotaNetto")]
    with pytest.raises(BillingFileError) as differ:
        parse_billing_file(xml.replace('kwotaBrutto="1230"', 'kwotaBrutto="1231"').encode())
    assert [p.code for p in differ.value.problems] == ["amounts_differ"]


def zipped(**members: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04broken",
        zipped(**{"a.xml": b"<zapowiedzFaktury/>", "b.xml": b"<zapowiedzFaktury/>"}),
        zipped(**{"readme.txt": b"hello"}),
        b"<faktura/>",
    ],
)
def test_what_is_not_an_announcement_is_refused(data):
    with pytest.raises(BillingFileError) as refused:
        parse_billing_file(data)
    assert [p.code for p in refused.value.problems] == ["unreadable"]
