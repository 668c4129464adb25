"""COD remittance files: each carrier's fake writes its format, the carrier's parser reads it back into
frozen DTOs, and a file with any problem is refused whole, each problem named by line and code."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from integrations.carriers.dpd import cod_remittance as dpd
from integrations.carriers.dpd.fake import cod_remittance as dpd_fake
from integrations.carriers.inpost import cod_remittance as inpost
from integrations.carriers.inpost.fake import cod_remittance as inpost_fake
from integrations.carriers.poczta import cod_remittance as poczta
from integrations.carriers.poczta.fake import cod_remittance as poczta_fake
from integrations.carriers.remittance import RemittanceFormatError

D = Decimal
TRANSFER = dt.date(2026, 12, 8)
LINES = [
    ("523000015611700083038270", D("89.90"), dt.date(2026, 12, 4)),
    ("523000015611701083038271", D("1234.56"), dt.date(2026, 12, 3)),
]


def _files():
    on = {"transfer_date": TRANSFER}
    return {
        "inpost": (inpost.parse, inpost_fake.settlement_file(LINES, settlement_id="RS/12/42", **on)),
        "dpd": (dpd.parse, dpd_fake.specification_file(LINES, number="SP/1207", **on)),
        "poczta": (poczta.parse, poczta_fake.settlement_file(LINES, number="RP/12/7", **on)),
    }


@pytest.mark.parametrize("carrier", ["inpost", "dpd", "poczta"])
def test_each_fake_file_reads_back_exactly(carrier):
    parse, data = _files()[carrier]
    remittance = parse(data)
    assert remittance.carrier == carrier
    assert remittance.transfer_date == TRANSFER
    assert [(line.waybill, line.amount, line.collected_on) for line in remittance.lines] == LINES
    assert remittance.total == D("1324.46")
    assert remittance.reference in ("RS/12/42", "SP/1207", "RP/12/7")
    with pytest.raises(dataclasses.FrozenInstanceError):
        remittance.lines[0].amount = D("1.00")  # type: ignore[misc]


def test_dpd_reads_windows_1250_and_utf8_alike():
    cp1250 = dpd_fake.specification_file(LINES, number="SP/1207", transfer_date=TRANSFER)
    utf8 = dpd_fake.specification_file(LINES, number="SP/1207", transfer_date=TRANSFER, encoding="utf-8")
    assert "ę".encode("cp1250") in cp1250 and "ę".encode() in utf8
    assert dpd.parse(cp1250) == dpd.parse(utf8)


def _codes(parse, data: bytes) -> list[tuple[int, str]]:
    with pytest.raises(RemittanceFormatError) as refused:
        parse(data)
    return [(problem.line, problem.code) for problem in refused.value.problems]


def test_inpost_names_every_bad_line():
    data = (
        b"tracking_number,cod_amount,currency,delivered_at,settlement_id,transfer_date\r\n"
        b"A1,12.5x,PLN,2026-12-04T10:00:00+01:00,RS1,2026-12-08\r\n"
        b",10.00,EUR,2026-13-04,RS1,2026-12-08\r\n"
        b"A2,-3.00,PLN,2026-12-04,RS1,08.12.2026\r\n"
        b"A3,1.005,PLN,2026-12-04,RS1,2026-12-08\r\n"
    )
    assert _codes(inpost.parse, data) == [
        (2, "bad_amount"),
        (3, "empty_waybill"), (3, "bad_currency"), (3, "bad_date"),
        (4, "bad_amount"), (4, "bad_date"),
        (5, "bad_amount"),
    ]


def test_a_missing_column_and_an_empty_file_are_refused():
    assert _codes(inpost.parse, b"tracking_number,cod_amount\r\nA1,1.00\r\n") == [
        (1, "missing_column"), (1, "missing_column"), (1, "missing_column"), (1, "missing_column")
    ]
    assert _codes(dpd.parse, b"   \n") == [(0, "empty_file")]
    assert _codes(poczta.parse, b"") == [(0, "empty_file")]
    header_only = b"tracking_number,cod_amount,currency,delivered_at,settlement_id,transfer_date\r\n"
    assert _codes(inpost.parse, header_only) == [(0, "no_lines")]


def test_a_waybill_listed_twice_is_refused():
    data = inpost_fake.settlement_file([LINES[0], LINES[0]], settlement_id="RS", transfer_date=TRANSFER)
    assert _codes(inpost.parse, data) == [(3, "duplicate_waybill")]


def test_a_total_that_differs_from_the_lines_is_refused():
    data = dpd_fake.specification_file(LINES, number="SP", transfer_date=TRANSFER).replace(
        b"RAZEM;1324,46", b"RAZEM;1324,47"
    )
    assert _codes(dpd.parse, data) == [(4, "total_mismatch")]
    xml = poczta_fake.settlement_file(LINES, number="RP", transfer_date=TRANSFER).replace(
        b'suma="132446"', b'suma="132400"'
    )
    assert _codes(poczta.parse, xml) == [(0, "total_mismatch")]


def test_poczta_refuses_what_is_not_its_xml_and_never_expands_entities():
    assert _codes(poczta.parse, b"<rozliczenie") == [(0, "unreadable")]
    assert _codes(poczta.parse, b"<inny/>") == [(0, "missing_column")]
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b'<rozliczeniePobran numer="&b;" dataPrzelewu="2026-12-08">'
        b'<pobranie numerNadania="X1" kwota="100" dataWplaty="2026-12-04"/></rozliczeniePobran>'
    )
    assert _codes(poczta.parse, bomb) == [(0, "unreadable")]


def test_poczta_amounts_are_grosze():
    xml = (
        b'<rozliczeniePobran numer="RP" dataPrzelewu="2026-12-08">'
        b'<pobranie numerNadania="X1" kwota="12x" dataWplaty="2026-12-04"/>'
        b'<pobranie numerNadania="X2" kwota="1" dataWplaty="2026-12-04"/></rozliczeniePobran>'
    )
    assert _codes(poczta.parse, xml) == [(1, "bad_amount")]
    fixed = xml.replace(b'kwota="12x"', b'kwota="1250"')
    assert [line.amount for line in poczta.parse(fixed).lines] == [D("12.50"), D("0.01")]
