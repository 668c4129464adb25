"""The demo ships part of its orders through the in-process carrier fakes, so `make run` shows parcels
on their way beside orders still waiting to be sent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from desk import demo_shipping
from desk.extensions import db
from desk.models import Order, PackagePreset, SellerAccount, Shipment
from desk.services.shipping import ensure_public_price_list
from tests.billing_helpers import fund

METHODS = (
    "Allegro Paczkomaty InPost",
    "Allegro Kurier DPD pobranie",
    "Allegro Pocztex Kurier 48",
    "Odbiór osobisty",
)


def test_a_third_of_the_fitting_orders_leave_as_parcels_and_presets_are_made_once(app, monkeypatch):
    account = SellerAccount(name="Sklep demo")
    db.session.add(account)
    db.session.flush()
    for index in range(12):
        db.session.add(
            Order(
                account_id=account.id,
                allegro_id=f"demo-{index:04d}-aaaa-bbbb",
                status="READY_FOR_PROCESSING",
                total_amount=Decimal("59.00"),
                buyer_email=f"k{index}@allegromail.pl",
                payment_type="CASH_ON_DELIVERY" if "pobranie" in METHODS[index % 4] else "ONLINE",
                delivery_method_name=METHODS[index % 4],
                pickup_point={"id": "SZC50N", "city": "Szczecin", "zip_code": "70-470"}
                if index % 4 == 0
                else None,
                delivery_address={
                    "first_name": "Jan",
                    "last_name": f"Nowak {index}",
                    "street": "Długa 5",
                    "city": "Kraków",
                    "zip_code": "30-001",
                    "phone_number": "600200300",
                },
            )
        )
    db.session.commit()
    demo_shipping.prepare_presets(account.id)
    demo_shipping.prepare_presets(account.id)
    fund(account.id)
    ensure_public_price_list(today=dt.date(2026, 1, 1))
    assert len(db.session.scalars(select(PackagePreset)).all()) == 2
    shipped = demo_shipping.ship_some_orders(app, account.id)
    shipments = db.session.scalars(select(Shipment)).all()
    assert shipped == len(shipments) == 3  # orders 0, 3, 6, 9: order 3 is a personal pick-up
    assert {s.carrier for s in shipments} <= {"inpost", "dpd", "poczta"}
    assert all(s.status.value in ("pending", "confirmed") for s in shipments)
    assert all(s.price_gross and s.quote["list_name"] for s in shipments)  # priced like any other
    assert (
        demo_shipping.ship_some_orders(app, account.id) == 0
        or len(db.session.scalars(select(Shipment)).all()) > 3
    )
