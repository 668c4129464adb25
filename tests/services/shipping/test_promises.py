"""The desk's own record per carrier: of an account's parcels of the last 90 days, how many were late,
had a problem or were lost."""

from __future__ import annotations

import datetime as dt
import itertools

from desk.extensions import db
from desk.models import SellerAccount, Shipment, ShipmentEvent, ShipmentStatus
from desk.services.shipping.tracking import promises

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
KEYS = itertools.count()


def parcel(account, carrier, *events, confirmed=NOW - dt.timedelta(days=10)) -> Shipment:
    shipment = Shipment(
        account_id=account.id,
        carrier=carrier,
        service="x",
        idempotency_key=f"k{next(KEYS)}",
        request={},
        status=ShipmentStatus.CONFIRMED,
        confirmed_at=confirmed,
        waybills=["W1"],
    )
    for day, state, code in events:
        shipment.events.append(
            ShipmentEvent(waybill="W1", code=code, state=state, at=NOW - dt.timedelta(days=day))
        )
    db.session.add(shipment)
    return shipment


def test_late_problem_and_lost_shares_per_carrier(app):
    account = SellerAccount(name="Sklep")
    db.session.add(account)
    db.session.flush()
    parcel(account, "dpd", (9, "handed_over", "040101"), (8, "delivered", "190101"))  # on time
    parcel(account, "dpd", (9, "handed_over", "040101"), (2, "delivered", "190101"))  # 7 days: late
    parcel(account, "dpd", (9, "handed_over", "040101"), (7, "problem", "200201"))
    parcel(account, "inpost", (9, "handed_over", "taken_by_courier"), (5, "problem", "missing"))
    parcel(account, "inpost", confirmed=NOW - dt.timedelta(days=120))  # older than 90 days: not counted
    db.session.commit()
    found = promises.records(account.id, NOW)
    dpd = found["dpd"]
    assert dpd.parcels == 3 and round(dpd.late, 2) == 0.33 and round(dpd.problem, 2) == 0.33 and dpd.lost == 0
    inpost = found["inpost"]
    assert inpost.parcels == 1 and inpost.lost == 1 and inpost.problem == 1


def test_every_carrier_has_a_promise():
    assert set(promises.PROMISES) == {"inpost", "dpd", "poczta", "allegro"}
    assert all(low <= high for low, high in (p.days for p in promises.PROMISES.values()))
