"""The administrators' side of cash on delivery: the daily payout batch and its transfer CSV, carriers'
remittances (dry run, then import), the review list, and holds and offsets of an account."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Callable
from functools import wraps

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.models import Role
from desk.orm import utcnow
from desk.services import accounts as account_area
from desk.services.billing.cod import accounts as cod_accounts
from desk.services.billing.cod import offsets, payouts, remittances
from desk.services.errors import ConflictError, DeskError, NotFoundError
from desk.views.cod.blueprint import bp, today
from desk.views.errors import message_for
from desk.views.filters import money
from desk.views.labels import CARRIER_NAMES, REMITTANCE_PROBLEMS
from desk.wiring.carriers import BROKER_CARRIERS, remittance_parsers


def administrators(view: Callable) -> Callable:
    """Money leaves the broker only by an administrator's hand: anybody else gets 403."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.role != Role.ADMIN:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


# --- the daily payout batch ------------------------------------------------------------------------


@bp.get("/payouts")
@administrators
def payouts_page():
    """What is due today per account (and what is held), and the recent batches."""
    day = today()
    return render_template(
        "cod/payouts.html",
        pay_date=day,
        due=payouts.preview(day),
        held=payouts.held_accounts(),
        batches=payouts.batches(),
    )


@bp.post("/payouts")
@administrators
def build_batch():
    """Prepare today's batch, or finish one stopped half-way (its own day, from its page)."""
    try:
        result = payouts.build(_pay_date(), now=utcnow(), actor_id=current_user.id)
    except DeskError as error:
        flash(message_for(error), "error")
        return redirect(url_for(".payouts_page"))
    if result.batch is None:
        flash(_("Nothing is due today."), "info")
        return redirect(url_for(".payouts_page"))
    if result.held_accounts:
        held = result.held_accounts
        flash(_("Payouts of %(count)s accounts are held for unpaid dues.", count=held), "warning")
    return redirect(url_for(".batch", batch_id=result.batch.id))


def _pay_date() -> dt.date:
    """The day posted by an unfinished batch's page (never a day to come), else today."""
    try:
        day = dt.date.fromisoformat(request.form.get("pay_date", ""))
    except ValueError:
        return today()
    return min(day, today())


@bp.get("/payouts/<int:batch_id>")
@administrators
def batch(batch_id: int):
    """One batch: a transfer per account and bank account."""
    return render_template(
        "cod/batch.html", batch=payouts.get_batch(batch_id), payouts=payouts.payouts_of(batch_id)
    )


