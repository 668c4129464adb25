"""A copied session cookie stops working after sign-out, a new password or deactivation."""

from __future__ import annotations

from flask import url_for

from desk.extensions import db
from desk.models import Agent, Role
from desk.services.accounts import agents as agents_admin
from desk.services.accounts import auth
from tests.factories import PASSWORD, make_agent


def _get(app, client, path: str):
    """A request in an app context of its own, as every request of a real server has (the test's
    context would otherwise keep the signed-in agent cached in `g` across requests)."""
    with app.app_context():
        return client.get(path)


def _signed_in_copy(app, client, agent):
    """Sign in with `client`; return a second client holding a copy of its session cookie."""
    response = client.post(url_for("auth.login"), data={"email": agent.email, "password": PASSWORD})
    assert response.status_code == 302
    copy = app.test_client()
    for cookie in client._cookies.values():  # every cookie the browser holds, copied as it is
        copy.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    assert _get(app, copy, "/").status_code == 200  # the copy works while the session lives
    return copy


def _signed_out(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_sign_out_ends_every_copy_of_the_session(app, client):
    agent = make_agent(role=Role.AGENT)
    copy = _signed_in_copy(app, client, agent)
    client.post(url_for("auth.logout"))
    assert _signed_out(_get(app, copy, "/"))


def test_a_new_password_ends_every_session(app, client):
    agent = make_agent(role=Role.AGENT)
    copy = _signed_in_copy(app, client, agent)
    auth.set_password(email=agent.email, password="zupełnie nowe hasło 2027")
    assert _signed_out(_get(app, copy, "/"))
    assert _signed_out(_get(app, client, "/"))


def test_deactivation_ends_every_session_and_reactivation_does_not_revive_it(app, client):
    agent = make_agent(role=Role.AGENT)
    admin = make_agent(role=Role.ADMIN, email="admin2@sklep.pl")
    copy = _signed_in_copy(app, client, agent)
    agents_admin.set_agent_active(agent.id, active=False, acting_agent_id=admin.id)
    agents_admin.set_agent_active(agent.id, active=True, acting_agent_id=admin.id)
    assert _signed_out(_get(app, copy, "/"))


def test_the_session_id_carries_the_generation(app):
    agent = make_agent(role=Role.AGENT)
    assert agent.get_id() == f"{agent.id}.0"
    auth.end_sessions(agent.id)
    assert db.session.get(Agent, agent.id).get_id() == f"{agent.id}.1"
