"""Administration pages: agents, their roles and accounts, deactivation, seller accounts on and off."""
from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select

from desk.extensions import db
from desk.models import AccountStatus, Agent, Role, SellerAccount
from tests.factories import PASSWORD, connect_account, make_agent


@pytest.fixture
def admin(app, login):
    return login(make_agent(role=Role.ADMIN, name="Adam Admin"))


def sign_in(client, email: str, password: str):
    return client.post(url_for("auth.login"), data={"email": email, "password": password})


@pytest.mark.parametrize("role", [Role.AGENT, Role.OWNER])
def test_admin_pages_refuse_everyone_but_administrators(app, client, login, fake_allegro, role):
    account, _ = connect_account(fake_allegro)
    other = make_agent()
    login(make_agent(role=role, accounts=[account]))
    assert client.get(url_for("admin.index")).status_code == 403
    assert client.get(url_for("admin.agent", agent_id=other.id)).status_code == 403
    posts = [
        url_for("admin.create_agent"),
        url_for("admin.update_agent", agent_id=other.id),
        url_for("admin.set_agent_active", agent_id=other.id),
        url_for("admin.set_account_enabled", account_id=account.id),
    ]
    for target in posts:
        assert client.post(target, data={"role": "admin", "active": "0", "enabled": "0"}).status_code == 403
    assert db.session.get(SellerAccount, account.id).status is AccountStatus.ACTIVE
    assert "Agenci" not in client.get(url_for("home.index")).get_data(as_text=True)


def test_admin_creates_an_agent_who_sees_only_the_chosen_accounts(app, client, admin, fake_allegro):
    mine, _ = connect_account(fake_allegro, name="Moje")
    connect_account(fake_allegro, name="Cudze")
    html = client.get(url_for("admin.index")).get_data(as_text=True)
    assert "Nowy agent" in html and "Moje" in html and "Cudze" in html
    response = client.post(url_for("admin.create_agent"), data={
        "email": "Nowa@Example.pl", "name": "Nowa Agentka", "password": "dziesiec-znakow",
        "role": "agent", "account_ids": [mine.id],
    })
    assert response.status_code == 302
    created = db.session.scalar(select(Agent).where(Agent.email == "nowa@example.pl"))
    assert created.role is Role.AGENT and [a.name for a in created.accounts] == ["Moje"]
    client.post(url_for("auth.logout"))
    assert sign_in(client, "nowa@example.pl", "dziesiec-znakow").status_code == 302
    listing = client.get(url_for("accounts.index")).get_data(as_text=True)
    assert "Moje" in listing and "Cudze" not in listing


def test_a_refused_agent_form_keeps_the_input_but_never_the_password(app, client, admin):
    response = client.post(url_for("admin.create_agent"), data={
        "email": "krotkie@example.pl", "name": "Krótkie Hasło", "password": "za-krotk", "role": "owner",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Hasło musi mieć co najmniej 12 znaków innych niż spacje." in html
    assert 'value="krotkie@example.pl"' in html and 'value="Krótkie Hasło"' in html
    assert '<option value="owner" selected>' in html
    assert "za-krotk" not in html
    duplicate = client.post(url_for("admin.create_agent"), data={
        "email": admin.email, "name": "X", "password": "dziesiec-znakow", "role": "agent",
    })
    assert duplicate.status_code == 422 and admin.email in duplicate.get_data(as_text=True)


def test_admin_changes_role_and_accounts(app, client, admin, fake_allegro):
    first, _ = connect_account(fake_allegro, name="Pierwsze")
    second, _ = connect_account(fake_allegro, name="Drugie")
    agent = make_agent(accounts=[first])
    html = client.get(url_for("admin.agent", agent_id=agent.id)).get_data(as_text=True)
    assert f'value="{first.id}" checked' in html and f'value="{second.id}" checked' not in html
    response = client.post(url_for("admin.update_agent", agent_id=agent.id),
                           data={"role": "owner", "account_ids": [second.id]})
    assert response.status_code == 302
    db.session.refresh(agent)
    assert agent.role is Role.OWNER and [a.id for a in agent.accounts] == [second.id]
    bad = client.post(url_for("admin.update_agent", agent_id=agent.id), data={"role": "boss"})
    assert bad.status_code == 422 and "Nieznana rola: boss." in bad.get_data(as_text=True)
    assert client.get(url_for("admin.agent", agent_id=999)).status_code == 404


def test_deactivated_agents_cannot_sign_in_until_reactivated(app, client, admin):
    agent = make_agent(email="ewa@example.pl")
    client.post(url_for("admin.set_agent_active", agent_id=agent.id), data={"active": "0"})
    assert db.session.get(Agent, agent.id).is_active_flag is False
    assert "dezaktywowany" in client.get(url_for("admin.index")).get_data(as_text=True)
    client.post(url_for("admin.set_agent_active", agent_id=agent.id), data={"active": "1"})
    assert db.session.get(Agent, agent.id).is_active_flag is True
    client.post(url_for("admin.set_agent_active", agent_id=agent.id), data={"active": "0"})
    client.post(url_for("auth.logout"))
    html = sign_in(client, "ewa@example.pl", PASSWORD).get_data(as_text=True)
    assert "To konto jest wyłączone. Poproś administratora o jego włączenie." in html


def test_the_last_administrator_stays(app, client, admin):
    response = client.post(url_for("admin.set_agent_active", agent_id=admin.id), data={"active": "0"},
                           follow_redirects=True)
    assert "Nie możesz dezaktywować własnego konta." in response.get_data(as_text=True)
    response = client.post(url_for("admin.update_agent", agent_id=admin.id), data={"role": "agent"})
    assert response.status_code == 422
    assert "Nie możesz odebrać sobie roli administratora." in response.get_data(as_text=True)
    assert db.session.get(Agent, admin.id).role is Role.ADMIN and admin.is_active_flag
    other_admin = make_agent(role=Role.ADMIN)
    client.post(url_for("admin.set_agent_active", agent_id=other_admin.id), data={"active": "0"})
    assert db.session.get(Agent, other_admin.id).is_active_flag is False  # another admin remains: allowed


def test_seller_accounts_are_disabled_and_enabled(app, client, admin, fake_allegro):
    account, _ = connect_account(fake_allegro, name="Sezonowe")
    html = client.get(url_for("admin.index")).get_data(as_text=True)
    assert url_for("accounts.detail", account_id=account.id, _external=False) in html
    client.post(url_for("admin.set_account_enabled", account_id=account.id), data={"enabled": "0"})
    assert db.session.get(SellerAccount, account.id).status is AccountStatus.DISABLED
    html = client.get(url_for("admin.index")).get_data(as_text=True)
    assert "Konto Sezonowe jest wyłączone." in html
    client.post(url_for("admin.set_account_enabled", account_id=account.id), data={"enabled": "1"})
    assert db.session.get(SellerAccount, account.id).status is AccountStatus.ACTIVE


def test_an_account_never_connected_cannot_be_enabled(app, client, admin):
    account = SellerAccount(name="Bez tokenu", status=AccountStatus.DISABLED)
    db.session.add(account)
    db.session.commit()
    response = client.post(url_for("admin.set_account_enabled", account_id=account.id), data={"enabled": "1"},
                           follow_redirects=True)
    assert "Przed włączeniem połącz konto z Allegro." in response.get_data(as_text=True)
    assert db.session.get(SellerAccount, account.id).status is AccountStatus.DISABLED
