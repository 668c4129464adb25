"""The issues blueprint, its template context and the helpers its pages show values with.

The routes live in pages.py (agents' pages) and templates.py (reply templates); they register on `bp`.
"""
from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from flask import Blueprint, current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context

from desk.services.issues import inbox as issues
from desk.services.issues import templates as issue_templates
from desk.views import labels
from desk.views.access import visible_account_ids
from desk.views.catalog import catalog_for, translated
from desk.views.errors import write_error

bp = Blueprint("issues", __name__, url_prefix="/issues")
issue_write_error = partial(write_error, area=labels.ISSUE_WRITE_ERRORS)


@bp.context_processor
def _context() -> dict[str, Any]:
    return translated(labels.FOR_ISSUES) | {
        "duration": duration,
        "count_label": count_label,
        "write_error": issue_write_error,
        "placeholders": issue_templates.PLACEHOLDERS,
        "history_value": history_value,
        "has_orders": "orders.detail" in current_app.view_functions,
    }


def history_value(value: str | None) -> str:
    """A stored history value for people: times in Warsaw time, booleans as yes/no."""
    if value in (None, ""):
        return "—"
    if value in ("True", "False"):
        return _("yes") if value == "True" else _("no")
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return format_datetime(when, "short") if when.tzinfo else value


@bp.app_context_processor
def _nav_badge() -> dict[str, Any]:
    # A callable, so the count query runs only where a template shows it.
    def issues_nav_badge(known: int | None = None) -> str:
        """"" when nothing waits for us, else the count ("1000+" beyond the cap). `known`: the
        count the page has already made (the inbox counts its queues)."""
        if not current_user.is_authenticated:
            return ""
        waiting = known if known is not None else issues.needs_reply_count(visible_account_ids())
        return count_label(waiting) if waiting else ""

    return {"issues_nav_badge": issues_nav_badge}


def count_label(count: int) -> str:
    """A queue count as shown: "0", "17", or "1000+" beyond what the desk counts."""
    return f"{issues.COUNT_CAP}+" if count > issues.COUNT_CAP else str(count)


@pass_context
def duration(context: Context, delta: dt.timedelta) -> str:
    """A span as "2 dni 3 godz." / "3 godz. 20 min" / "5 min" (sign ignored); for templates (the
    render's catalog translates it)."""
    catalog = catalog_for(context)
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(catalog.ungettext("%(num)d day", "%(num)d days", days) % {"num": days})
    if hours or days:
        parts.append(catalog.ugettext("%(num)d h") % {"num": hours})
    if not days:
        parts.append(catalog.ugettext("%(num)d min") % {"num": mins})
    return " ".join(parts)
