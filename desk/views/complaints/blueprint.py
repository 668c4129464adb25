"""The complaints blueprint (Reklamacje), what its pages share: labels, form errors, uploads, roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, request
from flask_babel import format_date, gettext
from flask_login import current_user

from desk.models import Role
from desk.services.complaints import FormErrors, Upload
from desk.services.shared.workdays import WARSAW
from desk.views.catalog import translated
from desk.views.complaint_labels import FOR_COMPLAINTS
from desk.views.shipping.blueprint import CARRIER_NAMES

bp = Blueprint("complaints", __name__, url_prefix="/complaints")


def day(value: dt.date | dt.datetime | None) -> str:
    """A day as Polish (or English) people write it; a moment is shown as its day in Poland."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.astimezone(WARSAW).date()
    return format_date(value, "short")


@bp.context_processor
def _context() -> dict[str, Any]:
    return translated(FOR_COMPLAINTS) | {"day": day, "carrier_names": CARRIER_NAMES, "is_admin": is_admin()}


def is_admin() -> bool:
    """The broker's administrators handle complaints; sellers' agents and owners write them."""
    return current_user.is_authenticated and current_user.role == Role.ADMIN


def admins_only() -> None:
    if not is_admin():
        abort(403)


def field_errors(error: FormErrors) -> dict[str, list[str]]:
    """{field: [its message in the current language]} (parameters that are messages translated too)."""
    found = {}
    for name, (message, params) in error.fields.items():
        params = {key: gettext(value) if isinstance(value, str) else value for key, value in params.items()}
        found[name] = [gettext(message, **params)]
    return found


def uploads(prefix: str = "file") -> list[Upload]:
    """Files of a form: `file-N` inputs, each with its document kind in `doc_type-N`."""
    found = []
    for name, storage in request.files.items(multi=True):
        if not name.startswith(prefix) or not storage or not storage.filename:
            continue
        suffix = name[len(prefix) :]
        found.append(Upload(storage.filename, storage.read(), request.form.get(f"doc_type{suffix}", "")))
    return found
