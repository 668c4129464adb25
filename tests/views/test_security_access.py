"""The start page shows each agent only the seller accounts and areas open to them."""
from __future__ import annotations

import pytest

from desk.extensions import db
from desk.models import AccountStatus, Role, SellerAccount
from desk.services.accounts import auth

PASSWORD = "Sekretne-Haslo-2026"
NAV = {
    "orders.index": "Zamówienia",
    "issues.index": "Rozmowy z kupującymi",
    "ratings.index": "Oceny",
    "shipping.index": "Wysyłki",
    "accounts.index": "Konta",  # synchronisation and agents are its tabs (test_setup_nav.py)
}


@pytest.fixture
def shops(app):
    """Two seller accounts: one healthy, one whose Allegro connection died."""
    healthy = SellerAccount(name="Sklep Główny", allegro_login="sklep_glowny", status=AccountStatus.ACTIVE)
    broken = SellerAccount(name="Outlet", status=AccountStatus.NEEDS_RECONNECT, status_reason="invalid_grant")
    db.session.add_all([healthy, broken])
    db.session.commit()
    return healthy, broken


def _sign_in(client, role, accounts=()):
    auth.create_agent(
        email=f"{role}@sklep.pl",
        name=f"Test {role}",
        password=PASSWORD,
        role=role,
        account_ids=[a.id for a in accounts],
    )
    client.post("/login", data={"email": f"{role}@sklep.pl", "password": PASSWORD})
    return client.get("/").get_data(as_text=True)


def test_agent_sees_only_assigned_accounts(client, shops):
    healthy, _broken = shops
    html = _sign_in(client, "agent", [healthy])
    assert "Sklep Główny" in html and "sklep_glowny" in html
    assert "Outlet" not in html
    assert "badge-success" in html and "Aktywne" in html
    assert "Agent" in html  # the role next to the name


def test_agent_without_accounts_gets_a_hint(client, shops):
    html = _sign_in(client, "agent")
    assert "Nie przypisano Ci jeszcze żadnego konta sprzedawcy." in html
    assert "Sklep Główny" not in html


@pytest.mark.parametrize(("role", "label"), [("admin", "Administrator"), ("owner", "Właściciel sklepu")])
def test_admins_and_owners_see_every_account(client, shops, role, label):
    html = _sign_in(client, role)
    assert "Sklep Główny" in html and "Outlet" in html
    assert "Wymaga ponownego połączenia" in html and "badge-error" in html
    assert label in html


def test_navigation_lists_only_existing_areas(app, client, shops):
    html = _sign_in(client, Role.ADMIN.value)
    for endpoint, label in NAV.items():
        link = f">{label}</a>"
        assert (link in html) == (endpoint in app.view_functions), endpoint
    assert ">Konta</a>" in html  # the accounts area exists today
    assert "Allegro Desk" in html
    assert 'action="/logout"' in html


def test_agents_link_is_for_admins_only(app, client, shops):
    html = _sign_in(client, Role.AGENT.value)
    assert ">Agenci</a>" not in html


def test_a_deactivated_agent_is_signed_out_at_once(app, client, login):
    from flask import url_for

    from desk.extensions import db
    from tests.factories import make_agent

    agent = login(make_agent())
    assert client.get(url_for("home.index")).status_code == 200
    agent.is_active_flag = False
    db.session.commit()
    response = client.get(url_for("home.index"))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
