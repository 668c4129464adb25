"""An order's parcels with their timelines (a real shipment through the InPost fake), and the shipments
CSV export: UTF-8 with BOM, ';', decimal comma, Warsaw time, streamed, account-scoped."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from desk.extensions import db
from desk.models import SellerAccount, ShipmentStatus
from desk.services.shipping import dispatch
from desk.services.shipping.tracking import events as tracking
from desk.services.shipping.tracking import export, parcels
from desk.services.shipping.tracking.stuck import StuckRules
from tests.billing_helpers import quoted
from tests.services.shipping.parcel_rows import WARSAW, event, make_order, make_shipment, warsaw
from tests.services.shipping.test_dispatch import account, courier, inpost, port_for  # noqa: F401 (fixtures)

RULES = StuckRules(working_days={"inpost": 2}, pickup_days=5)
HEADINGS = {"created_at": "Zlecono", "carrier": "Przewoźnik", "cod_amount": "Pobranie"}
WORDS = {"carrier:inpost": "InPost", "status:confirmed": "Etykieta gotowa", "state:in_transit": "W drodze"}


@pytest.fixture
def shipped(account, port_for, inpost):  # noqa: F811
    """An order with one InPost parcel, confirmed by the fake, and two tracking events read from it."""
    order = make_order(account)
    shipment = dispatch.order_shipment(
        port_for, quoted(dispatch.ShipmentOrder(account_id=account.id, carrier="inpost", request=courier(),
                                                order_id=order.id)),
    )
    while shipment.status is not ShipmentStatus.CONFIRMED:
        dispatch.check(port_for, shipment)
    t0 = dispatch.utcnow() + dt.timedelta(minutes=5)
    inpost.add_event(shipment.carrier_shipment_id, "collected_from_sender", at=t0)
    inpost.add_event(shipment.carrier_shipment_id, "teleported_to_mars", at=t0 + dt.timedelta(hours=2),
                     location="Pruszków")
    tracking.refresh(port_for, shipment, t0 + dt.timedelta(hours=3))
    return order, shipment


def test_the_timeline_is_newest_first_in_warsaw_time_with_raw_codes(account, shipped):  # noqa: F811
    order, shipment = shipped
    [parcel] = parcels.order_parcels(order.id, {account.id}, RULES)
    assert parcel.id == shipment.id and parcel.carrier == "inpost" and parcel.waybill == shipment.waybills[0]
    times = [e.at for e in parcel.events]
    assert times == sorted(times, reverse=True)
    assert all(e.at.tzinfo == WARSAW for e in parcel.events)
    newest = parcel.last_event
    assert newest.code == "teleported_to_mars" and newest.known is False and newest.location == "Pruszków"
    assert parcel.state == newest.state == "in_transit"
    assert parcel.stuck_reason is None


def test_another_accounts_parcels_are_not_shown(account, shipped):  # noqa: F811
    order, _shipment = shipped
    assert parcels.order_parcels(order.id, {account.id + 1000}, RULES) == []
    assert parcels.order_parcels(order.id, set(), RULES) == []
    assert len(parcels.order_parcels(order.id, None, RULES)) == 1


def test_a_stuck_parcel_says_why_and_since_when(account):  # noqa: F811
    order = make_order(account)
    at = warsaw(2026, 11, 20, 9)
    make_shipment(account, order=order, events=[event("returned_to_sender", at, "returning")])
    [parcel] = parcels.order_parcels(order.id, None, RULES, now=at + dt.timedelta(hours=1))
    assert parcel.stuck_reason == "returning" and parcel.stuck_since == at.astimezone(WARSAW)


# --- export -------------------------------------------------------------------------------------


def _rows(chunks) -> list[list[str]]:
    text = "".join(chunks)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_export_writes_polish_cells_for_the_range_only(account):  # noqa: F811
    order = make_order(account, allegro_id="29f4b1a0-1111-2222-3333-444455556666")
    inside = make_shipment(
        account, order=order, created_at=warsaw(2026, 11, 10, 0, 30),  # 9 Nov 23:30 UTC: a Warsaw 10th
        events=[event("in_transit", warsaw(2026, 11, 10, 15), "in_transit")],
        cod_amount=Decimal("1234.5"), price_gross=Decimal("16.99"), reference="=SUM(A1)",
    )
    make_shipment(account, created_at=warsaw(2026, 11, 9, 23, 50))  # the day before the range
    make_shipment(account, created_at=warsaw(2026, 11, 12, 0, 10))  # the day after
    rows = _rows(export.export_csv(day_from=dt.date(2026, 11, 10), day_to=dt.date(2026, 11, 11),
                                   account_ids={account.id}, headings=HEADINGS, words=WORDS))
    header, *body = rows
    assert header[:4] == ["Zlecono", "account", "order", "Przewoźnik"] and len(header) == len(export.COLUMNS)
    assert len(body) == 1
    row = dict(zip(export.COLUMNS, body[0], strict=True))
    assert row["created_at"] == "2026-11-10 00:30"
    assert row["account"] == "Sklep wysyłkowy" and row["order"] == order.allegro_id
    assert row["carrier"] == "InPost" and row["status"] == "Etykieta gotowa"
    assert row["tracking_state"] == "W drodze"
    assert row["waybills"] == inside.waybills[0] and row["tracking_at"] == "2026-11-10 15:00"
    assert row["cod_amount"] == "1234,50" and row["price_gross"] == "16,99"
    assert row["reference"] == "'=SUM(A1)"  # never a formula in the sheet


def test_the_export_is_account_scoped_and_utf8_with_bom(account):  # noqa: F811
    other = SellerAccount(name="Żółta łódź")
    db.session.add(other)
    db.session.commit()
    make_shipment(other, created_at=warsaw(2026, 11, 10))
    day = dt.date(2026, 11, 10)

    def rows(account_ids):
        chunks = export.export_csv(day_from=day, day_to=day, account_ids=account_ids, headings={}, words={})
        return _rows(chunks)

    assert len(rows({account.id})) == 1  # the headings only
    assert len(rows(set())) == 1
    chunks = export.export_csv(day_from=day, day_to=day, account_ids=None, headings={}, words={})
    data = "".join(chunks).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf") and "Żółta łódź".encode() in data


def test_the_export_streams_in_chunks(account, monkeypatch):  # noqa: F811
    for minute in range(7):
        make_shipment(account, created_at=warsaw(2026, 11, 10, 8, minute))
    monkeypatch.setattr(export, "FLUSH_EVERY", 3)
    chunks = list(export.export_csv(day_from=dt.date(2026, 11, 10), day_to=dt.date(2026, 11, 10),
                                    account_ids=None, headings={}, words={}))
    # the headings, then a chunk every 3 rows, then the rest: never the whole file at once
    assert [chunk.count("\r\n") for chunk in chunks] == [1, 3, 3, 1]
