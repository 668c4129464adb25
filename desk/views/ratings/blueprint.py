"""The ratings blueprint, its template context and what the agents' and owners' pages share.

The routes live in pages.py (agents' pages) and owner.py (owners' pages); they register on `bp`.
"""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app
from flask_babel import format_decimal
from flask_login import current_user

from desk.models import Role
from desk.models.rating import RATING_TEXT_MAX
from desk.orm import utcnow
from desk.services.ratings import actions as rating_actions
from desk.services.ratings import listing as ratings
from desk.views import labels
from desk.views.access import visible_account_ids
from desk.views.catalog import translated
from desk.views.errors import write_error

bp = Blueprint("ratings", __name__, url_prefix="/ratings")
WARSAW = ZoneInfo("Europe/Warsaw")
OWNERS = (Role.OWNER, Role.ADMIN)


@bp.context_processor
def _labels() -> dict[str, Any]:
    return translated(labels.FOR_RATINGS) | {
        "rating_write_error": write_error,
        "text_max": RATING_TEXT_MAX,
        "is_owner": current_user.is_authenticated and current_user.role in OWNERS,
        "new_negative_count": ratings.new_negative_count(visible_account_ids())
        if current_user.is_authenticated else 0,
        "now": utcnow(),
        "deadline_text": rating_actions.format_deadline,
        "url_endpoints": current_app.view_functions,
        "pct": percent,
        "stars": stars,
    }


def percent(value: float | None) -> str:
    """97,5 % (Polish) or 97.5 % (English); a dash when there is nothing to count."""
    return "—" if value is None else format_decimal(value, format="0.0") + "\u00a0%"


def stars(value: float | None) -> str:
    return "—" if value is None else format_decimal(value, format="0.00")
