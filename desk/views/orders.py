"""The orders desk: the list agents live in, the order page with its actions, and bulk status changes."""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import partial
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from desk.models import OutboxState
from desk.services import complaints, issues
from desk.services.errors import DeskError, NotFoundError, ValidationError
from desk.services.orders import actions as order_actions
from desk.services.orders import listing as orders
from desk.services.orders.actions import SETTABLE_STATUSES
from desk.services.shipping.tracking import parcels as shipping_parcels
from desk.views import labels
from desk.views.access import account_options, visible_account_ids
from desk.views.catalog import translated
from desk.views.complaint_labels import FOR_COMPLAINTS
from desk.views.errors import flashing_errors, message_for, write_error
from desk.views.forms import flash_outcome, new_key, posted_key
from desk.views.pii import LOGIN_ONLY, ORDER_CLASSES, Seen, pii, revealed, searched
from desk.views.query_args import date_range, db_id, page_links, parse_id
from desk.views.security import safe_redirect_target
from desk.views.shipping import parcel_labels
from desk.wiring import get_allegro, get_caches, settings
from desk.wiring.parcels import stuck_rules

bp = Blueprint("orders", __name__, url_prefix="/orders")
FILTER_ARGS = (
    "account", "status", "fulfillment", "cod", "delivery", "date_from", "date_to", "q", "sort", "parcel",
)
order_write_error = partial(write_error, area=labels.ORDER_WRITE_ERRORS)


@bp.context_processor
def _labels() -> dict[str, Any]:
    return translated(labels.FOR_ORDERS) | {
        "write_error": order_write_error,
        "conflict_codes": order_actions.CONFLICT_CODES,
    }


# --- list ---------------------------------------------------------------------------------------


@bp.get("/")
@pii("order", classes=LOGIN_ONLY, action="list")
def index():
    filters, invalid = parse_filters(request.args)
    # buyers under restriction of processing (GDPR Art. 18) are found by owners only
    filters = dataclasses.replace(filters, hide_restricted=not current_user.sees_all_accounts)
    after = request.args.get("after")
    page = orders.list_orders(filters=filters, account_ids=visible_account_ids(), after=after)
    _log_rows(page, filters.query)
    args = {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}
    return render_template(
        "orders/index.html",
        page=page,
        filters=filters,
        args=args,
        invalid=invalid,
        account_options=account_options(),
        delivery_options=[(name, name) for name in orders.delivery_methods(get_caches().delivery_methods)],
        message_key=new_key(),
        message_max=issues.THREAD_TEXT_MAX,
        **page_links(page, args),
    )


def _log_rows(page: orders.OrderPage, query: str) -> None:
    """The list shows each row's buyer login: one log row per order (a search keeps its query)."""
    seen = [Seen("order", r.order.id, r.order.account_id, r.order.buyer_allegro_id) for r in page.rows]
    if query:
        searched("order", seen, query)
    else:
        revealed("order", seen)


def parse_filters(args: Mapping[str, str]) -> tuple[orders.OrderFilters, list[str]]:
    """Filters from the query string, and the names of the values that could not be read."""
    invalid: list[str] = []
    dates = date_range(args, invalid)
    account = (args.get("account") or "").strip()
    filters = orders.OrderFilters(
        account_id=parse_id(account),
        status=args.get("status") or None,
        fulfillment_status=args.get("fulfillment") or None,
        cod_only=args.get("cod") in ("1", "on"),
        delivery_method=args.get("delivery") or None,
        query=(args.get("q") or "").strip()[:100],
        sort=args.get("sort") if args.get("sort") in orders.SORTS else "date_desc",
        parcel=args.get("parcel") if args.get("parcel") in orders.PARCEL_STATES else None,
        **dates,
    )
    return filters, invalid


# --- one order ----------------------------------------------------------------------------------


@bp.get("/<int:order_id>")
@pii("order", classes=ORDER_CLASSES, id_arg="order_id")
def detail(order_id: int):
    return _detail(order_id)


