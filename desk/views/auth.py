"""Signing in and out of the desk."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext, refresh
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from desk.services.accounts import auth as auth_service
from desk.services.errors import DeskError, RateLimitedError
from desk.views.errors import message_for
from desk.views.security import safe_redirect_target
from desk.wiring import settings

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int, dict[str, str]]:
    """Show the sign-in form; on POST check the credentials and go on to `next` or the start page."""
    next_url = safe_redirect_target(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("home.index"))
    if request.method == "GET":
        return _form(email="", next_url=next_url)
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    if not email or not password:
        flash(gettext("Enter your e-mail address and password."), "error")
        return _form(email=email, next_url=next_url)
    cfg = settings()
    try:
        agent = auth_service.authenticate(
            email,
            password,
            remote_addr=request.remote_addr,
            max_attempts=cfg.login_max_attempts,
            window_seconds=cfg.login_window_seconds,
            profile=cfg.password_profile,
        )
    except RateLimitedError as error:
        flash(message_for(error), "error")
        return _form(email=email, next_url=next_url), 429, {"Retry-After": str(error.retry_after)}
    except DeskError as error:
        flash(message_for(error), "error")
        return _form(email=email, next_url=next_url)
    login_user(agent)
    session.permanent = True
    if agent.locale and "locale" not in session:
        session["locale"] = agent.locale
        refresh()
    return redirect(next_url or url_for("home.index"))


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Sign the agent out everywhere (every copy of the session cookie) and go back to the sign-in form."""
    if current_user.is_authenticated:
        auth_service.end_sessions(current_user.id)
    logout_user()
    flash(gettext("You have been signed out."), "success")
    return redirect(url_for("auth.login"))


def _form(*, email: str, next_url: str | None) -> str:
    return render_template("auth/login.html", email=email, next_url=next_url or "")
