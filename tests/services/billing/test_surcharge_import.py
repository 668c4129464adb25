"""Importing carriers' billing files: the dry run writes nothing, the apply writes the whole file or nothing,
a file applied twice adds nothing, unknown waybills wait on the review list and unknown codes refuse it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import EntryKind, LedgerEntry, Surcharge, SurchargeImport, SurchargeKind, SurchargeState
from desk.services.billing import surcharges
from desk.services.billing.surcharges import ADD, KNOWN, UNLINKED, ImportRefused
from integrations.carriers.fakekit import FakeCharge
from tests.services.billing.surcharge_helpers import D, billing_file, make_account, parser, ship

NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def account(app):
    return make_account()


@pytest.mark.parametrize("carrier", ["dpd", "poczta", "inpost"])
def test_a_dry_run_says_what_would_happen_per_line_and_writes_nothing(app, account, carrier):
    shipment = ship(app, account, carrier=carrier)
    data = billing_file(app, carrier, [
        FakeCharge(shipment.waybills[0], _code(carrier, "weight"), D("12.00"), measured_weight_g=4200),
        FakeCharge("0000000000000000", _code(carrier, "address"), D("17.00")),
    ])
    plan = surcharges.plan_import(parser(carrier), carrier=carrier, data=data)
    assert plan.ok and not plan.applied_before
    linked, unknown = plan.lines
    assert (linked.outcome, linked.shipment_id, linked.account_id, linked.account_name) == (
        ADD, shipment.id, account.id, "Sklep z dopłatami"
    )
    assert linked.kind is SurchargeKind.UNDERSTATED_WEIGHT and linked.gross == D("14.76")
    assert (unknown.outcome, unknown.shipment_id) == (UNLINKED, None)
    assert unknown.kind is SurchargeKind.WRONG_ADDRESS
    assert count(Surcharge) == 0 and count(SurchargeImport) == 0


def test_apply_links_each_line_with_the_carriers_evidence_and_the_quote(app, account):
    shipment = ship(app, account)
    data = billing_file(app, "dpd", [
        FakeCharge(shipment.waybills[0], "OVERSIZE", D("20.00"), measured_weight_g=1500,
                   measured_mm=(1620, 300, 200), reference="DPD-1", charged_on=dt.date(2026, 11, 28)),
    ], document="FV/DPD/2026/11/9")
    plan = surcharges.apply_import(parser("dpd"), carrier="dpd", data=data, filename="dpd.xml", actor_id=None,
                                   now=NOW)
    assert plan.added == 1 and plan.import_id is not None
    surcharge = db.session.scalar(select(Surcharge))
    assert (surcharge.account_id, surcharge.shipment_id, surcharge.state) == (account.id, shipment.id,
                                                                              SurchargeState.NEW)
    assert (surcharge.carrier, surcharge.carrier_code) == ("dpd", "OVERSIZE")
    assert surcharge.kind is SurchargeKind.OVERSIZE
    assert (surcharge.net, surcharge.vat, surcharge.gross) == (D("20.00"), D("4.60"), D("24.60"))
    assert (surcharge.carrier_reference, surcharge.document) == ("DPD-1", "FV/DPD/2026/11/9")
    assert surcharge.charged_on == dt.date(2026, 11, 28) and surcharge.arrived_at == NOW
    assert (surcharge.declared_weight_g, surcharge.declared_length_mm) == (1000, 300)  # as sent to DPD
    assert (surcharge.measured_weight_g, surcharge.measured_length_mm) == (1500, 1620)
    assert surcharge.quoted["parcels"][0]["weight_g"] == 1000
    assert surcharge.quoted["gross"] == shipment.quote["gross"] and surcharge.quoted["lines"]
    record = db.session.get(SurchargeImport, plan.import_id)
    assert (record.filename, record.document) == ("dpd.xml", "FV/DPD/2026/11/9")
    assert (record.lines, record.added) == (1, 1)
    surcharge_entries = select(func.count()).where(LedgerEntry.kind == EntryKind.SURCHARGE)
    assert db.session.scalar(surcharge_entries) == 0  # nothing is charged before the seller's review


def test_the_same_file_applied_twice_adds_nothing(app, account):
    shipment = ship(app, account, carrier="poczta")
    data = billing_file(app, "poczta", [FakeCharge(shipment.waybills[0], "NIEDOPLATA_MASA", D("8.00"))])
    first = surcharges.apply_import(parser("poczta"), carrier="poczta", data=data)
    again = surcharges.apply_import(parser("poczta"), carrier="poczta", data=data)
    assert first.added == 1
    assert again.applied_before and again.added == 0 and [line.outcome for line in again.lines] == [KNOWN]
    assert count(Surcharge) == 1 and count(SurchargeImport) == 1


def test_a_second_file_repeating_charges_adds_only_the_new_ones(app, account):
    shipment = ship(app, account, carrier="inpost")
    waybill = shipment.waybills[0]
    old = FakeCharge(waybill, "readdressed", D("17.00"), reference="INP-1")
    surcharges.apply_import(parser("inpost"), carrier="inpost", data=billing_file(app, "inpost", [old]))
    later = billing_file(app, "inpost", [old, FakeCharge(waybill, "weight_verification", D("15.00"),
                                                         reference="INP-2")])
    plan = surcharges.apply_import(parser("inpost"), carrier="inpost", data=later)
    assert [line.outcome for line in plan.lines] == [KNOWN, ADD]
    assert sorted(db.session.scalars(select(Surcharge.carrier_reference))) == ["INP-1", "INP-2"]


def test_the_same_charge_id_of_another_carrier_is_another_surcharge(app, account):
    dpd, poczta = ship(app, account, carrier="dpd", key="a"), ship(app, account, carrier="poczta", key="b")
    surcharges.apply_import(parser("dpd"), carrier="dpd", data=billing_file(
        app, "dpd", [FakeCharge(dpd.waybills[0], "OTHER", D("1.00"), reference="X-1")]))
    surcharges.apply_import(parser("poczta"), carrier="poczta", data=billing_file(
        app, "poczta", [FakeCharge(poczta.waybills[0], "INNA", D("1.00"), reference="X-1")]))
    assert count(Surcharge) == 2


def test_an_unknown_waybill_is_kept_on_the_review_list_never_lost(app, account):
    charge = FakeCharge("1000999999999U", "DIRECT_ORDER", D("4.30"), reference="D-9")
    data = billing_file(app, "dpd", [charge])
    plan = surcharges.apply_import(parser("dpd"), carrier="dpd", data=data)
    assert plan.unlinked == 1
    surcharge = db.session.scalar(select(Surcharge))
    assert (surcharge.account_id, surcharge.shipment_id, surcharge.waybill) == (None, None, "1000999999999U")
    assert surcharge.state is SurchargeState.NEW
    review = surcharges.list_surcharges(surcharges.Filters(view="unlinked"), account_ids=None)
    assert [row.surcharge.id for row in review.rows] == [surcharge.id]
    limited = surcharges.list_surcharges(surcharges.Filters(view="all"), account_ids={account.id})
    assert limited.rows == []  # an unlinked surcharge belongs to no account yet


def test_an_unknown_code_refuses_the_whole_file_naming_the_line_and_nothing_is_written(app, account):
    shipment = ship(app, account)
    data = billing_file(app, "dpd", [
        FakeCharge(shipment.waybills[0], "OVERSIZE", D("20.00")),
        FakeCharge(shipment.waybills[0], "FUEL_2026", D("3.00")),
    ])
    plan = surcharges.plan_import(parser("dpd"), carrier="dpd", data=data)
    assert not plan.ok and plan.lines == ()
    [(message, params)] = plan.problems
    assert message == "Line %(line)s: unknown surcharge code %(value)s." and params["value"] == "FUEL_2026"
    assert params["line"] == [n for n, t in enumerate(data.decode().splitlines(), 1) if "<item>" in t][1]
    with pytest.raises(ImportRefused) as refused:
        surcharges.apply_import(parser("dpd"), carrier="dpd", data=data)
    assert refused.value.plan.problems == plan.problems
    assert count(Surcharge) == 0 and count(SurchargeImport) == 0


@pytest.mark.parametrize(
    ("carrier", "data", "message"),
    [
        ("dpd", b"", "Choose a billing file."),
        ("dpd", b"<html>not a specification</html>", "The file is not a billing file of this carrier."),
        ("inpost", b"a;b\n1;2\n", "Columns missing from the file: %(value)s."),
        ("ups", b"x", "Unknown carrier %(carrier)s."),
        ("dpd", b"x" * (surcharges.MAX_BYTES + 1), "The file is larger than %(mb)s MB."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(app, carrier, data, message):
    parse = parser(carrier if carrier != "ups" else "dpd")
    with pytest.raises(ImportRefused) as refused:
        surcharges.apply_import(parse, carrier=carrier, data=data)
    assert refused.value.message == message
    assert count(Surcharge) == 0 and count(SurchargeImport) == 0


def test_a_line_the_desk_cannot_store_refuses_the_file(app, account):
    shipment = ship(app, account)
    charge = FakeCharge(shipment.waybills[0], "OTHER", D("1.00"), reference="R" * 65)
    data = billing_file(app, "dpd", [charge])
    with pytest.raises(ImportRefused) as refused:
        surcharges.apply_import(parser("dpd"), carrier="dpd", data=data)
    assert refused.value.params["field"] == "reference" and refused.value.params["max"] == 64
    assert count(Surcharge) == 0


def _code(carrier: str, what: str) -> str:
    return {
        ("dpd", "weight"): "WEIGHT_DIFFERENCE", ("dpd", "address"): "ADDRESS_INCORRECT",
        ("poczta", "weight"): "NIEDOPLATA_MASA", ("poczta", "address"): "BLEDNY_ADRES",
        ("inpost", "weight"): "weight_verification", ("inpost", "address"): "undelivered_wrong_address",
    }[(carrier, what)]


def test_the_desk_knows_every_kind_a_carrier_file_can_name():
    from desk.views.surcharge_labels import KINDS
    from integrations.carriers.dpd.billing import CODES as DPD
    from integrations.carriers.inpost.billing import CODES as INPOST
    from integrations.carriers.poczta.billing import CODES as POCZTA
    from integrations.carriers.surcharges import SurchargeKind as CarrierKind

    assert {kind.value for kind in CarrierKind} == {kind.value for kind in SurchargeKind} == set(KINDS)
    for codes in (DPD, INPOST, POCZTA):  # each carrier bills every kind the issue names
        assert set(codes.values()) == set(CarrierKind)
