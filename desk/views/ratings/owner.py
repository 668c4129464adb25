"""Owners' ratings pages: approving agents' answers, templates, alert addresses, the dashboard."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from desk.charts import ChartPoint, ChartText, render_trend
from desk.models import OutboxState
from desk.services.errors import DeskError
from desk.services.ratings import actions as rating_actions
from desk.services.ratings import alerts as rating_alerts
from desk.services.ratings import dashboard as rating_dashboard
from desk.services.ratings import listing as ratings
from desk.views.access import account_options, require_roles, visible_account_ids
from desk.views.errors import message_for, write_error
from desk.views.forms import flash_outcome
from desk.views.pii import Seen, pii, revealed
from desk.views.query_args import parse_id
from desk.views.ratings.blueprint import OWNERS, WARSAW, bp
from desk.wiring import get_allegro, settings


@bp.get("/approvals")
@require_roles(*OWNERS)
@pii("rating", classes=("identity", "free_text"), action="list")
def approvals():
    drafts = ratings.proposed_drafts(visible_account_ids())
    revealed("rating", [Seen("rating", d.rating.id, d.rating.account_id, d.rating.buyer_allegro_id)
                        for d in drafts])
    return render_template("ratings/approvals.html", drafts=drafts)


@bp.post("/drafts/<int:draft_id>/approve")
@require_roles(*OWNERS)
def approve(draft_id: int):
    try:
        draft = rating_actions.approve_draft(
            get_allegro(), draft_id=draft_id, owner_id=current_user.id, text=request.form.get("text"),
            account_ids=visible_account_ids(),
        )
    except DeskError as exc:
        flash(message_for(exc), "error")
        return redirect(url_for(".approvals"))
    message = draft.message
    if message is not None and message.state is OutboxState.FAILED:
        flash(write_error(message.last_error_code, message.last_error), "error")
    else:
        flash_outcome(message, sent=_("Approved and published on Allegro."),
                      waiting=_("Approved; it will be sent to Allegro shortly."))
    return redirect(url_for(".approvals"))


@bp.post("/drafts/<int:draft_id>/reject")
@require_roles(*OWNERS)
def reject(draft_id: int):
    try:
        rating_actions.reject_draft(
            draft_id=draft_id, owner_id=current_user.id, note=request.form.get("note", ""),
            account_ids=visible_account_ids(),
        )
    except DeskError as exc:
        flash(message_for(exc), "error")
    else:
        flash(_("The answer has been rejected; its author will see why."), "success")
    return redirect(url_for(".approvals"))


@bp.route("/templates", methods=["GET", "POST"])
@require_roles(*OWNERS)
def templates():
    form: dict[str, Any] = {"kind": "answer"}
    code = 200
    if request.method == "POST":
        form = {name: request.form.get(name, "") for name in ("template_id", "kind", "name", "body")}
        try:
            ratings.save_template(
                template_id=parse_id(form["template_id"]),
                kind=form["kind"], name=form["name"], body=form["body"], agent_id=current_user.id,
            )
        except DeskError as exc:
            form["error"], code = message_for(exc), 422
        else:
            flash(_("Template saved."), "success")
            return redirect(url_for(".templates"))
    elif parse_id(request.args.get("edit")) is not None:
        chosen = next((t for t in ratings.list_templates() if t.id == parse_id(request.args["edit"])), None)
        if chosen is not None:
            form = {"template_id": chosen.id, "kind": chosen.kind.value, "name": chosen.name,
                    "body": chosen.body}
    return render_template("ratings/templates.html", templates=ratings.list_templates(), form=form), code


@bp.post("/templates/<int:template_id>/delete")
@require_roles(*OWNERS)
def delete_template(template_id: int):
    ratings.delete_template(template_id)
    flash(_("Template deleted."), "success")
    return redirect(url_for(".templates"))


@bp.route("/alerts", methods=["GET", "POST"])
@require_roles(*OWNERS)
def alerts():
    form: dict[str, Any] = {}
    code = 200
    if request.method == "POST":
        form = {"email": request.form.get("email", ""), "account": request.form.get("account", "")}
        try:
            rating_alerts.add_setting(email=form["email"], agent_id=current_user.id,
                                      account_id=parse_id(form["account"]))
        except DeskError as exc:
            form["error"], code = message_for(exc), 422
        else:
            flash(_("The address will receive alerts about negative ratings."), "success")
            return redirect(url_for(".alerts"))
    cfg = settings()
    return render_template(
        "ratings/alerts.html", settings=rating_alerts.list_settings(), form=form,
        account_options=account_options(), accounts=dict(account_options()),
        smtp_configured=cfg.smtp.host is not None, configured=cfg.rating_alert_emails,
    ), code


@bp.post("/alerts/<int:setting_id>")
@require_roles(*OWNERS)
def change_alert(setting_id: int):
    action = request.form.get("action")
    if action == "delete":
        rating_alerts.remove_setting(setting_id)
    else:
        rating_alerts.set_enabled(setting_id, action == "enable")
    return redirect(url_for(".alerts"))


@bp.get("/dashboard")
@require_roles(*OWNERS)
def dashboard():
    account = (request.args.get("account") or "").strip()
    granularity = request.args.get("period") if request.args.get("period") in ("week", "month") else "week"
    today = dt.datetime.now(WARSAW).date()
    board = rating_dashboard.build_dashboard(
        account_ids=visible_account_ids(), account_id=parse_id(account),
        granularity=granularity, count=13 if granularity == "week" else 12, today=today,
    )
    return render_template(
        "ratings/dashboard.html", board=board,
        chart=Markup(render_trend(_points(board), _chart_text())),  # noqa: S704  (every text is escaped)
        account_options=account_options(), args={"account": account, "period": granularity},
        period_label=_period_label,
    )


def _period_label(start: dt.date, granularity: str) -> str:
    return start.strftime("%d.%m") if granularity == "week" else start.strftime("%m.%Y")


def _points(board) -> list[ChartPoint]:
    return [
        ChartPoint(_period_label(p.start, board.granularity), p.recommended, p.not_recommended,
                   p.percent_recommending)
        for p in board.periods
    ]


def _chart_text() -> ChartText:
    return ChartText(
        title=_("Ratings per period and the share recommending"),
        recommended=_("Recommend"), not_recommended=_("Do not recommend"),
        percent=_("Share recommending"), count_axis=_("Ratings"), empty=_("No ratings in this period."),
    )
