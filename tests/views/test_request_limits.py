"""A request body over the limit is refused before it is read, with a Polish page."""

from __future__ import annotations

from flask import url_for


def test_an_anonymous_oversized_login_is_refused_unread_in_polish(app, client):
    body = b"email=a%40b.pl&password=" + b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        url_for("auth.login"), data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Za dużo danych" in html and "ponad 12 MB" in html


def test_the_limit_is_a_setting(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 12 * 1024 * 1024
