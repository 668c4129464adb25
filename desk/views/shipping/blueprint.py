"""The shipping blueprint, its template context and what its pages share."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint
from flask_babel import gettext

from desk.models import Role
from desk.orm import utcnow
from desk.services import shipping
from desk.views import labels
from desk.views.catalog import translated

bp = Blueprint("shipping", __name__, url_prefix="/shipping")
WARSAW = ZoneInfo("Europe/Warsaw")
OWNERS = (Role.OWNER, Role.ADMIN)
CARRIER_NAMES = {"inpost": "InPost", "dpd": "DPD", "poczta": "Poczta Polska", "allegro": "Wysyłam z Allegro"}


def today() -> dt.date:
    """The day in Poland: a price list's days are Polish calendar days."""
    return utcnow().astimezone(WARSAW).date()


def field_errors(errors: Mapping[str, tuple[str, dict]]) -> dict[str, list[str]]:
    """{field: [the message in the current language]} from a service's (message, params) problems."""
    return {name: [gettext(message, **params)] for name, (message, params) in errors.items()}


@bp.context_processor
def _labels() -> dict[str, Any]:
    return translated(labels.FOR_PRICES) | {
        "service_names": shipping.service_names(),
        "carrier_options": [(key, CARRIER_NAMES.get(key, key)) for key in shipping.carriers()],
    }
