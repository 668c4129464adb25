"""The cash-on-delivery blueprint, its template context, and how a payment's arrival is put in words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint
from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from desk.models.cod import ShipmentCod
from desk.orm import utcnow
from desk.services.billing.cod.report import Arrival
from desk.services.shared.workdays import warsaw_date
from desk.views import labels
from desk.views.catalog import translated

bp = Blueprint("cod", __name__, url_prefix="/cod")


def today() -> dt.date:
    """The day in Poland: payout days are Polish working days."""
    return warsaw_date(utcnow())


def day(value: dt.date | None) -> str:
    """A payout day as people read it: "pon., 7.12.2026"."""
    return format_date(value, "EEE, d.MM.yyyy") if value else "—"


def arrival_text(item: ShipmentCod, arrival: Arrival) -> str:
    """When the seller gets the money of `item`, in words."""
    kind, on = arrival.kind, arrival.on
    if kind == "after_delivery":
        return ngettext(
            "%(num)s working day after delivery", "%(num)s working days after delivery", item.tier
        )
    texts = {
        "on": lambda: _("on %(day)s", day=day(on)),
        "late": lambda: _("late: the carrier has not remitted it yet"),
        "next_payout": lambda: _("with the next payout (%(day)s)", day=day(on)),
        "in_transfer": lambda: _("in the payout being sent (%(day)s)", day=day(on)),
        "held": lambda: _("held: the account's payouts are withheld"),
        "paid": lambda: _("paid on %(day)s", day=day(on)),
        "wallet": lambda: _("to the Allegro wallet (Allegro pays it)"),
    }
    return texts[kind]() if kind in texts else "—"


@bp.context_processor
def _context() -> dict[str, Any]:
    return translated(labels.FOR_COD) | {"arrival_text": arrival_text, "day": day}
