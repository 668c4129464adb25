"""The start page is the agent's day: what waits, counted for the agent's own accounts, each a link to the
list filtered to it."""

from __future__ import annotations

from decimal import Decimal

from flask import url_for

from desk.extensions import db
from desk.models import Order, Role, SellerAccount, Shipment, ShipmentStatus
from tests.factories import make_agent


def _order(account, n, **values) -> Order:
    order = Order(
        account_id=account.id,
        allegro_id=f"day-{account.id}-{n}",
        status="READY_FOR_PROCESSING",
        total_amount=Decimal("10.00"),
        **values,
    )
    db.session.add(order)
    return order


def test_the_day_counts_only_the_agents_accounts_and_links_to_the_filtered_lists(client, login):
    mine, other = SellerAccount(name="Moje"), SellerAccount(name="Cudze")
    db.session.add_all([mine, other])
    db.session.flush()
    for n in range(3):
        _order(mine, n)
    shipped = _order(mine, 9)
    _order(other, 1)
    db.session.flush()
    db.session.add(
        Shipment(
            account_id=mine.id,
            order_id=shipped.id,
            carrier="dpd",
            service="dpd_classic",
            idempotency_key="d1",
            request={},
            status=ShipmentStatus.CONFIRMED,
            waybills=["W"],
        )
    )
    db.session.commit()
    login(make_agent(role=Role.AGENT, accounts=[mine]))
    html = client.get(url_for("home.index")).get_data(as_text=True)
    day = html[
        html.index("Twój dzień") : html.index("Konta sprzedawców") if "Konta sprzedawców" in html else None
    ]
    assert (
        "<strong>3</strong><span>Zamówienia do wysłania</span>" in day
    )  # the shipped one and the other account's are not
    assert "<strong>1</strong><span>Paczki do przekazania przewoźnikowi</span>" in day
    assert 'href="/orders/?status=READY_FOR_PROCESSING&amp;parcel=none"' in day
    assert 'href="/issues/?queue=reply"' in day and 'href="/ratings/?new=1"' in day


def test_an_agent_without_accounts_sees_no_day(client, login):
    login(make_agent(role=Role.AGENT))
    html = client.get(url_for("home.index")).get_data(as_text=True)
    assert "Twój dzień" not in html


def test_price_lists_are_in_the_navigation_of_owners_only(client, login):
    login(make_agent(role=Role.OWNER))
    assert 'href="/shipping/prices"' in client.get(url_for("home.index")).get_data(as_text=True)
    client.post(url_for("auth.logout"))
    login(make_agent(role=Role.AGENT))
    assert 'href="/shipping/prices"' not in client.get(url_for("home.index")).get_data(as_text=True)
