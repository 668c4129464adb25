"""Signing in and out of the desk."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext, refresh
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from desk.services.accounts import auth as auth_service
from desk.services.errors import DeskError, RateLimitedError
from desk.views.errors import message_for
from desk.views.security import safe_redirect_target
from desk.wiring import Settings, settings

bp = Blueprint("auth", __name__)

# A browser that has signed in keeps this cookie: with the right password it passes a lockout of the
# e-mail caused by failures elsewhere (desk/services/accounts/throttle.py).
DEVICE_COOKIE = "desk_device"


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
        signed_in = auth_service.authenticate(
            email,
            password,
            remote_addr=request.remote_addr,
            device_token=_device_token(),
            policy=cfg.login,
            profile=cfg.password_profile,
        )
    except RateLimitedError as error:
        flash(message_for(error), "error")
        return _form(email=email, next_url=next_url), 429, {"Retry-After": str(error.retry_after)}
    except DeskError as error:
        flash(message_for(error), "error")
        return _form(email=email, next_url=next_url)
    return _signed_in(signed_in, next_url=next_url, cfg=cfg)


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


def _signed_in(signed_in: auth_service.SignIn, *, next_url: str | None, cfg: Settings) -> Response:
    """Start the session in the agent's language and keep this browser known; go on to `next`."""
    agent = signed_in.agent
    login_user(agent)
    session.permanent = True
    if agent.locale and "locale" not in session:
        session["locale"] = agent.locale
        refresh()
    response = redirect(next_url or url_for("home.index"))
    response.set_cookie(
        DEVICE_COOKIE,
        _device_signer().dumps(signed_in.device_token),
        max_age=cfg.login.known_device_days * 24 * 3600,
        path=url_for("auth.login"),  # only the sign-in form reads it
        secure=cfg.production,
        httponly=True,
        samesite="Lax",
    )
    return response


def _device_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="desk.known-device")


def _device_token() -> str | None:
    """The known-device token this browser sent, if its signature holds."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return None
    try:
        token = _device_signer().loads(cookie)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None

