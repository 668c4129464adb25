"""`make run`'s demo: a carrier's fake bills two surcharges for a demo parcel, one stays to be reviewed and
one is charged to the account; only once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from desk import demo_surcharges
from desk.extensions import db
from desk.models import EntryKind, LedgerEntry, Surcharge, SurchargeState
from tests.services.billing.surcharge_helpers import D, make_account, ship

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)


def test_two_surcharges_one_new_one_charged_added_once(app):
    account = make_account("Sklep demo")
    assert demo_surcharges.add_demo_surcharges(app, account.id, now=NOW) == 0  # no parcel yet
    shipment = ship(app, account, carrier="dpd")
    assert demo_surcharges.add_demo_surcharges(app, account.id, now=NOW) == 2
    charged, new = db.session.scalars(select(Surcharge).order_by(Surcharge.id)).all()
    assert (charged.state, new.state) == (SurchargeState.CHARGED, SurchargeState.NEW)
    assert {charged.shipment_id, new.shipment_id} == {shipment.id}
    assert (charged.declared_weight_g, charged.measured_weight_g) == (1000, 3400)
    assert charged.charged_on == dt.date(2026, 11, 30) and charged.quoted["lines"]
    [entry] = db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == EntryKind.SURCHARGE)).all()
    assert (entry.kind, entry.amount, entry.account_id) == (EntryKind.SURCHARGE, D("-14.76"), account.id)
    assert demo_surcharges.add_demo_surcharges(app, account.id, now=NOW) == 0
    assert len(db.session.scalars(select(Surcharge)).all()) == 2
