"""COD payout days by Polish working days and tiers, and the job that moves COD from tracking: delivered
parcels' money collected with its payout day, returned and cancelled parcels closed, received money due
on its day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desk.extensions import db
from desk.models import Shipment, ShipmentStatus
from desk.models.cod import CodState, PayoutSink, ShipmentCod
from desk.services.billing.cod import progress, records
from tests.services.billing.cod_helpers import at, deliver, make_account, make_cod

D = dt.date
NRB = "61 1090 1014 0000 0712 1981 2874"  # as Poles write it: no country code


@pytest.mark.parametrize(
    ("delivered", "tier", "due"),
    [
        (D(2026, 12, 4), 1, D(2026, 12, 7)),  # Friday -> Monday
        (D(2026, 12, 4), 5, D(2026, 12, 11)),
        (D(2026, 12, 4), 10, D(2026, 12, 18)),
        (D(2026, 12, 5), 1, D(2026, 12, 7)),  # delivered on Saturday: counted from Sunday
        (D(2026, 12, 22), 1, D(2026, 12, 23)),
        (D(2026, 12, 23), 1, D(2026, 12, 28)),  # 24 Dec (Wigilia, from 2025), 25-26 Dec, Sunday
        (D(2026, 12, 23), 5, D(2027, 1, 4)),  # ... and New Year's Day
        (D(2027, 3, 26), 1, D(2027, 3, 30)),  # Easter Monday 29 Mar 2027
        (D(2028, 4, 28), 1, D(2028, 5, 2)),  # 1 May 2028 is a Monday
        (D(2028, 5, 2), 1, D(2028, 5, 4)),  # 3 May (Constitution Day) is a Wednesday
        (D(2028, 4, 28), 5, D(2028, 5, 9)),  # both in one count
        (D(2026, 11, 10), 1, D(2026, 11, 12)),  # 11 Nov (Independence Day)
        (D(2026, 11, 9), 5, D(2026, 11, 17)),
    ],
)
def test_the_payout_day_counts_polish_working_days_from_the_day_after_delivery(delivered, tier, due):
    assert progress.due_date(delivered, tier) == due


def test_a_delivery_just_after_midnight_in_warsaw_counts_from_the_warsaw_day(app):
    account = make_account()
    record = make_cod(account.id, tier=1)
    # 23:30 UTC on Thursday is 00:30 on Friday in Warsaw: paid on Monday, not on Friday
    progress.collect(record, dt.datetime(2026, 12, 3, 23, 30, tzinfo=dt.UTC), at(D(2026, 12, 4)))
    assert record.due_on == D(2026, 12, 7)


def test_delivered_parcels_are_collected_with_their_tier_and_the_rest_closed(app):
    account = make_account()
    fast = make_cod(account.id, "50.00", tier=1)
    slow = make_cod(account.id, "70.00", tier=10)
    back = make_cod(account.id, "30.00")
    gone = make_cod(account.id, "20.00")
    on_way = make_cod(account.id, "10.00")
    deliver(fast, at(D(2026, 12, 23)))
    deliver(slow, at(D(2026, 12, 23)))
    deliver(back, at(D(2026, 12, 22)), state="returned")
    gone.shipment.status = ShipmentStatus.CANCELLED
    db.session.commit()

    counts = progress.follow_tracking(now=at(D(2026, 12, 23)))

    assert counts == {"collected": 2, "returned": 1, "cancelled": 1}
    db.session.expire_all()
    assert (fast.state, fast.due_on) == (CodState.COLLECTED, D(2026, 12, 28))
    assert (slow.state, slow.due_on) == (CodState.COLLECTED, D(2027, 1, 12))  # 1 and 6 Jan off
    assert fast.delivered_at == at(D(2026, 12, 23))
    assert back.state is CodState.RETURNED and gone.state is CodState.CANCELLED
    assert on_way.state is CodState.TO_COLLECT and on_way.due_on is None
    assert progress.follow_tracking(now=at(D(2026, 12, 23))) == {}  # nothing twice


def test_an_allegro_wallet_cod_is_followed_but_never_due(app):
    account = make_account()
    wallet = make_cod(account.id, "40.00", carrier="allegro", sink="allegro_wallet", iban="")
    deliver(wallet, at(D(2026, 12, 4)))
    progress.follow_tracking(now=at(D(2026, 12, 4)))
    db.session.expire_all()
    assert wallet.sink is PayoutSink.ALLEGRO_WALLET and wallet.iban == ""
    assert wallet.state is CodState.COLLECTED and wallet.due_on is None


def test_received_money_becomes_due_on_its_day_and_not_before(app):
    account = make_account()
    record = make_cod(account.id, tier=1, delivered_on=D(2026, 12, 4), received=True)
    assert progress.promote_due(today=D(2026, 12, 4), now=at(D(2026, 12, 4))) == 0
    assert progress.promote_due(today=D(2026, 12, 7), now=at(D(2026, 12, 7))) == 1
    db.session.expire_all()
    assert record.state is CodState.DUE


def test_cod_shipments_without_a_record_get_one_with_the_account_default(app):
    account = make_account()
    shipment = Shipment(
        account_id=account.id, carrier="dpd", service="dpd_classic", idempotency_key="old-1",
        request={"cod": {"amount": "12.30", "sink": "bank_account", "iban": NRB}},
        status=ShipmentStatus.SENT, cod_amount=Decimal("12.30"),
    )
    db.session.add(shipment)
    db.session.commit()
    assert records.open_missing(now=at(D(2026, 12, 4))) == 1
    record = db.session.query(ShipmentCod).one()
    assert (record.tier, record.amount, record.iban) == (5, Decimal("12.30"), "PL61109010140000071219812874")
    assert record.bank_name.startswith("Erste Bank Polska")
    assert records.open_missing(now=at(D(2026, 12, 4))) == 0


def test_the_reports_csv_never_starts_a_cell_with_a_formula(app):
    from desk.services.billing.cod import report

    account = make_account("=HYPERLINK(\"x\")")
    record = make_cod(account.id, waybill="=1+1", tier=1, delivered_on=D(2026, 12, 1), received=True)
    record.state = CodState.DUE
    db.session.commit()
    text = report.report_csv(report.all_of(account.id), str)
    assert "'=1+1" in text and ";=1+1" not in text
    ageing = report.ageing({account.id}, D(2026, 12, 9), days=5)
    names = {"not_received": "a", "unpaid": "b"}
    assert "'=HYPERLINK" in report.ageing_csv(ageing, str, names)
