"""Signing in and out through the browser-facing views."""
from __future__ import annotations

import pytest

from desk.extensions import db
from desk.models import Agent, Role
from desk.services.accounts import auth

PASSWORD = "Sekretne-Haslo-2026"


@pytest.fixture
def agent(app):
    """An active support agent with a known password."""
    return auth.create_agent(email="anna@sklep.pl", name="Anna Nowak", password=PASSWORD, role=Role.AGENT)


def _login(client, email="anna@sklep.pl", password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_login_form_is_polish(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="pl">' in html
    assert "Logowanie do Allegro Desk" in html
    assert "Adres e-mail" in html and "Hasło" in html
    assert 'name="password"' in html


def test_login_success_goes_to_the_start_page(client, agent):
    response = _login(client)
    assert response.status_code == 302
    assert response.location == "/"
    start = client.get("/")
    assert start.status_code == 200
    assert "Dzień dobry, Anna Nowak" in start.get_data(as_text=True)
    assert db.session.get(Agent, agent.id).last_login_at is not None


def test_wrong_password_shows_a_polish_error(client, agent):
    response = _login(client, password="zle-haslo-123")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nieprawidłowy adres e-mail lub hasło." in html
    assert 'value="anna@sklep.pl"' in html  # the e-mail is kept, the password is not
    assert "zle-haslo-123" not in html
    assert client.get("/").status_code == 302


def test_unknown_email_gets_the_same_message(client, agent):
    html = _login(client, email="ktos@sklep.pl").get_data(as_text=True)
    assert "Nieprawidłowy adres e-mail lub hasło." in html


def test_empty_form_asks_for_both_fields(client):
    html = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Podaj adres e-mail i hasło." in html


def test_rate_limit_blocks_even_the_right_password(app, client, agent):
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        assert "Nieprawidłowy" in _login(client, password="zle-haslo-123").get_data(as_text=True)
    blocked = _login(client)
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Zbyt wiele nieudanych prób logowania" in blocked.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still anonymous


def test_rate_limit_per_address_spans_emails(app, client, agent):
    app.config["LOGIN_ADDRESS_MAX_FAILURES"] = 5
    for n in range(5):
        _login(client, email=f"proba{n}@sklep.pl")
    blocked = _login(client)
    assert blocked.status_code == 429
    assert "Zbyt wiele nieudanych prób logowania z tej sieci" in blocked.get_data(as_text=True)
    other_address = client.post(
        "/login",
        data={"email": "anna@sklep.pl", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert other_address.status_code == 302


@pytest.mark.parametrize("target", ["/accounts/?page=2", "/sync/"])
def test_next_goes_to_a_local_page(client, agent, target):
    assert _login(client, next=target).location == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/\r\nSet-Cookie: x=1",
        "",
    ],
)
def test_next_refuses_other_sites(client, agent, target):
    response = _login(client, next=target)
    assert response.status_code == 302
    assert response.location == "/"


def test_next_survives_the_login_form(client):
    html = client.get("/login?next=/sync/").get_data(as_text=True)
    assert 'name="next" value="/sync/"' in html
    html = client.get("/login?next=https://evil.example/").get_data(as_text=True)
    assert 'name="next" value="https://evil.example/"' not in html


def test_anonymous_visitor_is_sent_to_login_with_next(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    page = client.get(response.location)
    assert "Zaloguj się, aby kontynuować." in page.get_data(as_text=True)


def test_signed_in_agent_skips_the_login_form(client, agent):
    _login(client)
    assert client.get("/login").location == "/"


def test_logout(client, agent):
    _login(client)
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.location == "/login"
    assert "Wylogowano." in client.get("/login").get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_logout_needs_post(client, agent):
    _login(client)
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_disabled_agent_is_refused_with_a_polish_message(client, agent):
    agent.is_active_flag = False
    db.session.commit()
    html = _login(client).get_data(as_text=True)
    assert "To konto jest wyłączone." in html
    assert client.get("/").status_code == 302


def test_stored_language_is_restored_at_sign_in(client, agent):
    auth.set_agent_locale(agent.id, "en")
    _login(client)
    assert "Hello, Anna Nowak" in client.get("/").get_data(as_text=True)
