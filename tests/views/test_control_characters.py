"""Control characters never reach a service: dropped where query and form values are parsed."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from desk.extensions import db
from desk.models import Role
from desk.models.issue import ReplyTemplate
from desk.views.request import CleanMultiDict, clean
from tests.factories import PASSWORD, make_agent


def test_clean_keeps_tabs_and_line_breaks_and_drops_the_rest():
    assert clean("a\x00b\x07c\x1b[0m\x7f\td\r\ne") == "abc[0m\td\r\ne"
    assert clean(42) == 42
    values = CleanMultiDict([("q\x00", "x\x00y"), ("q\x00", "z")])
    assert values.getlist("q") == ["xy", "z"]


def test_a_nul_in_the_login_email_is_an_ordinary_failed_login(app, client):
    make_agent(email="ab@x.pl")
    response = client.post(url_for("auth.login"), data={"email": "a\x00b@x.pl", "password": "wrong"})
    assert response.status_code in (200, 401)
    assert "Nieprawidłowy" in response.get_data(as_text=True)
    ok = client.post(url_for("auth.login"), data={"email": "a\x00b@x.pl", "password": PASSWORD})
    assert ok.status_code == 302  # the same address once the NUL is gone


def test_a_nul_in_a_search_is_searched_without_it(app, client, login):
    login(make_agent(role=Role.ADMIN))
    for endpoint in ("orders.index", "issues.index", "ratings.index"):
        assert client.get(url_for(endpoint, q="a\x00b")).status_code == 200


def test_a_template_name_is_stored_without_control_characters(app, client, login):
    login(make_agent(role=Role.OWNER))
    response = client.post(
        url_for("issues.new_template"),
        data={"name": "Powi\x00tanie\x1b", "kind": "both", "body": "Dzień\x00 dobry!\nPozdrawiam"},
    )
    assert response.status_code == 302
    template = db.session.scalar(select(ReplyTemplate))
    assert (template.name, template.body) == ("Powitanie", "Dzień dobry!\nPozdrawiam")