def _detail(
    order_id: int, *, status_form=None, tracking_form=None, note_form=None, tag_form=None, message_form=None,
    code: int = 200,
):
    """The order page; forms that failed come back with the agent's input and the reason."""
    detail = orders.order_detail(order_id, visible_account_ids())
    current = detail.order.fulfillment_status
    available = order_actions.list_carriers(get_allegro(), detail.order.account_id, get_caches().carriers)
    carriers = [(c.id, c.name or c.id) for c in available]
    options = list(carriers)
    if not any(carrier_id == "OTHER" for carrier_id, _name in carriers):
        # A typed carrier name stays possible even while Allegro's list cannot be read.
        options.append(("OTHER", _("Other carrier")))
    parcels = shipping_parcels.order_parcels(order_id, visible_account_ids(), stuck_rules())
    return render_template(
        "orders/detail.html",
        detail=detail,
        order=detail.order,
        carriers_known=bool(carriers),
        carrier_options=options,
        status_form=status_form
        or {"status": current if current in SETTABLE_STATUSES else "", "key": new_key()},
        tracking_form=tracking_form or {"key": new_key()},
        note_form=note_form or {},
        tag_form=tag_form,
        conversations=issues.conversations_for_order(order_id, visible_account_ids()),
        failed_messages=issues.failed_starts(order_id, visible_account_ids()),
        message_form=message_form or _noted(parcels, parse_id(request.args.get("note"))),
        message_limits=_message_limits(),
        parcels=parcels,
        complaints=complaints.listing.for_order(order_id, visible_account_ids()),
        parcel_returns=complaints.returns.returns(visible_account_ids(), order_id=order_id),
        complaint_labels=translated(FOR_COMPLAINTS),
    ), code


def _noted(parcels: list, parcel_id: int | None) -> dict[str, Any]:
    """A fresh message form; with `?note=<parcel id>` of a stuck parcel of the order, its text is the
    parcel's note for the buyer (the agent reads it, changes it if needed, and sends it)."""
    found = next((p for p in parcels if p.id == parcel_id and p.stuck_reason), None)
    return {"key": new_key()} | ({"text": parcel_labels.buyer_note(found)} if found else {})


def _message_limits() -> dict[str, int]:
    """What a message to the buyer may hold (Allegro's Message Center limits)."""
    return {"text": issues.THREAD_TEXT_MAX, "file": issues.THREAD_FILE_MAX_BYTES,
            "files": issues.MAX_ATTACHMENTS, "request": settings().max_request_bytes}


@bp.post("/<int:order_id>/status")
@pii("order", classes=ORDER_CLASSES, id_arg="order_id")
def change_status(order_id: int):
    status = request.form.get("status", "")
    form = {"status": status, "key": new_key()}
    try:
        result = order_actions.change_status(
            get_allegro(), order_id=order_id, status=status, agent_id=current_user.id,
            idempotency_key=posted_key(), account_ids=visible_account_ids(),
        )
    except ValidationError as exc:
        return _detail(order_id, status_form=form | {"error": message_for(exc)}, code=422)
    if result.conflict:
        return _detail(order_id, status_form=form | {"error": str(labels.ORDER_CONFLICT)}, code=409)
    return _after_write(order_id, result.message, "status_form", form)


@bp.post("/<int:order_id>/tracking")
@pii("order", classes=ORDER_CLASSES, id_arg="order_id")
def add_tracking(order_id: int):
    form = {name: request.form.get(name, "").strip() for name in ("carrier_id", "waybill", "carrier_name")}
    form["key"] = new_key()
    try:
        message = order_actions.add_tracking(
            get_allegro(), order_id=order_id, carrier_id=form["carrier_id"], waybill=form["waybill"],
            carrier_name=form["carrier_name"], agent_id=current_user.id, idempotency_key=posted_key(),
            account_ids=visible_account_ids(),
        )
    except ValidationError as exc:
        return _detail(order_id, tracking_form=form | {"error": message_for(exc)}, code=422)
    return _after_write(order_id, message, "tracking_form", form)


