"""Legal holds (Blokady prawne): the owners' list, setting and lifting a hold; holds past their review date
are listed first as tasks."""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from desk.models.privacy_request import HoldReason, HoldScope
from desk.services.errors import DeskError
from desk.services.privacy import hold_admin
from desk.views.access import account_options, owners_only
from desk.views.errors import message_for
from desk.views.privacy.blueprint import bp, section
from desk.views.privacy.privacy_labels import HOLD_REASONS, HOLD_SCOPES
from desk.wiring import get_clock

section("privacy.holds", _l("Legal holds"), _l("Data kept for a court case, a claim or an inquiry."))


def owner_account_ids() -> list[int]:
    """The seller accounts the signed-in owner may see."""
    return [account_id for account_id, _name in account_options()]


@bp.get("/holds")
@owners_only
def holds():
    accounts = dict(account_options())
    today = get_clock().now().date()
    return render_template(
        "privacy/holds.html", title=_("Legal holds"), holds=hold_admin.list_holds(account_ids=list(accounts)),
        to_review=hold_admin.holds_to_review(account_ids=list(accounts), today=today), accounts=accounts,
        scopes=HOLD_SCOPES, reasons=HOLD_REASONS, manual_reasons=[r.value for r in HoldReason], today=today,
    )


@bp.post("/holds")
@owners_only
def set_hold():
    form = request.form
    try:
        review = form.get("review_on", "").strip()
        values = hold_admin.HoldForm(
            account_id=int(form.get("account_id", "0")), scope=HoldScope(form.get("scope", "")),
            reason=HoldReason(form.get("reason", "")), target=form.get("target", ""),
            review_on=dt.date.fromisoformat(review) if review else None, note=form.get("note", ""),
        )
    except ValueError:
        flash(_("Fill in the hold's account, scope, reason and date correctly."), "error")
        return redirect(url_for(".holds"))
    try:
        hold_admin.set_hold(values, account_ids=owner_account_ids(), agent_id=current_user.id,
                            now=get_clock().now())
    except DeskError as error:
        flash(message_for(error), "error")
    else:
        flash(_("The legal hold was set."), "success")
    return redirect(url_for(".holds"))


@bp.post("/holds/<int:hold_id>/lift")
@owners_only
def lift_hold(hold_id: int):
    try:
        hold_admin.lift_hold(hold_id, account_ids=owner_account_ids(), agent_id=current_user.id,
                             now=get_clock().now())
    except DeskError as error:
        flash(message_for(error), "error")
    else:
        flash(_("The legal hold was lifted; held erasures are completed by the next daily run."), "success")
    return redirect(url_for(".holds"))
