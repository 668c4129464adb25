"""The personal-data area is the owners': agents never reach it, owners see it in the top bar."""

from __future__ import annotations

from flask import url_for

from desk.models import Role
from tests.factories import make_agent


def test_owner_opens_the_area_in_polish(client, login):
    login(make_agent(role=Role.OWNER))
    response = client.get(url_for("privacy.index"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dane osobowe" in html and "pseudonimizowane" in html and ">RODO<" in html


def test_agent_is_refused(client, login):
    login(make_agent(role=Role.AGENT))
    assert client.get(url_for("privacy.index")).status_code == 403
    assert ">RODO<" not in client.get(url_for("orders.index")).get_data(as_text=True)
