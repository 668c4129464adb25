"""The administrators' money pages: a top-up recorded from the bank's history, a bank statement imported
(dry run, then the import), and the payouts: pending ones, the bank transfer file, marking them paid."""

from __future__ import annotations

import base64
import binascii

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.models import Role
from desk.orm import utcnow
from desk.services import accounts as account_area
from desk.services.billing import bank_import, inputs, payouts, topups
from desk.services.errors import DeskError, NotFoundError
from desk.services.shared.workdays import warsaw_date
from desk.views.access import require_roles
from desk.views.billing.account import _account, _page
from desk.views.billing.blueprint import amount_text, bp, error_text, field_errors
from desk.views.query_args import db_id
from desk.wiring.billing import billing_policy

admins = require_roles(Role.ADMIN)


@bp.post("/accounts/<int:account_id>/topups")
@admins
def record_topup(account_id: int):
    """A top-up typed from the bank's history: amount, the transfer's reference, the day it was booked."""
    found = _account(account_id)
    names = ("amount", "reference", "booked_on", "idempotency_key")
    form = {name: request.form.get(name, "") for name in names}
    try:
        topup = topups.record_manual_topup(
            found.id, form, key=form["idempotency_key"], actor_id=current_user.id,
            today=warsaw_date(utcnow()),
        )
    except inputs.FormErrors as error:
        return _page(found, status=422, topup=form | {"errors": field_errors(error)})
    except DeskError as error:
        return _page(found, status=422, topup=form | {"errors": {"amount": [error_text(error)]}})
    flash(_("Top-up of %(amount)s zł recorded.", amount=amount_text(topup.amount)), "success")
    return redirect(url_for(".account", account_id=found.id))


@bp.get("/bank-import")
@admins
def bank_statement():
    """The bank statement import: choose the file for a dry run."""
    return render_template("billing/bank_import.html", plan=None, data="", error=None)


def _upload() -> bytes:
    upload = request.files.get("file")
    return upload.read(bank_import.MAX_BYTES + 1) if upload else b""


@bp.post("/bank-import")
@admins
def bank_statement_check():
    """The dry run: what each row of the statement would become. Writes nothing."""
    data = _upload()
    if not data:
        return render_template("billing/bank_import.html", plan=None, data="",
                               error=_("Choose a CSV file.")), 422
    try:
        plan = bank_import.plan(data)
    except DeskError as error:
        return render_template("billing/bank_import.html", plan=None, data="", error=error_text(error)), 422
    return render_template(
        "billing/bank_import.html", plan=plan, data=base64.b64encode(data).decode("ascii"), error=None,
        accounts={a.id: a.name for a in account_area.visible_accounts(current_user)},
    ), 200 if plan.ok else 422


@bp.post("/bank-import/apply")
@admins
def bank_statement_apply():
    """Import the statement checked in the dry run (the same bytes, sent back by the page)."""
    try:
        data = base64.b64decode(request.form.get("data", ""), validate=True)
    except binascii.Error:
        data = b""
    if not data:
        return render_template("billing/bank_import.html", plan=None, data="",
                               error=_("Choose a CSV file.")), 422
    try:
        plan = bank_import.apply(data, actor_id=current_user.id)
    except DeskError as error:
        return render_template("billing/bank_import.html", plan=None, data="", error=error_text(error)), 422
    counts = {status: plan.count(status) for status in (bank_import.Status.NEW, bank_import.Status.IMPORTED,
                                                          bank_import.Status.UNMATCHED)}
    flash(
        _("Top-ups booked: %(new)s (%(total)s zł). Imported before: %(imported)s. Matching no account: "
          "%(unmatched)s.", new=counts["new"], total=amount_text(plan.total), imported=counts["imported"],
          unmatched=counts["unmatched"]),
        "success",
    )
    return render_template("billing/bank_import.html", plan=plan, data="", error=None, applied=True,
                           accounts={a.id: a.name for a in account_area.visible_accounts(current_user)})


@bp.get("/payouts")
@admins
def payout_list():
    """Payouts not paid yet, soonest due first, and the transfer files made."""
    pending = payouts.pending()
    names = {a.id: a.name for a in account_area.visible_accounts(current_user)}
    return render_template(
        "billing/payouts.html", pending=pending, exports=payouts.recent_exports(), names=names,
        today=warsaw_date(utcnow()),
    )


@bp.post("/payouts/export")
@admins
def payout_export():
    """Put the requested payouts into a new bank transfer file, then offer it for download."""
    chosen = request.form.getlist("payout_ids", type=db_id)
    made = payouts.export(
        actor_id=current_user.id, now=utcnow(), policy=billing_policy(), payout_ids=chosen or None
    )
    if made is None:
        flash(_("There is nothing to export: no requested payout is waiting."), "warning")
    else:
        flash(_("Transfer file %(id)s made. Payouts: %(count)s, together %(total)s zł.", id=made.id,
                count=made.count, total=amount_text(made.total)), "success")
    return redirect(url_for(".payout_list"))


@bp.get("/payouts/exports/<int:export_id>.csv")
@admins
def payout_file(export_id: int):
    try:
        name, content = payouts.export_file(export_id)
    except NotFoundError:
        abort(404)
    return Response(content.encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/payouts/paid")
@admins
def payout_paid():
    """Mark exported payouts paid (after the bank has made the transfers)."""
    chosen = request.form.getlist("payout_ids", type=db_id)
    marked = payouts.mark_paid(chosen, actor_id=current_user.id, now=utcnow())
    if marked:
        flash(_("Payouts marked paid: %(count)s.", count=marked), "success")
    else:
        flash(_("Nothing was marked: choose payouts that are in a transfer file and not paid yet."),
              "warning")
    return redirect(url_for(".payout_list"))
