"""Orders, an account with its sender and preset, and the carrier ports for the bulk shipping tests."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from flask import Flask

from desk.extensions import db
from desk.models import Order, SellerAccount
from desk.services.shipping import ensure_public_price_list, presets
from desk.wiring.carriers import get_carriers
from tests.billing_helpers import fund

CREATE = "POST /v1/organizations/{org_id}/shipments"
TODAY = dt.date(2026, 12, 3)


def make_account() -> SellerAccount:
    account = SellerAccount(
        name="Sklep hurtowy",
        sender_name="Anna Sprzedawczyni",
        sender_street="Piotrkowska 12",
        sender_city="Łódź",
        sender_postcode="90-001",
        sender_phone="600100200",
        sender_email="sklep@example.pl",
    )
    db.session.add(account)
    db.session.commit()
    presets.add_preset(
        account.id,
        name="Karton",
        length_cm="30",
        width_cm="20",
        height_cm="8",
        weight_kg="1",
        template="small",
    )
    fund(account.id, "100000.00")  # each shipment is paid from the balance when it is recorded
    return account


def ports(app: Flask):
    gateway = get_carriers(app)
    ensure_public_price_list(today=dt.date(2026, 1, 1))
    return lambda carrier, account_id: gateway.port(carrier, account_id=account_id)


def make_order(account, **changes) -> Order:
    values = dict(
        account_id=account.id,
        allegro_id=str(uuid.uuid4()),
        status="READY_FOR_PROCESSING",
        total_amount=Decimal("89.90"),
        payment_type="ONLINE",
        buyer_email="k1+x@allegromail.pl",
        delivery_method_name="Allegro Kurier InPost",
        delivery_address={
            "first_name": "Jan",
            "last_name": "Kowalski",
            "street": "Długa 5",
            "city": "Kraków",
            "zip_code": "30-001",
            "phone_number": "600200300",
        },
    )
    values.update(changes)
    order = Order(**values)
    db.session.add(order)
    db.session.commit()
    return order


def bad_postcode(account) -> Order:
    return make_order(
        account,
        delivery_address={
            "first_name": "Ewa",
            "last_name": "Nowak",
            "street": "Krótka 1",
            "city": "Kraków",
            "zip_code": "30001",
            "phone_number": "600200300",
        },
    )
