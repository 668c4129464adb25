"""Sign-in everywhere, security headers on every response, a health check, safe redirects."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import text

from desk.extensions import db, login_manager
from desk.models import Agent
from desk.services import accounts
from desk.services.errors import N_
from desk.views.query_args import parse_id
from desk.wiring import settings

F = TypeVar("F", bound=Callable)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
)
# Endpoints anyone may reach; views elsewhere can join with the @public decorator.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "static", "healthz", "home.set_locale"})
# The desk uses no device or payment features; nothing it embeds may ask for them.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)


def public(view: F) -> F:
    """Let anonymous visitors reach this view (everything else needs a signed-in agent)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def init_app(app: Flask) -> None:
    """Require sign-in for every view, add security headers, serve /healthz."""
    login_manager.user_loader(_load_agent)
    # Flask-Login stores the message in the session, so it must be a plain string translated late.
    login_manager.login_message = N_("Sign in to continue.")
    login_manager.localize_callback = gettext
    login_manager.login_message_category = "warning"
    app.add_url_rule("/healthz", "healthz", healthz)
    app.before_request(_require_login)
    app.after_request(_security_headers)


def healthz() -> tuple[str, int, dict[str, str]]:
    """Liveness and database reachability for load balancers and monitoring."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure means "not healthy"; the reason goes to the log
        current_app.logger.exception("health check: database unreachable")
        return "database unreachable", 503, {"Content-Type": "text/plain; charset=utf-8"}
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


def is_public_endpoint(endpoint: str | None) -> bool:
    """True when the endpoint is open to anonymous visitors."""
    if endpoint is None:
        return False
    if endpoint in PUBLIC_ENDPOINTS or endpoint.endswith(".static"):
        return True
    return getattr(current_app.view_functions.get(endpoint), "is_public", False)


def safe_redirect_target(target: str | None) -> str | None:
    """Return `target` if it is a same-site relative path, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _load_agent(session_id: str) -> Agent | None:
    """The signed-in agent while the session's generation is the agent's current one: signing out,
    a new password or deactivation end every copy of the session at once."""
    agent_id, _, generation = (session_id or "").partition(".")
    key = parse_id(agent_id)
    agent = accounts.get_agent(key) if key is not None else None
    if agent is None or not agent.is_active or generation != str(agent.session_generation):
        return None
    return agent


def _require_login() -> Response | None:
    if current_user.is_authenticated or is_public_endpoint(request.endpoint):
        return None
    return login_manager.unauthorized()


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    if settings().production:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Pages, CSV exports and attachments carry buyers' personal data: no browser or proxy may keep
    # a copy. Only what anyone may fetch (the login page, static files) may be cached.
    if not is_public_endpoint(request.endpoint):
        headers["Cache-Control"] = "no-store"
    return response
