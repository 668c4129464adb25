"""Owners' page of the access log (G7/G9): who saw which buyer's data, filtered by buyer, agent,
entity, account, address and dates, with counts per data class and per seller account, and CSV exports.

Reading the log by buyer or agent is a lookup of personal data itself, so each filtered view and each
export writes its own log row (the query kept as the filters' summary). No route writes or deletes rows.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from flask import Response, render_template, request, stream_with_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from desk.extensions import db
from desk.models import AccessAction, Agent
from desk.services.privacy import access_queries as queries
from desk.services.privacy.access_entities import ENTITY_TYPES
from desk.services.privacy.access_log import DATA_CLASSES
from desk.views.access import account_options, owners_only
from desk.views.pii import pii, searched
from desk.views.privacy.blueprint import bp, section
from desk.views.query_args import date_range, parse_id

WARSAW = ZoneInfo("Europe/Warsaw")
FILTER_ARGS = (
    "buyer", "agent", "entity_type", "entity_id", "account", "ip", "action", "date_from", "date_to",
)

ENTITY_LABELS = {
    "order": _l("Order"), "issue": _l("Conversation"), "rating": _l("Rating"), "shipment": _l("Parcel"),
    "complaint": _l("Complaint"), "parcel_return": _l("Returned parcel"),
    "shipment_cod": _l("Cash on delivery"),
}
ACTION_LABELS = {
    AccessAction.VIEW: _l("Viewed"), AccessAction.LIST: _l("Listed"), AccessAction.REVEAL: _l("Revealed"),
    AccessAction.SEARCH: _l("Search"), AccessAction.EXPORT: _l("Exported"),
    AccessAction.DOWNLOAD: _l("Downloaded"),
}
CLASS_LABELS = {
    "identity": _l("Identity"), "contact": _l("Contact"), "address": _l("Address"),
    "free_text": _l("Messages and notes"), "bank": _l("Bank data"), "file": _l("Files"),
}

section("privacy.access_log", _l("Access log"),
        _l("Who saw which buyer's data: filter by buyer, agent, order or dates; export to CSV."))


def parse_filters(args: Mapping[str, str]) -> tuple[queries.AccessFilters, list[str]]:
    """The log's filters from the query string, and the names of values that could not be read."""
    invalid: list[str] = []
    days = date_range(args, invalid)
    buyer = (args.get("buyer") or "").strip()[:120]
    entity_type = args.get("entity_type") if args.get("entity_type") in ENTITY_TYPES else None
    action = args.get("action") if args.get("action") in {a.value for a in AccessAction} else None
    return queries.AccessFilters(
        agent_id=parse_id(args.get("agent")),
        buyer_refs=queries.buyer_refs_for(buyer) if buyer else None,
        entity_type=entity_type,
        entity_id=parse_id(args.get("entity_id")) if entity_type else None,
        ip=(args.get("ip") or "").strip()[:45] or None,
        account_id=parse_id(args.get("account")),
        action=AccessAction(action) if action else None,
        start=_moment(days["date_from"]),
        end=_moment(days["date_to"] + dt.timedelta(days=1)) if days["date_to"] else None,
    ), invalid


def _moment(day: dt.date | None) -> dt.datetime | None:
    """Midnight of a Warsaw day, in UTC."""
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(), tzinfo=WARSAW).astimezone(dt.UTC)


def _args() -> dict[str, str]:
    values = {name: (request.args.get(name) or "").strip() for name in FILTER_ARGS}
    return {name: value for name, value in values.items() if value}


def _summary(args: Mapping[str, str]) -> str:
    """The filters as the log keeps them for a lookup of the log itself."""
    return " ".join(f"{name}={value}" for name, value in sorted(args.items()))


@bp.get("/access-log")
@owners_only
@pii("access_log", classes=("identity",), action="search")
def access_log():
    """The log, newest first, with the counts of what the filtered rows showed."""
    filters, invalid = parse_filters(request.args)
    args = _args()
    page = queries.find_access(filters, before=parse_id(request.args.get("before")))
    if args:
        searched("access_log", [], _summary(args))
    return render_template(
        "privacy/access_log.html",
        title=_l("Access log"),
        page=page,
        args=args,
        invalid=invalid,
        filtered=bool(args),
        class_counts=queries.class_counts(filters) if args else [],
        account_counts=queries.account_counts(filters) if args else [],
        buyer_count=len(queries.distinct_buyers(filters)) if args else None,
        agents=_agents(),
        account_options=account_options(),
        entity_labels=ENTITY_LABELS,
        action_labels=ACTION_LABELS,
        class_labels=CLASS_LABELS,
        data_classes=DATA_CLASSES,
        next_url=url_for(".access_log", **args, before=page.next_cursor) if page.next_cursor else None,
        prev_url=url_for(".access_log", **args) if request.args.get("before") else None,
    )


def _agents() -> dict[int, str]:
    rows = db.session.execute(select(Agent.id, Agent.name).order_by(Agent.name))
    return {agent_id: name for agent_id, name in rows}


@bp.get("/access-log/export.csv")
@owners_only
@pii("access_log", classes=("identity",), action="export")
def access_log_export():
    """The filtered rows as CSV (UTF-8 with BOM, `;`); the export itself is logged."""
    filters, _invalid = parse_filters(request.args)
    searched("access_log", [], _summary(_args()) or "*", action=AccessAction.EXPORT)
    name = f"rejestr-dostepu-{dt.datetime.now(WARSAW):%Y%m%d-%H%M}.csv"
    return Response(
        stream_with_context(queries.export_csv(filters)), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/access-log/buyers.csv")
@owners_only
@pii("access_log", classes=("identity",), action="export")
def access_log_buyers():
    """The keys of the buyers whose data the filtered rows showed (G9: whom a breach concerns)."""
    filters, _invalid = parse_filters(request.args)
    searched("access_log", [], _summary(_args()) or "*", action=AccessAction.EXPORT)
    name = f"kupujacy-{dt.datetime.now(WARSAW):%Y%m%d-%H%M}.csv"
    return Response(
        queries.buyers_csv(filters), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
