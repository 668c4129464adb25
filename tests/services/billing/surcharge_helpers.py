"""Shipments the desk ordered through the in-process carrier fakes (so the fake knows their waybills and
what was declared), and the billing files the fakes write for them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from flask import Flask
from sqlalchemy import select

from desk.extensions import db
from desk.models import PriceList, SellerAccount, Shipment, ShipmentStatus
from desk.services.shipping import dispatch
from desk.services.shipping.pricing.quotes import Parcel, quote
from desk.wiring.carriers import FAKE_CARRIERS, get_carriers
from desk.wiring.surcharges import billing_parser
from integrations.carriers import ParcelSpec
from integrations.carriers.fakekit import FakeCharge
from tests.billing_helpers import fund
from tests.integrations.carriers.helpers import request
from tests.services.shipping.helpers import DPD_BANDS, make_list

D = Decimal
SERVICES = {"dpd": "dpd_classic", "poczta": "pocztex_kurier", "inpost": "inpost_courier_standard"}
BOX = ParcelSpec(length_mm=300, width_mm=200, height_mm=100, weight_g=1000, template="")


def make_account(name: str = "Sklep z dopłatami") -> SellerAccount:
    account = SellerAccount(name=name)
    db.session.add(account)
    db.session.commit()
    return account


def ship(app: Flask, account: SellerAccount, *, carrier: str = "dpd", key: str = "s-1") -> Shipment:
    """A shipment ordered through the carrier's fake, with its waybill and a quote snapshot."""
    gateway = get_carriers(app)

    def port_for(name: str, account_id: int):
        return gateway.port(name, account_id=account_id)

    parcel = dataclasses.replace(BOX, template="M") if carrier == "poczta" else BOX
    shipment_request = request(service=SERVICES[carrier], idempotency_key=key, parcels=(parcel,))
    snapshot = _quote(account.id)
    fund(account.id, snapshot["gross"])  # paid from the balance when recorded: the balance is 0.00 after it
    order = dispatch.ShipmentOrder(account.id, carrier, shipment_request, quote=snapshot,
                                   price_gross=D(snapshot["gross"]))
    shipment = dispatch.order_shipment(port_for, order)
    if carrier == "inpost":
        fake(app, "inpost").process_all()
        dispatch.check(port_for, shipment)
    assert shipment.status in (ShipmentStatus.CONFIRMED, ShipmentStatus.SENT) and shipment.waybills
    return shipment


def _quote(account_id: int) -> dict:
    """A snapshot priced by the DPD bands (any list does: the surcharge shows what was quoted)."""
    if db.session.scalar(select(PriceList.id).limit(1)) is None:
        make_list(rows=DPD_BANDS)
    priced = quote(account_id, carrier="dpd", service="dpd_classic", parcels=[Parcel(1000, 300, 200, 100)],
                   at=dt.date(2026, 12, 3))
    return priced.to_snapshot()


def fake(app: Flask, carrier: str):
    """The state of the carrier's in-process fake (its test handles, billing_file among them)."""
    get_carriers(app)
    return app.extensions[FAKE_CARRIERS][carrier].server.state


def billing_file(app: Flask, carrier: str, charges: list[FakeCharge], **options) -> bytes:
    return fake(app, carrier).billing_file(charges, **options)


def parser(carrier: str):
    return billing_parser(carrier)
