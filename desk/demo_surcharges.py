"""The demo's surcharges: once the demo account has parcels with waybills, the carrier's fake bills two
surcharges for them in its own billing-file format, the desk imports the file like any other, and the
first one is accepted (charged to the account), so `make run` shows one surcharge to review and one
charged, with the carrier's evidence beside what was declared and quoted."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from flask import Flask
from sqlalchemy import select

from desk.extensions import db
from desk.models import Shipment, ShipmentStatus, Surcharge
from desk.orm import utcnow
from desk.services.billing import surcharges
from desk.wiring.carriers import FAKE_CARRIERS
from desk.wiring.surcharges import billing_parser
from integrations.carriers.fakekit import FakeCharge

log = logging.getLogger(__name__)
# per carrier: (code, net, measured weight in grams) of the surcharge accepted, then of the one to review
CHARGES = {
    "dpd": (("WEIGHT_DIFFERENCE", Decimal("12.00"), 3400), ("REDIRECTION", Decimal("17.00"), None)),
    "poczta": (("NIEDOPLATA_MASA", Decimal("9.50"), 3400), ("ZMIANA_ADRESU", Decimal("17.00"), None)),
    "inpost": (("weight_verification", Decimal("15.00"), 3400), ("readdressed", Decimal("17.00"), None)),
}


def add_demo_surcharges(app: Flask, account_id: int, *, now: dt.datetime | None = None) -> int:
    """Bill and import the demo's two surcharges (once); how many were added now (0: done before, or no
    parcel of the account has its waybill yet)."""
    if has_surcharges(account_id):
        return 0
    fakes = app.extensions.get(FAKE_CARRIERS, {})
    shipment = db.session.scalars(
        select(Shipment)
        .where(Shipment.account_id == account_id, Shipment.carrier.in_(tuple(fakes)),
               Shipment.status.in_((ShipmentStatus.CONFIRMED, ShipmentStatus.SENT)))
        .order_by(Shipment.id)
    ).first()
    if shipment is None or not shipment.waybills:
        return 0
    carrier, waybill = shipment.carrier, shipment.waybills[0]
    measured_on = (now or utcnow()).date() - dt.timedelta(days=3)
    charges = [
        FakeCharge(waybill, code, net, measured_weight_g=grams, charged_on=measured_on)
        for code, net, grams in CHARGES[carrier]
    ]
    data = fakes[carrier].server.state.billing_file(charges)
    parse = billing_parser(carrier)
    plan = surcharges.apply_import(parse, carrier=carrier, data=data, filename="demo", now=now)
    first = db.session.scalars(select(Surcharge).where(Surcharge.import_id == plan.import_id)
                               .order_by(Surcharge.id)).first()
    if first is not None:
        surcharges.accept(first.id, agent_id=None, account_ids=None, now=now)
    log.info("demo surcharges: %d billed by %s for %s", plan.added, carrier, waybill)
    return plan.added


def has_surcharges(account_id: int) -> bool:
    """Whether the account has any surcharge (the demo's are added once)."""
    query = select(Surcharge.id).where(Surcharge.account_id == account_id).limit(1)
    return db.session.scalar(query) is not None
