"""The accounts' COD pages: the summary of every visible account, one account's COD with when each payment
arrives, its report as CSV, the ageing list, and the account's default payout tier."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.models import Role
from desk.models.cod import CodState
from desk.orm import utcnow
from desk.services import accounts as account_area
from desk.services.billing import dues
from desk.services.billing.cod import accounts as cod_accounts
from desk.services.billing.cod import offsets, records, report
from desk.services.errors import DeskError
from desk.views.access import ensure_account_visible, visible_account_ids
from desk.views.cod.blueprint import bp, today
from desk.views.errors import message_for
from desk.views.labels import COD_STATES
from desk.wiring.cod import cod_settings


@bp.get("/")
def index():
    """Every account the agent may see, with its COD sums and whether its payouts are held."""
    rows = [
        (account, report.summary(account.id), cod_accounts.settings_of(account.id))
        for account in account_area.visible_accounts(current_user)
    ]
    return render_template("cod/index.html", rows=rows, is_admin=current_user.role == Role.ADMIN)


def _account(account_id: int):
    ensure_account_visible(account_id)
    return account_area.get_account(account_id)  # NotFoundError: the Polish 404 page


@bp.get("/accounts/<int:account_id>")
def account(account_id: int):
    """One account's COD: sums, holds and dues, the payments to come by day, and every COD shipment with
    when its money arrives."""
    return _account_page(_account(account_id))


def _account_page(found, tier_error: str | None = None, code: int = 200):
    state = request.args.get("state", "")
    settings = cod_accounts.settings_of(found.id)
    owed = dues.open_dues(found.id, today=today())
    return render_template(
        "cod/account.html",
        account=found,
        settings=settings,
        default_tier=cod_accounts.default_tier(found.id),
        summary=report.summary(found.id),
        owed=owed,
        owed_total=dues.total(owed),
        upcoming=report.upcoming(found.id, today()),
        items=report.items(found.id, today(), state=state),
        state=state,
        state_choices=[(s.value, COD_STATES[s.value][0]) for s in CodState],
        offsets=offsets.offsets_of(found.id, limit=50),
        payouts=report.payouts_of_account(found.id, limit=20),
        ageing=report.ageing({found.id}, today(), days=cod_settings().ageing_days),
        ageing_days=cod_settings().ageing_days,
        bank_name=records.bank_name,
        tier_error=tier_error,
        is_admin=current_user.role == Role.ADMIN,
    ), code


@bp.post("/accounts/<int:account_id>/tier")
def set_tier(account_id: int):
    """The account's default payout tier (what Nadaj przesyłkę and bulk sending start from)."""
    found = _account(account_id)
    try:
        cod_accounts.set_default_tier(found.id, request.form.get("tier", ""), now=utcnow())
    except DeskError as error:
        return _account_page(found, tier_error=message_for(error), code=422)
    flash(_("The default payout tier was saved."), "success")
    return redirect(url_for(".account", account_id=found.id))


def _csv(text: str, name: str) -> Response:
    return Response(
        text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _state_name(state: CodState) -> str:
    return str(COD_STATES[state.value][0])


@bp.get("/accounts/<int:account_id>/report.csv")
def report_csv(account_id: int):
    """Every COD shipment of the account with its state, amounts and days, as CSV."""
    found = _account(account_id)
    text = report.report_csv(report.all_of(found.id), _state_name)
    return _csv(text, f"pobrania-{found.id}-{today().isoformat()}.csv")


@bp.get("/ageing")
def ageing():
    """Money the carriers have not remitted after N working days, and due money not yet paid, for the
    accounts the agent may see (?format=csv for the file)."""
    allowed = visible_account_ids()
    account_id = request.args.get("account_id", type=int)
    if account_id is not None:
        if allowed is not None and account_id not in allowed:
            abort(404)
        allowed = {account_id}
    days = cod_settings().ageing_days
    found = report.ageing(allowed, today(), days=days)
    if request.args.get("format") == "csv":
        names = {"not_received": _("Not remitted by the carrier"), "unpaid": _("Due and not paid")}
        text = report.ageing_csv(found, _state_name, names)
        return _csv(text, f"pobrania-wiekowanie-{today().isoformat()}.csv")
    return render_template("cod/ageing.html", ageing=found, ageing_days=days, account_id=account_id)