@bp.post("/payouts/<int:batch_id>/export")
@administrators
def export_batch(batch_id: int):
    """The transfer CSV; the first time, its payouts are marked paid (asking again gives a copy)."""
    try:
        made = payouts.export(batch_id, now=utcnow(), actor_id=current_user.id)
    except ConflictError as error:
        flash(message_for(error), "error")
        return redirect(url_for(".batch", batch_id=batch_id))
    name = made.name if made.first_export else made.name.replace(".csv", "-kopia.csv")
    return Response(
        made.content, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# --- remittances ---------------------------------------------------------------------------------


def _carrier_options() -> list[tuple[str, str]]:
    return [(key, CARRIER_NAMES.get(key, key)) for key in BROKER_CARRIERS]


@bp.get("/remittances")
@administrators
def remittances_page():
    """Import a carrier's remittance, and the recent imports."""
    return _remittances_page({})


def _remittances_page(form: dict, error: str | None = None, problems=(), code: int = 200):
    return render_template(
        "cod/remittances.html",
        carriers=_carrier_options(),
        form=form,
        error=error,
        problems=[_problem_text(p) for p in problems],
        imports=remittances.recent(),
    ), code


def _problem_text(problem) -> tuple[int, str]:
    label = REMITTANCE_PROBLEMS.get(problem.code)
    text = str(label) % {k: str(v) for k, v in problem.params.items()} if label else problem.message
    return problem.line, text


@bp.post("/remittances/check")
@administrators
def check_remittance():
    """The dry run: each line with what it would do; nothing is written."""
    carrier = request.form.get("carrier", "")
    upload = request.files.get("file")
    data = upload.read(remittances.MAX_BYTES + 1) if upload else b""
    form = {"carrier": carrier}
    try:
        plan = remittances.plan(remittance_parsers(), carrier, data)
    except remittances.RemittanceRefused as refused:
        return _remittances_page(form, message_for(refused), refused.problems, 422)
    except DeskError as error:
        return _remittances_page(form, message_for(error), (), 422)
    return render_template(
        "cod/remittance_plan.html",
        plan=plan,
        carrier=carrier,
        file_name=(upload.filename or "") if upload else "",
        data=base64.b64encode(data).decode(),
        account_names={a.id: a.name for a in account_area.visible_accounts(current_user)},
    )


@bp.post("/remittances/apply")
@administrators
def apply_remittance():
    """Import the file the dry run showed (it is checked and matched again)."""
    carrier = request.form.get("carrier", "")
    try:
        data = base64.b64decode(request.form.get("data", ""), validate=True)
    except (binascii.Error, ValueError):
        data = b""
    try:
        record = remittances.apply(
            remittance_parsers(), carrier, data, file_name=request.form.get("file_name", ""),
            now=utcnow(), actor_id=current_user.id,
        )
    except remittances.RemittanceRefused as refused:
        return _remittances_page({"carrier": carrier}, message_for(refused), refused.problems, 422)
    except DeskError as error:
        return _remittances_page({"carrier": carrier}, message_for(error), (), 422)
    flash(_("The remittance was imported."), "success")
    return redirect(url_for(".remittance", remittance_id=record.id))


@bp.get("/remittances/<int:remittance_id>")
@administrators
def remittance(remittance_id: int):
    """One import and its lines."""
    found, lines = remittances.lines_of(remittance_id)
    return render_template("cod/remittance.html", remittance=found, lines=lines)


@bp.get("/review")
@administrators
def review():
    """Remittance lines that did not match (less, more, unknown, already received): each to resolve."""
    return _review_page({}, {})


def _review_page(errors: dict[int, str], notes: dict[int, str], code: int = 200):
    return render_template(
        "cod/review.html", lines=remittances.review_lines(), errors=errors, notes=notes
    ), code


@bp.post("/review/<int:line_id>")
@administrators
def resolve(line_id: int):
    """Close a review line with what was decided (a short payment may be accepted as received)."""
    note = request.form.get("note", "")
    try:
        remittances.resolve(
            line_id, note, accept_short=request.form.get("accept_short") == "1", now=utcnow(),
            actor_id=current_user.id,
        )
    except NotFoundError:
        abort(404)
    except DeskError as error:
        return _review_page({line_id: message_for(error)}, {line_id: note}, 422)
    flash(_("The line was resolved."), "success")
    return redirect(url_for(".review"))


# --- holds and offsets of an account ---------------------------------------------------------------


def _back(account_id: int):
    return redirect(url_for(".account", account_id=account_id))


@bp.post("/accounts/<int:account_id>/hold")
@administrators
def hold(account_id: int):
    """Hold the account's payouts by hand, with a reason."""
    account_area.get_account(account_id)
    try:
        cod_accounts.hold(account_id, request.form.get("reason", ""), now=utcnow(), actor_id=current_user.id)
    except DeskError as error:
        flash(message_for(error), "error")
    else:
        flash(_("The account's payouts are held."), "success")
    return _back(account_id)


@bp.post("/accounts/<int:account_id>/release")
@administrators
def release(account_id: int):
    """Lift a hold made by hand (unpaid dues keep it)."""
    account_area.get_account(account_id)
    found = cod_accounts.release(account_id, now=utcnow(), actor_id=current_user.id)
    if found.held:
        flash(_("The account still has unpaid dues: its payouts stay held."), "warning")
    else:
        flash(_("The account's payouts are no longer held."), "success")
    return _back(account_id)


@bp.post("/accounts/<int:account_id>/offset")
@administrators
def set_off(account_id: int):
    """Set the account's unpaid dues off against its due cash on delivery."""
    account_area.get_account(account_id)
    try:
        made = offsets.set_off(account_id, now=utcnow(), actor_id=current_user.id)
    except DeskError as error:
        flash(message_for(error), "error")
    else:
        total = money(sum(offset.amount for offset in made))
        flash(_("%(total)s of dues were set off against cash on delivery.", total=total), "success")
    return _back(account_id)
