"""Parcels: the stuck-parcel list (with its badge in the navigation) and the shipments CSV export.

Every page shows only the parcels of the accounts the agent may see. The parcels' label tables and
the note for the buyer are offered to every template: the order page and the buyer side panel of
conversations show an order's parcels too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from desk.services.shared.ttl import TtlCache
from desk.services.shipping.tracking import export as shipment_export
from desk.services.shipping.tracking import stuck
from desk.views.access import account_options, visible_account_ids
from desk.views.catalog import translated
from desk.views.query_args import parse_day, parse_id
from desk.views.shipping import parcel_labels
from desk.wiring.parcels import stuck_rules

bp = Blueprint("parcels", __name__, url_prefix="/parcels")
WARSAW = ZoneInfo("Europe/Warsaw")
FILTER_ARGS = ("reason", "carrier", "account")
# Parcels become stuck over working days, not seconds: every page's badge is counted at most once a
# minute per set of visible accounts (kept per app), instead of on each page of every agent.
BADGES = "desk.parcel_badges"
BADGE_SECONDS = 60.0


@bp.app_context_processor
def _context() -> dict[str, Any]:
    # Callables and tables for every page: the order page and the conversations' side panel show
    # parcels too. The badge's query runs only where a template calls it.
    def parcels_nav_badge() -> str:
        if not current_user.is_authenticated:
            return ""
        accounts = visible_account_ids()
        key = None if accounts is None else frozenset(accounts)
        badges = current_app.extensions.setdefault(BADGES, TtlCache(BADGE_SECONDS))
        count = badges.get_or_load(key, lambda: stuck.stuck_count(stuck_rules(), accounts))
        return f"{stuck.BADGE_CAP}+" if count > stuck.BADGE_CAP else str(count) if count else ""

    return translated(parcel_labels.FOR_PARCELS) | {
        "parcels_nav_badge": parcels_nav_badge,
        "parcel_note": parcel_labels.buyer_note,
    }


@bp.get("/")
def index():
    return redirect(url_for(".stuck_list"))


@bp.get("/stuck")
def stuck_list():
    args = {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}
    filters = stuck.StuckFilters(
        reason=args.get("reason") if args.get("reason") in stuck.REASONS else None,
        carrier=args.get("carrier") if args.get("carrier") in parcel_labels.CARRIERS else None,
        account_id=parse_id(args.get("account")),
    )
    after = request.args.get("after")
    page = stuck.list_stuck(stuck_rules(), filters=filters, account_ids=visible_account_ids(), after=after)
    return render_template(
        "parcels/stuck.html",
        page=page,
        args=args,
        account_options=account_options(),
        next_url=url_for(".stuck_list", **args, after=page.next_cursor) if page.next_cursor else None,
        prev_url=url_for(".stuck_list", **args) if after else None,  # back to the first page
    )


@bp.get("/export.csv")
def export():
    """The date-range form, or (with a valid range) the CSV of the shipments ordered in it."""
    form = {name: (request.args.get(name) or "").strip() for name in ("from", "to")}
    if not any(form.values()):
        return render_template("parcels/export.html", form=form, errors={})
    days, errors = parse_range(form)
    if errors:
        return render_template("parcels/export.html", form=_shown(form), errors=errors), 422
    day_from, day_to = days
    chunks = shipment_export.export_csv(
        day_from=day_from, day_to=day_to, account_ids=visible_account_ids(),
        headings=parcel_labels.strings(parcel_labels.EXPORT_HEADINGS), words=_export_words(),
    )
    name = f"przesylki-{day_from:%Y%m%d}-{day_to:%Y%m%d}.csv"
    return Response(
        stream_with_context(chunks), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def parse_range(form: Mapping[str, str]) -> tuple[tuple[dt.date, dt.date] | None, dict[str, str]]:
    """(from, to) days of the export form, or the error of each field that is wrong."""
    errors: dict[str, str] = {}
    days: dict[str, dt.date | None] = {}
    for name in ("from", "to"):
        days[name] = parse_day(form.get(name, "")) if form.get(name) else None
        if not form.get(name):
            errors[name] = _("Enter a date.")
        elif days[name] is None:
            errors[name] = _("Enter a date such as 31.05.2024.")
    day_from, day_to = days["from"], days["to"]
    if day_from and day_to:
        if day_to < day_from:
            errors["to"] = _("The end date must not be before the start date.")
        elif (day_to - day_from).days >= shipment_export.MAX_DAYS:
            errors["to"] = _("Export at most %(days)d days at a time.", days=shipment_export.MAX_DAYS)
    if errors or day_from is None or day_to is None:
        return None, errors
    return (day_from, day_to), {}


def _shown(form: Mapping[str, str]) -> dict[str, str]:
    """The form's values as typed, but a day that was read as the date input's ISO value (a date input
    shows nothing for 09.11.2026)."""
    days = {name: parse_day(text) for name, text in form.items()}
    return {name: days[name].isoformat() if days[name] else text for name, text in form.items()}


def _export_words() -> dict[str, str]:
    """Names by "carrier:<key>", "status:<status>" and "state:<tracking state>"."""
    tables = {
        "carrier": parcel_labels.CARRIERS,
        "status": parcel_labels.strings(parcel_labels.SHIPMENT_STATUSES),
        "state": parcel_labels.strings(parcel_labels.TRACKING_STATES),
    }
    return {f"{kind}:{code}": label for kind, table in tables.items() for code, label in table.items()}
