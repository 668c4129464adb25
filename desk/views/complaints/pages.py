"""Reklamacje for sellers: the list, a complaint's page with its history, the forms (service, invoice, a
parcel from the order page) and what the seller does next (files, sending, asking to forward, answering the
carrier)."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.models import ComplaintState, ComplaintType
from desk.models.complaint import WITH_CARRIER
from desk.orm import utcnow
from desk.services import complaints
from desk.services.complaints import CarrierTrouble, FormErrors
from desk.services.errors import ConflictError, DeskError, NotFoundError
from desk.views.access import account_options, visible_account_ids
from desk.views.complaints.blueprint import bp, field_errors, uploads
from desk.views.complaints.detail import complaint_page
from desk.views.errors import message_for
from desk.views.pii import COMPLAINT_CLASSES, pii
from desk.views.query_args import parse_id
from desk.wiring.complaints import complaint_ports, complaint_settings

TYPES = tuple(kind.value for kind in ComplaintType)
STATES = tuple(state.value for state in ComplaintState)


@bp.get("/")
def index():
    """Complaints the agent may see, filtered by type, state and account."""
    args = request.args
    filters = complaints.listing.Filters(
        type=ComplaintType(args["type"]) if args.get("type") in TYPES else None,
        state=ComplaintState(args["state"]) if args.get("state") in STATES else None,
        account_id=parse_id(args.get("account", "")),
    )
    page = max(1, args.get("page", 1, type=int) or 1)
    rows, more = complaints.listing.list_complaints(filters, visible_account_ids(), page=page)
    settings = complaint_settings()
    now = utcnow()
    clocks = {
        c.id: complaints.clocks.answer_clock(c.answer_due_on, now, alert_days=settings.alert_days)
        for c in rows
        if c.answer_due_on and c.state is ComplaintState.SUBMITTED
    }
    ineffective = {
        c.id: complaints.clocks.ineffective_on(c.carrier_received_at)
        for c in rows
        if c.carrier_received_at and c.state in WITH_CARRIER
    }
    query = {name: args[name] for name in ("type", "state", "account") if args.get(name)}
    return render_template(
        "complaints/index.html",
        rows=rows,
        clocks=clocks,
        ineffective=ineffective,
        args=args,
        account_options=account_options(),
        accounts=dict(account_options()),
        returns_waiting=complaints.returns.waiting_count(visible_account_ids()),
        prev_url=url_for(".index", page=page - 1, **query) if page > 1 else None,
        next_url=url_for(".index", page=page + 1, **query) if more else None,
    )


def _find(complaint_id: int):
    try:
        return complaints.find(complaint_id, visible_account_ids())
    except NotFoundError:
        abort(404)


@bp.get("/<int:complaint_id>")
@pii("complaint", classes=COMPLAINT_CLASSES, id_arg="complaint_id")
def detail(complaint_id: int):
    """The complaint: what it is about, its clocks, checklist, files, history and the next steps."""
    return complaint_page(_find(complaint_id))


@bp.get("/<int:complaint_id>/files/<int:file_id>")
@pii("complaint", classes=("file",), action="download", id_arg="complaint_id")
def file(complaint_id: int, file_id: int):
    """One file of the complaint, always as a download."""
    complaint = _find(complaint_id)
    found = next((f for f in complaint.files if f.id == file_id), None)
    if found is None:
        abort(404)
    response = send_file(
        io.BytesIO(found.data), mimetype=found.content_type, as_attachment=True, download_name=found.file_name
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- writing complaints ---------------------------------------------------------------------------------


@bp.route("/new/service", methods=["GET", "POST"])
def new_service():
    """A complaint about the desk or the broker itself."""
    values = request.form.to_dict() if request.method == "POST" else {}
    if request.method == "POST":
        try:
            complaint = complaints.broker.file_service(
                values, visible_account_ids(), actor_id=current_user.id, now=utcnow()
            )
        except FormErrors as error:
            return _form("complaints/service_form.html", values, field_errors(error))
        flash(
            _(
                "The complaint was sent to the broker. The answer is due by %(day)s.",
                day=complaint.answer_due_on.strftime("%d.%m.%Y"),
            ),
            "success",
        )
        return redirect(url_for(".detail", complaint_id=complaint.id))
    return _form("complaints/service_form.html", values, {}, code=200)


@bp.route("/new/invoice", methods=["GET", "POST"])
def new_invoice():
    """A complaint about an invoice of the broker, with its evidence."""
    values = request.form.to_dict() if request.method == "POST" else {}
    if request.method == "POST":
        try:
            complaint = complaints.broker.file_invoice(
                values,
                uploads(),
                visible_account_ids(),
                limits=complaint_settings().limits,
                actor_id=current_user.id,
                now=utcnow(),
            )
        except FormErrors as error:
            return _form("complaints/invoice_form.html", values, field_errors(error))
        flash(
            _(
                "The complaint was sent to the broker. The answer is due by %(day)s.",
                day=complaint.answer_due_on.strftime("%d.%m.%Y"),
            ),
            "success",
        )
        return redirect(url_for(".detail", complaint_id=complaint.id))
    return _form("complaints/invoice_form.html", values, {}, code=200)


def _form(template: str, values: dict, errors: dict, *, code: int = 422, **context):
    return render_template(
        template,
        values=values,
        errors=errors,
        account_options=account_options(),
        limits=complaint_settings().limits,
        **context,
    ), code


@bp.route("/shipments/<int:shipment_id>/new", methods=["GET", "POST"])
@pii("shipment", classes=COMPLAINT_CLASSES, id_arg="shipment_id")
def new_carrier(shipment_id: int):
    """Reklamacja of a parcel: the form prefilled from the shipment and its tracking, the checklist, files."""
    allowed = visible_account_ids()
    try:
        shipment = complaints.prefill.shipment_for(shipment_id, allowed)
    except NotFoundError:
        abort(404)
    facts = complaints.prefill.parcel_facts(shipment)
    iban, holder = complaints.prefill.payout_account(shipment.account_id)
    values = {"kind": request.args.get("kind", "damage"), "iban": iban, "account_holder": holder}
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            complaint = complaints.carrier.start(
                shipment.id,
                allowed,
                values,
                uploads(),
                limits=complaint_settings().limits,
                actor_id=current_user.id,
                now=utcnow(),
                submit=values.get("action") == "submit",
            )
        except FormErrors as error:
            return _carrier_form(shipment, facts, values, field_errors(error), 422)
        if complaint.state is ComplaintState.SUBMITTED:
            flash(_("The complaint was sent to the broker."), "success")
        else:
            flash(_("The draft was saved."), "success")
        return redirect(url_for(".detail", complaint_id=complaint.id))
    return _carrier_form(shipment, facts, values, {}, 200)


def _carrier_form(shipment, facts, values, errors, code):
    conversations = complaints.prefill.conversations_of(shipment.order_id, shipment.account_id)
    label = complaints.prefill.transport_document(shipment)
    return _form(
        "complaints/carrier_form.html",
        values,
        errors,
        code=code,
        shipment=shipment,
        facts=facts,
        conversations=conversations,
        has_label=label is not None,
        doc_options=complaints.checklist.CARRIER_DOC_TYPES,
    )


# --- the seller's next steps ----------------------------------------------------------------------------


@bp.post("/<int:complaint_id>/edit")
@pii("complaint", classes=COMPLAINT_CLASSES, id_arg="complaint_id")
def edit(complaint_id: int):
    """Change a draft (or a returned complaint) and, with action=submit, send it."""
    complaint = _find(complaint_id)
    values = request.form.to_dict()
    try:
        complaints.carrier.update(
            complaint.id,
            visible_account_ids(),
            values,
            actor_id=current_user.id,
            now=utcnow(),
            submit=values.get("action") == "submit",
        )
    except FormErrors as error:
        return complaint_page(
            complaints.find(complaint_id, visible_account_ids()),
            forms={"edit": (values, field_errors(error))},
            code=422,
        )
    except ConflictError as error:
        flash(message_for(error), "error")
    else:
        flash(
            _("The complaint was sent to the broker.")
            if values.get("action") == "submit"
            else _("The draft was saved."),
            "success",
        )
    return redirect(url_for(".detail", complaint_id=complaint_id))


@bp.post("/<int:complaint_id>/submit")
@pii("complaint", classes=COMPLAINT_CLASSES, id_arg="complaint_id")
def submit(complaint_id: int):
    """Send the draft to the broker, or ask the broker to forward a returned complaint after all."""
    complaint = _find(complaint_id)
    returned = complaint.state is ComplaintState.RETURNED
    try:
        complaints.carrier.submit(complaint.id, visible_account_ids(), actor_id=current_user.id, now=utcnow())
    except FormErrors as error:
        return complaint_page(
            complaints.find(complaint_id, visible_account_ids()),
            forms={"submit": ({}, field_errors(error))},
            code=422,
        )
    except ConflictError as error:
        flash(message_for(error), "error")
    else:
        flash(
            _("You asked the broker to forward the complaint to the carrier.")
            if returned
            else _("The complaint was sent to the broker."),
            "success",
        )
    return redirect(url_for(".detail", complaint_id=complaint_id))


@bp.post("/<int:complaint_id>/files")
@pii("complaint", classes=COMPLAINT_CLASSES, id_arg="complaint_id")
def add_files(complaint_id: int):
    """Attach further files (each with the document it is)."""
    complaint = _find(complaint_id)
    try:
        complaints.carrier.add_files(
            complaint.id,
            visible_account_ids(),
            uploads(),
            limits=complaint_settings().limits,
            actor_id=current_user.id,
            now=utcnow(),
        )
    except FormErrors as error:
        return complaint_page(complaint, forms={"files": ({}, field_errors(error))}, code=422)
    except ConflictError as error:
        flash(message_for(error), "error")
    else:
        flash(_("The files were added."), "success")
    return redirect(url_for(".detail", complaint_id=complaint_id, _anchor="files"))


@bp.post("/<int:complaint_id>/link")
@pii("complaint", classes=COMPLAINT_CLASSES, id_arg="complaint_id")
def link(complaint_id: int):
    """Link the complaint to the buyer's claim or conversation about the order."""
    complaint = _find(complaint_id)
    try:
        complaints.carrier.link_issue(
            complaint.id,
            visible_account_ids(),
            request.form.get("issue_id", ""),
            actor_id=current_user.id,
            now=utcnow(),
        )
    except FormErrors as error:
        return complaint_page(
            complaint, forms={"link": (request.form.to_dict(), field_errors(error))}, code=422
        )
    except NotFoundError:
        abort(404)
    flash(_("The link to the conversation was saved."), "success")
    return redirect(url_for(".detail", complaint_id=complaint_id))


@bp.post("/<int:complaint_id>/documents")
@pii("complaint", classes=COMPLAINT_CLASSES, id_arg="complaint_id")
def send_documents(complaint_id: int):
    """Answer the carrier's request: the files added since go to the carrier."""
    complaint = _find(complaint_id)
    settings = complaint_settings()
    try:
        complaints.carrier_flow.send_documents(
            complaint_ports(), complaint, actor_id=current_user.id, now=utcnow(), recheck=settings.recheck
        )
    except (ConflictError, CarrierTrouble) as error:
        flash(message_for(error), "error")
    except DeskError as error:
        return complaint_page(complaint, forms={"documents": ({}, {"files": [message_for(error)]})}, code=422)
    else:
        flash(_("The documents were sent to the carrier."), "success")
    return redirect(url_for(".detail", complaint_id=complaint_id))
