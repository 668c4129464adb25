"""Invoices: the list (an agent's accounts, or all for administrators) with PDF and FA(3) XML downloads,
one invoice, a separate invoice for one shipment on request, and for administrators the correction form
and recording a bank transfer."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from desk.models import CorrectionReason, Role
from desk.orm import utcnow
from desk.services.billing import invoices
from desk.services.billing.invoices import listing
from desk.services.errors import DeskError, NotFoundError
from desk.services.shared.workdays import warsaw_date
from desk.views.access import account_options, require_roles, visible_account_ids
from desk.views.errors import message_for
from desk.views.query_args import parse_id
from desk.wiring.invoices import invoice_terms

bp = Blueprint("invoices", __name__, url_prefix="/invoices")
STATES = {"issued": _l("To pay"), "paid": _l("Paid"), "overdue": _l("Overdue")}
KINDS = {"vat": _l("VAT invoice"), "correction": _l("Correction invoice")}
REASONS = {
    CorrectionReason.DIMENSIONS: _l("Wrong dimensions or weight"),
    CorrectionReason.CHARGES: _l("Wrong charges"),
    CorrectionReason.PAYER_DATA: _l("Wrong payer data"),
    CorrectionReason.DESCRIPTION: _l("Wrong description"),
    CorrectionReason.CANCELLATION: _l("Shipment cancelled"),
}


@bp.context_processor
def _labels() -> dict:
    return {"invoice_states": STATES, "invoice_kinds": KINDS, "correction_reasons": REASONS}


def _today() -> dt.date:
    return warsaw_date(utcnow())


def _invoice(invoice_id: int):
    try:
        return listing.get(invoice_id, visible_account_ids())
    except NotFoundError:
        abort(404)


@bp.get("/")
def index():
    args = request.args
    filters = listing.Filters(
        account_id=parse_id(args.get("account")), state=args.get("state", ""), kind=args.get("kind", ""),
        month=args.get("month", ""), page=parse_id(args.get("page")) or 1,
    )
    today = _today()
    rows, more = listing.find(visible_account_ids(), filters, today=today)
    pages = {**args.to_dict(), "page": filters.page}
    prev_url = url_for(".index", **{**pages, "page": filters.page - 1}) if filters.page > 1 else None
    next_url = url_for(".index", **{**pages, "page": filters.page + 1}) if more else None
    return render_template("invoices/index.html", rows=rows, filters=filters, accounts=account_options(),
                           today=today, prev_url=prev_url, next_url=next_url)


@bp.get("/<int:invoice_id>")
def detail(invoice_id: int):
    invoice = _invoice(invoice_id)
    return render_template(
        "invoices/detail.html", invoice=invoice, corrections=listing.corrections_of(invoice),
        due=invoices.outstanding(invoice), is_admin=current_user.role == Role.ADMIN,
        payment_form={"paid_on": _today().isoformat()}, errors={},
    )


@bp.get("/<int:invoice_id>/<any(pdf, xml):kind>")
def download(invoice_id: int, kind: str):
    content, name, media_type = listing.document(_invoice(invoice_id), kind)
    disposition = f'attachment; filename="{name}"'
    return Response(content, mimetype=media_type, headers={"Content-Disposition": disposition})


@bp.post("/shipment/<int:shipment_id>")
def invoice_shipment(shipment_id: int):
    """A separate invoice for one shipment, asked for by its account."""
    try:
        invoice = invoices.invoice_shipment(shipment_id, now=utcnow(), terms=invoice_terms(),
                                            account_ids=visible_account_ids(), agent_id=current_user.id)
    except NotFoundError:
        abort(404)
    except DeskError as exc:  # nothing to invoice, or the account's billing data is wrong
        flash(message_for(exc), "error")
        return redirect(url_for("ship.shipment", shipment_id=shipment_id))
    flash(_("Invoice %(number)s has been issued.", number=invoice.number), "success")
    return redirect(url_for(".detail", invoice_id=invoice.id))


@bp.post("/<int:invoice_id>/payment")
@require_roles(Role.ADMIN)
def record_payment(invoice_id: int):
    invoice = _invoice(invoice_id)
    form = {name: request.form.get(name, "").strip() for name in ("amount", "reference", "paid_on")}
    try:
        amount = Decimal(form["amount"].replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        amount = Decimal("NaN")
    try:
        paid_on = dt.date.fromisoformat(form["paid_on"])
    except ValueError:
        return _detail_with_errors(invoice, form, {"paid_on": [_("Enter the date as YYYY-MM-DD.")]})
    try:
        invoices.record_payment(invoice.id, amount=amount, reference=form["reference"], paid_on=paid_on,
                                agent_id=current_user.id, today=_today())
    except invoices.PaymentError as exc:
        return _detail_with_errors(invoice, form, {exc.field: [message_for(exc)]})
    flash(_("The payment has been recorded."), "success")
    return redirect(url_for(".detail", invoice_id=invoice.id))


def _detail_with_errors(invoice, form: dict, errors: dict):
    return render_template(
        "invoices/detail.html", invoice=invoice, corrections=listing.corrections_of(invoice),
        due=invoices.outstanding(invoice), is_admin=True, payment_form=form, errors=errors,
    ), 422


@bp.route("/<int:invoice_id>/correct", methods=["GET", "POST"])
@require_roles(Role.ADMIN)
def correct(invoice_id: int):
    """The correction form: the accepted complaint's reason and, per line, the new amount or description."""
    invoice = _invoice(invoice_id)
    form = {"key": request.form.get("key") or uuid.uuid4().hex, "reason": request.form.get("reason", ""),
            "reason_text": request.form.get("reason_text", "")}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        changes, errors = _changes(invoice)
        reason = next((r for r in invoices.COMPLAINT_REASONS if r.value == form["reason"]), None)
        if reason is None:
            errors.setdefault("reason", []).append(_("Choose the reason of the correction."))
        if not errors:
            try:
                correction = invoices.correct_invoice(
                    invoice.id, reason=reason, reason_text=form["reason_text"], changes=changes,
                    key=f"form:{form['key']}", today=_today(), terms=invoice_terms(),
                    agent_id=current_user.id,
                )
            except invoices.BuyerDataError as exc:
                errors = {"reason": [message_for(exc)]}
            except invoices.CorrectionError as exc:
                errors = {exc.field or "reason": [message_for(exc)]}
            else:
                flash(_("Correction %(number)s has been issued.", number=correction.number), "success")
                return redirect(url_for(".detail", invoice_id=correction.id))
    options = [("", "—")] + [(reason.value, REASONS[reason]) for reason in invoices.COMPLAINT_REASONS]
    return render_template("invoices/correct.html", invoice=invoice, form=form, errors=errors,
                           reason_options=options), 422 if errors else 200


def _changes(invoice) -> tuple[list[invoices.LineChange], dict[str, list[str]]]:
    changes, errors = [], {}
    for line in invoice.lines:
        gross_text = request.form.get(f"gross_{line.id}", "").strip()
        description = request.form.get(f"description_{line.id}", "").strip()
        gross = None
        if gross_text:
            try:
                gross = Decimal(gross_text.replace(",", ".").replace(" ", ""))
            except InvalidOperation:
                errors[f"gross_{line.id}"] = [_("Enter an amount such as 12,30.")]
                continue
        if gross is not None or description:
            changes.append(invoices.LineChange(line.id, gross=gross, description=description or None))
    return changes, errors
