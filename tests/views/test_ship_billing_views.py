"""Nadaj przesyłkę and the balance: an account that cannot pay sees the shortfall in Polish with everything
it typed kept, and the shipment page says whether cancelling is free, costs the fee, or why it is not
possible."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import url_for
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import EntryKind, Role, Shipment, ShipmentStatus
from desk.orm import utcnow
from desk.services import billing
from tests.factories import make_agent
from tests.views import test_ship_views as ship_fixtures

account = ship_fixtures.account  # a seller account with 1000.00 zł on its balance
inpost = ship_fixtures.inpost
PARCEL = {"length_cm": "30", "width_cm": "20", "height_cm": "8", "weight_kg": "1,2", "template": "small"}


def _form(client, order) -> dict[str, str]:
    html = client.get(url_for("ship.new", order_id=order.id)).get_data(as_text=True)
    return ship_fixtures.posted(html) | ship_fixtures.SENDER | PARCEL


def _order(account):
    return ship_fixtures.locker_order(
        account, payment_type="ONLINE", delivery_method_name="Allegro Paczkomaty InPost"
    )


def test_the_shortfall_is_shown_in_polish_with_the_draft_kept(client, login, account, inpost):
    billing.post(billing.Posting(account.id, EntryKind.CORRECTION, Decimal("-995.00"), key="leave-5"))
    db.session.commit()
    login(make_agent(accounts=[account]))
    order = _order(account)
    form = _form(client, order) | {"receiver_phone": "600 700 800"}
    response = client.post(url_for("ship.create", order_id=order.id), data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Paczka nie została nadana: konto nie może za nią zapłacić." in html
    assert "Płatność: za mało środków na saldzie: potrzeba" in html and "dostępne 5,00" in html
    assert 'value="600 700 800"' in html and 'value="1,2"' in html and 'value="KRA010"' in html
    assert f'href="/billing/accounts/{account.id}"' in html
    assert db.session.scalar(select(func.count(Shipment.id))) == 0
    assert inpost.harness.count(ship_fixtures.CREATE) == 0
    # after a top-up the same form goes through, charged once
    billing.post(billing.Posting(account.id, EntryKind.TOPUP, Decimal("100.00"), key="topup"))
    db.session.commit()
    assert client.post(url_for("ship.create", order_id=order.id), data=form).status_code == 302
    shipment = db.session.scalar(select(Shipment))
    assert billing.balance(account.id) == Decimal("105.00") - shipment.price_gross


def test_the_cancel_button_says_free_until_when_and_why_not_after(client, login, account, inpost):
    login(make_agent(accounts=[account]))
    order = _order(account)
    client.post(url_for("ship.create", order_id=order.id), data=_form(client, order))
    shipment = db.session.scalar(select(Shipment))
    _well_before_the_cutoff(shipment)
    page = client.get(url_for("ship.shipment", shipment_id=shipment.id)).get_data(as_text=True)
    assert "Bezpłatnie do" in page and "wróci na saldo" in page
    assert "Cena (brutto)" in page
    shipment.tracking_state = "in_transit"
    db.session.commit()
    page = client.get(url_for("ship.shipment", shipment_id=shipment.id)).get_data(as_text=True)
    assert "disabled" in page and "Przewoźnik ma już paczkę: nie można jej anulować." in page
    refused = client.post(url_for("ship.cancel", shipment_id=shipment.id), follow_redirects=True)
    assert "Przewoźnik ma już paczkę" in refused.get_data(as_text=True)


def test_cancelling_before_the_cutoff_refunds_the_balance(client, login, account, inpost):
    login(make_agent(role=Role.OWNER))
    order = _order(account)
    client.post(url_for("ship.create", order_id=order.id), data=_form(client, order))
    shipment = db.session.scalar(select(Shipment))
    assert billing.balance(account.id) == Decimal("1000.00") - shipment.price_gross
    _well_before_the_cutoff(shipment)
    client.post(url_for("ship.cancel", shipment_id=shipment.id))
    db.session.refresh(shipment)
    assert shipment.status is ShipmentStatus.CANCELLED
    assert billing.balance(account.id) == Decimal("1000.00")


def _well_before_the_cutoff(shipment) -> None:
    """The planned pickup a week ahead, whatever the clock says now (the page reads the wall clock)."""
    shipment.created_at = utcnow() + dt.timedelta(days=7)
    db.session.commit()
