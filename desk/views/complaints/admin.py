"""The broker's administrators on complaints: answering service and invoice complaints, returning unfounded
ones, forwarding to carriers (over their API or by hand) and recording what carriers outside the desk say."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.orm import utcnow
from desk.services import complaints
from desk.services.complaints import CarrierTrouble, FormErrors
from desk.services.errors import ConflictError, NotFoundError
from desk.views.access import visible_account_ids
from desk.views.complaints.blueprint import admins_only, bp, field_errors
from desk.views.complaints.detail import complaint_page
from desk.views.errors import message_for
from desk.views.pii import COMPLAINT_CLASSES, pii
from desk.wiring.complaints import complaint_ports, complaint_settings, get_corrections


def _handle(complaint_id: int, form: str, action: Callable, done: str):
    """Run an administrator's action: a form error comes back at its field, a conflict as a message."""
    admins_only()
    try:
        complaint = complaints.find(complaint_id, visible_account_ids())
    except NotFoundError:
        abort(404)
    values = request.form.to_dict()
    try:
        action(complaint, values)
    except FormErrors as error:
        fresh = complaints.find(complaint_id, None)
        return complaint_page(fresh, forms={form: (values, field_errors(error))}, code=422)
    except (ConflictError, CarrierTrouble) as error:
        flash(message_for(error), "error")
    else:
        flash(done, "success")
    return redirect(url_for(".detail", complaint_id=complaint_id))


def _actor() -> dict:
    return {"actor_id": current_user.id, "now": utcnow()}


@bp.post("/<int:complaint_id>/answer")
@pii("complaint", classes=COMPLAINT_CLASSES, id_arg="complaint_id")
def answer(complaint_id: int):
    """The broker's answer to a service or invoice complaint (accepted or rejected, with its reason)."""
    return _handle(
        complaint_id,
        "answer",
        lambda c, v: complaints.broker.answer(
            c,
            accepted=v.get("decision") == "accept",
            text=v.get("answer", ""),
            amount=v.get("amount", ""),
            description=v.get("description", ""),
            corrections_port=get_corrections(),
            **_actor(),
        ),
        _("The answer was saved and shown to the seller."),
    )


@bp.post("/<int:complaint_id>/return")
@pii("complaint", classes=COMPLAINT_CLASSES, id_arg="complaint_id")
def return_unfounded(complaint_id: int):
    """Return a carrier complaint to the seller as unfounded."""
    return _handle(
        complaint_id,
        "return",
        lambda c, v: complaints.broker.return_unfounded(c, reason=v.get("reason", ""), **_actor()),
        _("The complaint was returned to the seller."),
    )


@bp.post("/<int:complaint_id>/forward")
@pii("complaint", classes=COMPLAINT_CLASSES, id_arg="complaint_id")
def forward(complaint_id: int):
    """File the complaint with the carrier over its API."""
    return _handle(
        complaint_id,
        "forward",
        lambda c, v: complaints.carrier_flow.forward(
            complaint_ports(), c, recheck=complaint_settings().recheck, **_actor()
        ),
        _("The complaint was filed with the carrier."),
    )


@bp.post("/<int:complaint_id>/forward-manual")
@pii("complaint", classes=COMPLAINT_CLASSES, id_arg="complaint_id")
def forward_manually(complaint_id: int):
    """Record a complaint filed with the carrier outside the desk."""
    return _handle(
        complaint_id,
        "forward_manual",
        lambda c, v: complaints.handling.forward_manually(c, v, **_actor()),
        _("The forwarding was recorded."),
    )


@bp.post("/<int:complaint_id>/carrier-request")
@pii("complaint", classes=COMPLAINT_CLASSES, id_arg="complaint_id")
def carrier_request(complaint_id: int):
    """Record the carrier's request for documents (carriers outside the desk)."""
    missing = request.form.getlist("missing")
    return _handle(
        complaint_id,
        "request",
        lambda c, v: complaints.handling.record_request(c, v, missing, **_actor()),
        _("The carrier's request was passed on to the seller."),
    )


@bp.post("/<int:complaint_id>/decision")
@pii("complaint", classes=COMPLAINT_CLASSES, id_arg="complaint_id")
def decision(complaint_id: int):
    """Record the carrier's decision (carriers outside the desk)."""
    return _handle(
        complaint_id,
        "decision",
        lambda c, v: complaints.handling.decide(c, v, get_corrections(), **_actor()),
        _("The carrier's decision was recorded."),
    )


@bp.post("/<int:complaint_id>/refund")
@pii("complaint", classes=COMPLAINT_CLASSES, id_arg="complaint_id")
def refund(complaint_id: int):
    """Refund the part of the fee the carrier's decision left open."""
    return _handle(
        complaint_id,
        "refund",
        lambda c, v: complaints.handling.refund(c, v, get_corrections(), **_actor()),
        _("The fee was refunded to the seller's balance."),
    )


@bp.post("/<int:complaint_id>/compensation")
@pii("complaint", classes=COMPLAINT_CLASSES, id_arg="complaint_id")
def compensation_paid(complaint_id: int):
    """The carrier's compensation reached the seller's account (the seller or an administrator says so)."""
    try:
        complaint = complaints.find(complaint_id, visible_account_ids())
    except NotFoundError:
        abort(404)
    values = request.form.to_dict()
    try:
        complaints.handling.compensation_paid(complaint, values, **_actor())
    except FormErrors as error:
        return complaint_page(complaint, forms={"compensation": (values, field_errors(error))}, code=422)
    except ConflictError as error:
        flash(message_for(error), "error")
    else:
        flash(_("The compensation was recorded as received."), "success")
    return redirect(url_for(".detail", complaint_id=complaint_id))