def _after_write(order_id: int, message, form_name: str, form: dict):
    """Back to the order page, or the same form again with the agent's input when Allegro refused."""
    if message.state is OutboxState.FAILED:
        error = order_write_error(message.last_error_code, message.last_error)
        return _detail(order_id, **{form_name: form | {"error": error}}, code=422)
    flash_outcome(message, sent=_("Saved on Allegro."),
                  waiting=_("Saved in the desk; it will be sent to Allegro shortly."))
    return redirect(url_for(".detail", order_id=order_id))


@bp.post("/<int:order_id>/writes/<int:message_id>/retry")
def retry(order_id: int, message_id: int):
    message = order_actions.retry_write(get_allegro(), message_id, visible_account_ids())
    reason = order_write_error(message.last_error_code, message.last_error)
    flash_outcome(message, sent=_("Saved on Allegro."),
                  waiting=reason or _("The change will be sent again shortly."))
    return redirect(url_for(".detail", order_id=order_id))


@bp.post("/<int:order_id>/refresh")
def refresh(order_id: int):
    with flashing_errors(_("The order has been read again from Allegro.")):
        order_actions.refresh_order(get_allegro(), order_id, visible_account_ids())
    return redirect(url_for(".detail", order_id=order_id))


@bp.post("/<int:order_id>/tag")
@pii("order", classes=ORDER_CLASSES, id_arg="order_id")
def set_tag(order_id: int):
    tag = request.form.get("tag", "")
    try:
        orders.set_tag(order_id, tag=tag, agent_id=current_user.id, account_ids=visible_account_ids())
    except ValidationError as exc:  # the typed tag comes back with the reason
        return _detail(order_id, tag_form={"tag": tag, "error": message_for(exc)}, code=422)
    return redirect(url_for(".detail", order_id=order_id))


@bp.post("/<int:order_id>/notes")
@pii("order", classes=ORDER_CLASSES, id_arg="order_id")
def add_note(order_id: int):
    text = request.form.get("text", "")
    try:
        orders.add_note(order_id, text=text, agent_id=current_user.id, account_ids=visible_account_ids())
    except ValidationError as exc:
        return _detail(order_id, note_form={"text": text, "error": message_for(exc)}, code=422)
    flash(_("Note added."), "success")
    return redirect(url_for(".detail", order_id=order_id, _anchor="notes"))


@bp.post("/<int:order_id>/message")
@pii("order", classes=ORDER_CLASSES, id_arg="order_id")
def write_to_buyer(order_id: int):
    """A new Message Center thread with the order's buyer; a text of a kind Allegro already
    notifies buyers about comes back with the reasons until the agent confirms it."""
    text = request.form.get("text", "")
    uploads = [issues.Upload(f.filename or "", f.read()) for f in request.files.getlist("attachments")
               if f and f.filename]
    key = posted_key()
    form = {"text": text, "key": new_key(), "dropped": [u.file_name for u in uploads]}
    try:
        outcome = issues.start_thread(
            get_allegro(), order_id=order_id, agent_id=current_user.id, text=text, uploads=uploads,
            idempotency_key=key, account_ids=visible_account_ids(),
            acknowledged=request.form.get("acknowledged") == "1",
        )
    except NotFoundError:
        raise  # the error pages answer 404
    except DeskError as exc:  # invalid text or file: nothing was sent
        return _detail(order_id, message_form=form | {"error": message_for(exc)}, code=422)
    message = outcome.message
    if message is None:  # the rules' warning: the same key, so confirming sends exactly once
        findings = [_(finding.label) for finding in outcome.findings]
        return _detail(order_id, message_form=form | {"findings": findings, "key": key}, code=422)
    if message.state is OutboxState.FAILED:
        error = order_write_error(message.last_error_code, message.last_error)
        return _detail(order_id, message_form=form | {"error": error}, code=422)
    flash_outcome(message, sent=_("Message sent to the buyer."),
                  waiting=_("The message is saved in the desk and will be sent to Allegro shortly."))
    conversation = issues.started_conversation_id(message)
    if conversation is not None:
        return redirect(url_for("issues.detail", issue_id=conversation, _anchor="chat-end"))
    return redirect(url_for(".detail", order_id=order_id, _anchor="conversations"))


