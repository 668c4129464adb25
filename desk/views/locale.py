"""Switching the interface language (Polish by default, English on request)."""
from __future__ import annotations

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext, refresh
from flask_login import current_user
from werkzeug.wrappers import Response

from desk.services import accounts
from desk.views.security import safe_redirect_target
from desk.wiring import settings


def set_locale() -> Response:
    """Store the chosen language in the session (and on the agent) and go back to `next`."""
    locale = request.form.get("locale", "")
    if locale in settings().languages:
        session["locale"] = locale
        refresh()  # Flask-Babel caches the locale per context; drop it so nothing renders stale
        if current_user.is_authenticated:
            accounts.set_agent_locale(current_user.id, locale)
    else:
        flash(gettext("Unsupported language."), "error")
    return redirect(safe_redirect_target(request.form.get("next")) or url_for("home.index"))
