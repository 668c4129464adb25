"""Data-subject requests (Wnioski): the list with due-date clocks and reminders, intake, and a request's page
with the step it is at (identity check, scoping, decision, execution, answer, closing), extensions,
exports and downloads (owners only, 7 days).

Erasure goes through the privacy core's ports (desk/wiring/privacy_requests.py; until they are wired,
executing an erasure says it is not available)."""

from __future__ import annotations

import datetime as dt
import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from desk.models.privacy_request import Decision, RequestType
from desk.services.errors import DeskError, NotFoundError
from desk.services.privacy import deadlines, execution, requests
from desk.services.privacy.export import store
from desk.views.access import owners_only
from desk.views.errors import message_for
from desk.views.privacy.blueprint import bp, section
from desk.views.privacy.holds import owner_account_ids
from desk.views.privacy.privacy_labels import (
    CHANNELS,
    COUNT_LABELS,
    DECISIONS,
    HOLD_REASONS,
    REQUEST_STATES,
    REQUEST_TYPES,
)
from desk.wiring import get_clock
from desk.wiring.privacy_requests import four_eyes, get_privacy_ports

section(
    "privacy.requests_index",
    _l("Buyers' requests"),
    _l("Buyers' requests: access, erasure and others, on a one-month clock."),
)


def _labels() -> dict:
    return {
        "types": REQUEST_TYPES,
        "states": REQUEST_STATES,
        "decisions": DECISIONS,
        "channels": CHANNELS,
        "count_labels": COUNT_LABELS,
        "hold_reasons": HOLD_REASONS,
    }


@bp.get("/requests")
@owners_only
def requests_index():
    now = get_clock().now()
    rows = requests.list_requests()
    clocks = {r.id: deadlines.days_left(r.due_on, now) for r in rows}
    return render_template(
        "privacy/requests.html",
        title=_("Buyers' requests"),
        rows=rows,
        clocks=clocks,
        needs_telling=requests.needs_telling,
        **_labels(),
    )


@bp.route("/requests/new", methods=["GET", "POST"])
@owners_only
def request_new():
    values = request.form.to_dict() if request.method == "POST" else {}
    if request.method == "POST":
        now = get_clock().now()
        try:
            intake = requests.Intake(
                type=RequestType(values.get("type", "")),
                buyer_allegro_id=values.get("buyer_allegro_id", ""),
                received_at=_received_at(values.get("received_on", ""), now),
                channel=_channel(values),
                requester_name=values.get("requester_name", ""),
                requester_contact=values.get("requester_contact", ""),
                details=values.get("details", ""),
            )
            created = requests.create_request(intake, agent_id=current_user.id, now=now)
        except ValueError:
            flash(_("Choose the type of the request and a valid date."), "error")
        except DeskError as error:
            flash(message_for(error), "error")
        else:
            flash(_("The request was recorded."), "success")
            return redirect(url_for(".request_detail", request_id=created.id))
    return render_template("privacy/request_new.html", title=_("New request"), values=values, **_labels())


def _received_at(text: str, now: dt.datetime) -> dt.datetime:
    """A day typed in the form as the request's arrival (noon in Poland), or now."""
    if not text.strip():
        return now
    day = dt.date.fromisoformat(text.strip())
    if day == now.astimezone(deadlines.WARSAW).date():
        return now
    return dt.datetime.combine(day, dt.time(12), tzinfo=deadlines.WARSAW).astimezone(dt.UTC)


def _channel(values: dict) -> str:
    channel = values.get("channel", "allegro")
    return channel if channel in CHANNELS else "allegro"


@bp.get("/requests/<int:request_id>")
@owners_only
def request_detail(request_id: int):
    try:
        found = requests.get_request(request_id)
    except NotFoundError:
        abort(404)
    now = get_clock().now()
    return render_template(
        "privacy/request_detail.html",
        title=_("Request #%(id)s", id=found.id),
        req=found,
        days_left=deadlines.days_left(found.due_on, now),
        working=found.working_state.value,
        allowed_decisions=[d.value for d in requests.allowed_decisions(found)],
        extendable=found.extended_at is None
        and found.state in requests.EXTENDABLE
        and deadlines.days_left(found.first_due_on, now) >= 0,
        exports=store.request_exports(found.id),
        now=now,
        **_labels(),
    )


def _step(request_id: int, action: str, form: dict, now: dt.datetime):
    agent = current_user.id
    match action:
        case "identity":
            return requests.check_identity(request_id, note=form.get("note", ""), agent_id=agent, now=now)
        case "scope":
            return requests.scope(request_id, account_ids=owner_account_ids(), agent_id=agent, now=now)
        case "decide":
            return requests.decide(
                request_id,
                decision=Decision(form.get("decision", "")),
                reason=form.get("reason", ""),
                agent_id=agent,
                now=now,
            )
        case "execute":
            return execution.execute(
                request_id, ports=get_privacy_ports(), agent_id=agent, now=now, four_eyes=four_eyes()
            )
        case "answer":
            return requests.answer(request_id, note=form.get("note", ""), agent_id=agent, now=now)
        case "close":
            return requests.close(request_id, agent_id=agent, now=now)
        case "reject":
            return requests.reject(request_id, reason=form.get("reason", ""), agent_id=agent, now=now)
        case "extend":
            return requests.extend(
                request_id,
                months=int(form.get("months", "0")),
                reason=form.get("reason", ""),
                agent_id=agent,
                now=now,
            )
        case "told":
            return requests.mark_requester_told(request_id, agent_id=agent, now=now)
        case "export":
            found = requests.get_request(request_id)
            return store.create_export(
                account_ids=found.account_ids or owner_account_ids(),
                buyer_allegro_id=found.buyer_allegro_id or "",
                agent_id=agent,
                now=now,
                include_restricted=True,
                request_id=request_id,
            )
    abort(404)


STEP_DONE = {
    "identity": _l("The identity check was recorded."),
    "scope": _l("The buyer's data was found and counted."),
    "decide": _l("The decision was recorded."),
    "execute": _l("The request was executed."),
    "answer": _l("The answer was recorded."),
    "close": _l("The request was closed."),
    "reject": _l("The request was rejected."),
    "extend": _l("The deadline was extended. Tell the requester why within the first month."),
    "told": _l("Recorded that the requester was told."),
    "export": _l("The export is ready to download for 7 days."),
}


@bp.post("/requests/<int:request_id>/<action>")
@owners_only
def request_step(request_id: int, action: str):
    if action not in STEP_DONE:
        abort(404)
    try:
        _step(request_id, action, request.form.to_dict(), get_clock().now())
    except NotFoundError:
        abort(404)
    except ValueError:
        flash(_("Choose one of the options."), "error")
    except DeskError as error:
        flash(message_for(error), "error")
    else:
        flash(str(STEP_DONE[action]), "success")
    return redirect(url_for(".request_detail", request_id=request_id))


@bp.get("/exports/<int:export_id>/download")
@owners_only
def export_download(export_id: int):
    try:
        export = store.downloadable(export_id, agent_id=current_user.id, now=get_clock().now())
    except NotFoundError:
        abort(404)
    return send_file(
        io.BytesIO(export.data),
        mimetype="application/zip",
        as_attachment=True,
        download_name=export.file_name,
    )
