"""Sign-in throttling through the login form: per address, known devices, and the desk behind a proxy."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from desk import create_app
from desk.config import ConfigError, TestConfig
from desk.extensions import db
from desk.models import KnownDevice, LoginAttempt, Role
from desk.services.accounts import auth
from desk.views.auth import DEVICE_COOKIE

PASSWORD = "Sekretne-Haslo-2026"
OFFICE = "192.0.2.10"
HOME = "198.51.100.7"


@pytest.fixture
def agent(app):
    """An active support agent with a known password."""
    return auth.create_agent(email="anna@sklep.pl", name="Anna Nowak", password=PASSWORD, role=Role.AGENT)


def _login(app, client, addr, *, password=PASSWORD, email="anna@sklep.pl", headers=None):
    """POST the form from `addr`, in an app context of its own as on a real server (the test's context
    would otherwise keep a signed-in agent in `g` for the next client)."""
    with app.app_context():
        return client.post(
            "/login",
            data={"email": email, "password": password},
            environ_base={"REMOTE_ADDR": addr},
            headers=headers or {},
        )


def _wait(seconds: int) -> None:
    """Move every recorded failure `seconds` into the past."""
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.at -= dt.timedelta(seconds=seconds)
    db.session.commit()


def _lock_email(app, client) -> None:
    """Someone guesses Anna's password from two addresses; the e-mail's ceiling is set to their count."""
    app.config["LOGIN_EMAIL_MAX_FAILURES"] = 8
    for addr in ("203.0.113.1", "203.0.113.2"):
        for _ in range(4):
            assert _login(app, client, addr, password="zle-haslo-123").status_code == 200


def _known_browser(app, addr=HOME):
    """A browser where Anna has signed in (and out again): it holds the known-device cookie."""
    browser = app.test_client()
    assert _login(app, browser, addr).status_code == 302
    with app.app_context():
        browser.post("/logout")
    assert browser.get_cookie(DEVICE_COOKIE, domain="desk.test", path="/login") is not None
    return browser


def _tampered(value: str) -> str:
    """The signed cookie with one character of its payload changed."""
    return ("A" if value[0] != "A" else "B") + value[1:]


def test_failures_from_one_address_do_not_lock_the_agent_out_of_another(app, client, agent):
    for _ in range(6):
        _login(app, client, OFFICE, password="zle-haslo-123")
    assert _login(app, client, OFFICE).status_code == 429
    assert _login(app, app.test_client(), HOME).status_code == 302


def test_retry_after_grows_for_the_same_email_and_address(app, client, agent):
    waits = []
    for failures in (5, 1, 1):
        for _ in range(failures):
            _login(app, client, OFFICE, password="zle-haslo-123")
        refused = _login(app, client, OFFICE)
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        html = refused.get_data(as_text=True)
        assert "Zbyt wiele nieudanych prób logowania." in html
        _wait(waits[-1])
    assert 28 <= waits[0] <= 30 and 58 <= waits[1] <= 60
    assert "Spróbuj ponownie za 2 min." in html  # the third wait, 120 s
    assert _login(app, client, OFFICE).status_code == 302


def test_signing_in_makes_the_browser_a_known_device(app, client, agent):
    response = _login(app, client, HOME)
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{DEVICE_COOKIE}="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/login" in cookie
    assert f"Max-Age={180 * 24 * 3600}" in cookie
    assert "Secure" not in cookie  # development runs on plain http
    device = db.session.scalars(select(KnownDevice)).one()
    value = cookie.split(";")[0].split("=", 1)[1]
    assert device.agent_id == agent.id and device.token_hash not in value


def test_the_device_cookie_is_secure_in_production(app, client, agent):
    app.config["ENV_NAME"] = "production"
    response = _login(app, client, HOME)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{DEVICE_COOKIE}="))
    assert "Secure" in cookie


def test_a_known_device_passes_a_lockout_of_the_email_an_unknown_one_does_not(app, client, agent):
    known = _known_browser(app)
    _lock_email(app, client)
    refused = _login(app, app.test_client(), HOME)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 3000
    assert "Zbyt wiele nieudanych prób logowania na ten adres e-mail" in refused.get_data(as_text=True)
    assert _login(app, known, HOME, password="zle-haslo-123").status_code == 200  # still checked
    assert _login(app, known, HOME).status_code == 302


def test_a_tampered_device_cookie_is_not_a_known_device(app, client, agent):
    known = _known_browser(app)
    value = known.get_cookie(DEVICE_COOKIE, domain="desk.test", path="/login").value
    forged = app.test_client()
    forged.set_cookie(DEVICE_COOKIE, _tampered(value), domain="desk.test", path="/login")
    _lock_email(app, client)
    assert _login(app, forged, HOME).status_code == 429


def test_a_new_password_revokes_known_devices(app, client, agent):
    known = _known_browser(app)
    auth.set_password(email="anna@sklep.pl", password="Nowe-Haslo-2026!")
    _lock_email(app, client)
    assert _login(app, known, HOME, password="Nowe-Haslo-2026!").status_code == 429


def _app_behind_proxies(app, proxies: int):
    overrides = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    for key in ("SQLALCHEMY_DATABASE_URI", "ALLEGRO_BACKEND", "ALLEGRO_API_URL", "ALLEGRO_AUTH_URL"):
        overrides[key] = app.config[key]
    return create_app({**overrides, "TRUSTED_PROXIES": proxies})


@pytest.fixture
def proxied(app):
    """The desk behind one trusted reverse proxy, on the test's database."""
    behind = _app_behind_proxies(app, 1)
    yield behind
    with behind.app_context():
        db.engine.dispose()


def _addresses() -> list[str]:
    return list(db.session.scalars(select(LoginAttempt.address).order_by(LoginAttempt.id)))


def test_behind_a_trusted_proxy_the_address_comes_from_x_forwarded_for(proxied, agent):
    client = proxied.test_client()
    # The proxy appends the address it saw; what the client claimed before it is not believed.
    spoofed = {"X-Forwarded-For": "10.9.9.9, 203.0.113.5", "X-Forwarded-Proto": "https"}
    _login(proxied, client, "127.0.0.1", password="zle-haslo-123", headers=spoofed)
    assert _addresses() == ["203.0.113.5"]
    fix = proxied.wsgi_app
    assert isinstance(fix, ProxyFix) and (fix.x_for, fix.x_proto, fix.x_host) == (1, 1, 1)


def test_behind_a_proxy_users_are_throttled_apart(proxied, agent):
    client = proxied.test_client()
    for _ in range(6):
        _login(proxied, client, "127.0.0.1", password="zle-haslo-123", headers={"X-Forwarded-For": OFFICE})
    assert _login(proxied, client, "127.0.0.1", headers={"X-Forwarded-For": OFFICE}).status_code == 429
    assert _login(proxied, client, "127.0.0.1", headers={"X-Forwarded-For": HOME}).status_code == 302


def test_without_trusted_proxies_x_forwarded_for_is_ignored(app, client, agent):
    assert app.config["TRUSTED_PROXIES"] == 0
    assert not isinstance(app.wsgi_app, ProxyFix)
    _login(app, client, OFFICE, password="zle-haslo-123", headers={"X-Forwarded-For": "203.0.113.5"})
    assert _addresses() == [OFFICE]


def test_a_negative_number_of_proxies_is_refused(app):
    with pytest.raises(ConfigError):
        _app_behind_proxies(app, -1)