@bp.post("/<int:order_id>/message/<int:message_id>/retry")
def retry_message(order_id: int, message_id: int):
    """Send a refused message to the buyer again, with its kept files."""
    message = issues.retry_start(
        get_allegro(), order_id=order_id, message_id=message_id, account_ids=visible_account_ids()
    )
    if message.state is OutboxState.FAILED:
        flash(order_write_error(message.last_error_code, message.last_error), "error")
    else:
        flash_outcome(message, sent=_("Message sent to the buyer."),
                      waiting=_("The message is saved in the desk and will be sent to Allegro shortly."))
    return redirect(url_for(".detail", order_id=order_id, _anchor="message"))


@bp.post("/<int:order_id>/message/<int:message_id>/discard")
def discard_message(order_id: int, message_id: int):
    """Forget a refused message to the buyer."""
    issues.discard_start(order_id=order_id, message_id=message_id, account_ids=visible_account_ids())
    flash(_("The unsent message was discarded."), "success")
    return redirect(url_for(".detail", order_id=order_id, _anchor="message"))


# --- bulk status change -------------------------------------------------------------------------


@bp.post("/bulk/preview")
@pii("order", classes=LOGIN_ONLY, action="list")
def bulk_preview():
    back = safe_redirect_target(request.form.get("back")) or url_for(".index")
    try:
        preview = order_actions.bulk_preview(
            request.form.getlist("order_ids", type=db_id), request.form.get("status", ""),
            visible_account_ids(),
        )
    except ValidationError as exc:
        flash(message_for(exc), "error")
        return redirect(back)
    _log_bulk(preview)
    return render_template("orders/bulk_preview.html", preview=preview, batch_id=new_key(), back=back)


@bp.post("/bulk/confirm")
@pii("order", classes=LOGIN_ONLY, action="list")
def bulk_confirm():
    back = safe_redirect_target(request.form.get("back")) or url_for(".index")
    try:
        result = order_actions.bulk_change_status(
            get_allegro(), order_ids=request.form.getlist("order_ids", type=db_id),
            status=request.form.get("status", ""), batch_id=request.form.get("batch_id", ""),
            agent_id=current_user.id, account_ids=visible_account_ids(),
        )
    except ValidationError as exc:
        flash(message_for(exc), "error")
        return redirect(back)
    _log_bulk(result)
    return render_template("orders/bulk_result.html", result=result, back=back)


def _log_bulk(preview: order_actions.BulkPreview) -> None:
    """The bulk tables show each visible order's buyer login."""
    revealed("order", [Seen("order", item.order.id, item.order.account_id, item.order.buyer_allegro_id)
                       for item in preview.items if item.order is not None])


# --- bulk message to buyers ---------------------------------------------------------------------


@bp.post("/bulk/message")
def bulk_message():
    """The same text to the buyer of every selected order (one new thread each); refused whole when
    the text repeats what Allegro tells buyers itself."""
    back = safe_redirect_target(request.form.get("back")) or url_for(".index")
    order_ids = request.form.getlist("order_ids", type=db_id)
    try:
        outcome = issues.start_threads_bulk(
            get_allegro(), order_ids=order_ids, agent_id=current_user.id, text=request.form.get("text", ""),
            idempotency_key=posted_key(), account_ids=visible_account_ids(),
        )
    except DeskError as exc:  # NotFoundError too: an order gone or not visible stops the batch
        flash(message_for(exc), "error")
        return redirect(back)
    if outcome.refused:
        reasons = "; ".join(_(finding.label) for finding in outcome.refused)
        flash(_("Nothing was sent: the message repeats what Allegro tells buyers itself (%(reasons)s), and "
                "such a message may not go to many buyers at once.", reasons=reasons), "error")
        return redirect(back)
    total = len(set(order_ids))
    if outcome.sent == total:
        flash(ngettext("Message sent to %(num)d buyer.", "Message sent to %(num)d buyers.", total), "success")
    else:
        flash(_("Sent to %(sent)d of %(count)d buyers; the rest wait in the desk's queue and go out within "
                "a minute (Allegro takes one message a second).", sent=outcome.sent, count=total), "info")
    return redirect(back)
