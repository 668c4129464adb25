"""Security headers, sign-in everywhere, the health check and CSRF refusal."""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from cryptography.fernet import Fernet

from desk import create_app
from desk.config import TestConfig
from desk.extensions import db
from desk.models import Role
from desk.services.accounts import auth

PASSWORD = "Sekretne-Haslo-2026"
CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"


@contextmanager
def _desk(fake_allegro, **overrides):
    """A desk app like the shared `app` fixture, with some settings changed."""
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    settings.update(
        SQLALCHEMY_DATABASE_URI="sqlite://",
        ALLEGRO_BACKEND="http",
        ALLEGRO_API_URL=fake_allegro.url,
        ALLEGRO_AUTH_URL=fake_allegro.url,
        **overrides,
    )
    app = create_app(settings)
    with app.app_context():
        db.create_all()
        try:
            yield app
        finally:
            db.session.remove()
            db.drop_all()


def _signed_in(client):
    auth.create_agent(email="anna@sklep.pl", name="Anna Nowak", password=PASSWORD, role=Role.ADMIN)
    assert client.post("/login", data={"email": "anna@sklep.pl", "password": PASSWORD}).status_code == 302
    return client


def _assert_security_headers(response):
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/login", "/healthz", "/static/css/desk.css", "/", "/no-such-page"])
def test_every_response_carries_security_headers(client, path):
    response = client.get(path)
    _assert_security_headers(response)
    response.close()  # static files are streamed from an open file


def test_pages_behind_login_carry_headers_and_are_not_cached(client):
    page = _signed_in(client).get("/")
    assert page.status_code == 200
    _assert_security_headers(page)
    assert page.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in page.headers


def test_csv_exports_of_buyer_data_are_not_cached(client):
    export = _signed_in(client).get("/ratings/export.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    _assert_security_headers(export)
    assert export.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(client):
    response = client.get("/static/js/desk.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_production_adds_hsts(fake_allegro, tmp_path):
    with _desk(
        fake_allegro,
        ENV_NAME="production",
        PRIVACY_KEY_DIR=str(tmp_path),
        CARRIERS_BACKEND="http",
        SECRET_KEY="production-secret-for-tests",
        TOKEN_ENCRYPTION_KEY=Fernet.generate_key().decode(),
    ) as app:
        response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    _assert_security_headers(response)


def test_healthz_is_public_and_pings_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"
    assert response.mimetype == "text/plain"


@pytest.mark.parametrize("path", ["/", "/accounts/", "/sync/", "/no-such-page"])
def test_anonymous_requests_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_anonymous_post_is_sent_to_login(client):
    assert client.post("/logout").location.startswith("/login")


def test_polish_error_pages(client):
    _signed_in(client)
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    html = missing.get_data(as_text=True)
    assert "Nie znaleziono strony" in html
    assert "Wróć do strony startowej" in html
    wrong_method = client.put("/")
    assert wrong_method.status_code == 405
    assert "Niedozwolone" in wrong_method.get_data(as_text=True)


def test_post_without_csrf_token_is_refused_in_polish(fake_allegro):
    with _desk(fake_allegro, WTF_CSRF_ENABLED=True) as app:
        client = app.test_client()
        refused = client.post("/login", data={"email": "anna@sklep.pl", "password": PASSWORD})
        assert refused.status_code == 400
        html = refused.get_data(as_text=True)
        assert "Formularz wygasł" in html
        assert "brakuje jego tokenu bezpieczeństwa" in html
        _assert_security_headers(refused)


def test_post_with_the_form_token_is_accepted(fake_allegro):
    with _desk(fake_allegro, WTF_CSRF_ENABLED=True) as app:
        auth.create_agent(email="anna@sklep.pl", name="Anna Nowak", password=PASSWORD, role="agent")
        client = app.test_client()
        form = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        signed_in = client.post(
            "/login", data={"email": "anna@sklep.pl", "password": PASSWORD, "csrf_token": token}
        )
        assert signed_in.status_code == 302
        assert signed_in.location == "/"
        assert client.post("/logout").status_code == 400  # every form needs its token, logout too
