"""Nadaj przesyłkę with cash on delivery: the payout tier is chosen on the form (the account's default
first), kept with the shipment's COD record with the bank's name; a tier that is not 1, 5 or 10 is refused
at its field and nothing is ordered."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import url_for
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Role, SellerAccount, Shipment
from desk.models.cod import ShipmentCod
from desk.orm import utcnow
from desk.services.billing.cod import accounts as cod_accounts
from desk.services.shipping import ensure_public_price_list
from desk.wiring.carriers import get_carriers
from tests.billing_helpers import fund
from tests.factories import make_agent
from tests.services.billing.cod_helpers import IBAN
from tests.views.test_ship_views import SENDER, locker_order, posted

PARCEL = {"length_cm": "30", "width_cm": "20", "height_cm": "8", "weight_kg": "1", "template": "small"}


@pytest.fixture
def shop(app) -> SellerAccount:
    """An account whose parcels go through the carriers' fakes, priced by the public list."""
    get_carriers(app)
    ensure_public_price_list(today=dt.date(2026, 1, 1))
    account = SellerAccount(name="Sklep Pobraniowy")
    db.session.add(account)
    db.session.commit()
    fund(account.id)  # parcels are paid from the balance when they are recorded
    return account


def _create(client, order, **changes):
    return client.post(url_for("ship.create", order_id=order.id), data=_form(client, order) | changes)


def _form(client, order) -> dict[str, str]:
    html = client.get(url_for("ship.new", order_id=order.id)).get_data(as_text=True)
    return posted(html) | SENDER | PARCEL | {"cod_iban": "61 1090 1014 0000 0712 1981 2874"}


def test_the_form_offers_the_accounts_default_tier_and_keeps_the_one_chosen(client, login, shop):
    cod_accounts.set_default_tier(shop.id, "10", now=utcnow())
    login(make_agent(role=Role.AGENT, accounts=[shop]))
    order = locker_order(shop)
    html = client.get(url_for("ship.new", order_id=order.id)).get_data(as_text=True)
    assert '<option value="10" selected>10 dni roboczych</option>' in html
    created = _create(client, order, cod_tier="1")
    assert created.status_code == 302, created.get_data(as_text=True)
    record = db.session.scalar(select(ShipmentCod))
    assert (record.tier, record.iban) == (1, IBAN)
    assert record.amount == db.session.scalar(select(Shipment.cod_amount))
    assert record.bank_name.startswith("Erste Bank Polska")
    page = client.get(created.location).get_data(as_text=True)
    assert "1 dzień roboczy" in page and "Erste Bank Polska" in page


def test_a_tier_that_is_not_offered_is_refused_at_its_field(client, login, shop):
    login(make_agent(role=Role.AGENT, accounts=[shop]))
    order = locker_order(shop)
    refused = _create(client, order, cod_tier="7")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Wybierz 1, 5 lub 10 dni roboczych." in html
    assert "Bank: Erste Bank Polska" in html  # the account number typed is named back
    assert db.session.scalar(select(func.count(Shipment.id))) == 0
    assert db.session.scalar(select(func.count(ShipmentCod.id))) == 0
