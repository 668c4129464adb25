"""Zamknięcie dnia: the shipping day of one seller account, its labels, packing list, protocols and
courier pickups. Agents limited to some accounts see and ship only theirs (404 for any other)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.models import Role
from desk.services import accounts as account_area
from desk.services.errors import DeskError, NotFoundError
from desk.services.shipping.closeout import day as closeout
from desk.services.shipping.closeout import labels, lost_calls, packing, pickups
from desk.services.shipping.closeout.labels import Document
from desk.services.shipping.closeout.pickups import PickupFormError, PickupOrder
from desk.views import labels as label_tables
from desk.views.access import ensure_account_visible, require_roles
from desk.views.catalog import translated
from desk.views.errors import message_for
from desk.views.forms import new_key, posted_key
from desk.views.pii import RECEIVER_CLASSES, pii, revealed
from desk.views.query_args import db_id, parse_day
from desk.wiring.carriers import get_carriers

bp = Blueprint("closeout", __name__, url_prefix="/closeout")
managers = require_roles(Role.ADMIN, Role.OWNER)


@bp.context_processor
def _labels() -> dict[str, Any]:
    return translated(label_tables.FOR_CLOSEOUT)


def port_for(carrier: str, account_id: int):
    """The carrier port the shipping services ask (the fakes under `make run` and in tests)."""
    return get_carriers().port(carrier, account_id=account_id)


def _day(text: str | None) -> dt.date:
    return parse_day((text or "").strip()) or closeout.today()


def _back(account_id: int, day: dt.date | None = None):
    day = day or _day(request.form.get("day"))
    return redirect(url_for(".index", account=account_id, day=day.isoformat()))


def _file(document: Document):
    return send_file(
        io.BytesIO(document.content),
        mimetype=document.media_type,
        as_attachment=True,
        download_name=document.filename,
    )


def _chosen_ids() -> list[int]:
    return request.form.getlist("shipment", type=db_id)


# --- the day -------------------------------------------------------------------------------------


@bp.get("/")
def index():
    visible = account_area.visible_accounts(current_user._get_current_object())
    if not visible:
        return render_template("closeout/index.html", accounts=[], view=None, account=None, day=None)
    asked = request.args.get("account", type=db_id)
    account = next((a for a in visible if a.id == asked), None) if asked else visible[0]
    if account is None:
        abort(404)
    day = _day(request.args.get("day"))
    view = closeout.day_view(port_for, account.id, day)
    return render_template(
        "closeout/index.html",
        accounts=visible,
        account_pairs=[(a.id, a.name) for a in visible],
        account=account,
        day=day,
        view=view,
        today=closeout.today(),
        pickup_day=pickups.first_pickup_day(),
    )


# --- documents -----------------------------------------------------------------------------------


@bp.post("/<int:account_id>/labels")
@pii("shipment", classes=RECEIVER_CLASSES, action="download")
def labels_selected(account_id: int):
    """The selected shipments' labels as one document (A6 pages, A4 four-up or ZPL)."""
    ensure_account_visible(account_id)
    return _labels_of(account_id, _chosen_ids())


@bp.post("/<int:account_id>/shipments/<int:shipment_id>/label")
@pii("shipment", classes=RECEIVER_CLASSES, action="download")
def label(account_id: int, shipment_id: int):
    """One shipment's label."""
    ensure_account_visible(account_id)
    return _labels_of(account_id, [shipment_id], request.form.get("single_format") or "a6")


def _labels_of(account_id: int, shipment_ids: list[int], choice: str | None = None):
    try:
        shipments = labels.shipments_of(account_id, shipment_ids)  # NotFoundError: the 404 page
        document = labels.download(port_for, shipments, choice or request.form.get("format", "a4"))
    except labels.LabelsUnavailable as exc:
        flash(message_for(exc), "error")
        return _back(account_id)
    revealed("shipment", [s.id for s in shipments])  # a label prints the receiver's name and address
    return _file(document)


@bp.post("/<int:account_id>/packing-list")
@pii("shipment", classes=("identity",), action="download")
def packing_list(account_id: int):
    """The packing list of the selected shipments (order, buyer, items with SKU and quantity)."""
    ensure_account_visible(account_id)
    try:
        shipments = labels.shipments_of(account_id, _chosen_ids())
    except labels.LabelsUnavailable as exc:
        flash(message_for(exc), "error")
        return _back(account_id)
    revealed("shipment", [s.id for s in shipments])  # the list names each order's buyer
    return _file(packing.packing_list(shipments))


@bp.post("/<int:account_id>/protocol")
@pii("shipment", classes=RECEIVER_CLASSES, action="download")
def protocol(account_id: int):
    """The carrier's handover protocol of the day, or a word that the carrier needs none."""
    ensure_account_visible(account_id)
    carrier = request.form.get("carrier", "")
    day = _day(request.form.get("day"))
    name = label_tables.CARRIER_NAMES.get(carrier, carrier)
    try:
        document = closeout.protocol(port_for, account_id, carrier, day)
    except DeskError as exc:
        flash(message_for(exc), "error")
        return _back(account_id, day)
    if document is None:
        flash(_("%(carrier)s needs no handover protocol for these parcels.", carrier=name), "info")
        return _back(account_id, day)
    # the protocol lists each parcel's receiver (Poczta Polska's book: name and address)
    revealed("shipment", closeout.ids(closeout.protocol_shipments(account_id, carrier, day)))
    filename = f"protokol-{carrier}-{day.isoformat()}.pdf"
    return _file(Document(document.content, filename, document.media_type))


# --- courier pickups -----------------------------------------------------------------------------


@bp.get("/<int:account_id>/pickup")
def pickup_form(account_id: int):
    """Proposed pickup windows for the chosen day and shipments of one carrier."""
    ensure_account_visible(account_id)
    carrier = request.args.get("carrier", "")
    day = parse_day((request.args.get("day") or "").strip()) or pickups.first_pickup_day()
    chosen = request.args.getlist("shipment", type=db_id)
    form = {"carrier": carrier, "day": day.isoformat(), "shipments": chosen, "key": new_key(), "window": ""}
    return _pickup_page(account_id, form)


@bp.post("/<int:account_id>/pickup")
def pickup_order(account_id: int):
    """Call the courier for the chosen window once (the form's key)."""
    ensure_account_visible(account_id)
    form = {
        "carrier": request.form.get("carrier", ""),
        "day": (request.form.get("day") or "").strip(),
        "shipments": _chosen_ids(),
        "key": posted_key(64),
        "window": request.form.get("window", ""),
    }
    day = parse_day(form["day"])
    if day is None:
        return _pickup_page(account_id, form, {"day": _("Enter a date such as 31.05.2024.")}, 422)
    window = pickups.parse_window(form["window"])
    if window is None:
        return _pickup_page(account_id, form, {"window": _("Choose one of the proposed times.")}, 422)
    order = PickupOrder(account_id, form["carrier"], day, window, tuple(form["shipments"]), form["key"])
    try:
        pickup = pickups.order_pickup(port_for, order, agent_id=current_user.id)
    except PickupFormError as exc:
        return _pickup_page(account_id, form, {exc.field: message_for(exc)}, 422)
    _flash_pickup(pickup)
    return _back(account_id, pickup.day)


def _flash_pickup(pickup) -> None:
    if pickup.status.value == "ordered":
        flash(_("The courier is called."), "success")
    elif pickup.status.value == "checking":
        flash(
            _("The carrier's answer was lost. The desk does not call again: check with the carrier first."),
            "warning",
        )
    else:
        flash(_("The carrier did not take the pickup: %(reason)s", reason=pickup.last_error or "—"), "error")


def _lost_call(account_id: int, pickup_id: int):
    """A pickup of the account, if the agent may see the account (404 otherwise)."""
    ensure_account_visible(account_id)
    try:
        pickup = lost_calls.lost_call(pickup_id, {account_id})
    except NotFoundError:
        abort(404)
    return pickup


@bp.post("/<int:account_id>/pickups/<int:pickup_id>/check")
def pickup_check(account_id: int, pickup_id: int):
    """Ask the carrier what became of a courier call whose answer was lost."""
    pickup = lost_calls.recheck(port_for, _lost_call(account_id, pickup_id))
    if pickup.status.value == "ordered":
        flash(_("The carrier has this call: the courier is coming."), "success")
    elif pickup.status.value == "ordering":
        flash(_("The carrier never got this call: order the courier again."), "warning")
    else:
        flash(
            _("The carrier cannot tell (yet). Ask it by phone or in its panel, then note what it said."),
            "warning",
        )
    return _back(account_id, pickup.day)


@bp.post("/<int:account_id>/pickups/<int:pickup_id>/settle")
def pickup_settle(account_id: int, pickup_id: int):
    """What the agent learnt from the carrier about a lost call: the courier is coming, or no such call."""
    pickup = _lost_call(account_id, pickup_id)
    coming = request.form.get("outcome") == "coming"
    try:
        lost_calls.settle(pickup.id, {account_id}, coming=coming, agent_id=current_user.id)
    except DeskError as exc:
        flash(message_for(exc), "error")
    else:
        noted = _("Noted: the courier is coming.") if coming else _("Noted: the call can be made again.")
        flash(noted, "success")
    return _back(account_id, pickup.day)


def _pickup_page(account_id: int, form: dict[str, Any], errors: dict | None = None, code: int = 200):
    errors = dict(errors or {})
    account = account_area.get_account(account_id)
    day = parse_day(form["day"]) or closeout.today()
    candidates = [
        s
        for s in closeout.shipments_of_day(account_id, closeout.today(), form["carrier"] or None)
        if s.status in labels.LABELLED and s.carrier_shipment_id
    ]
    taken = pickups.called_for(account_id, form["carrier"]) if form["carrier"] else set()
    candidates = [s for s in candidates if s.id not in taken or s.id in form["shipments"]]
    if not form["shipments"]:
        form["shipments"] = [s.id for s in candidates if closeout.mode_of(s) == closeout.PICKUP]
    windows: tuple = ()
    if not errors or set(errors) == {"window"}:
        try:
            windows = pickups.windows(port_for, account_id, form["carrier"], day, form["shipments"])
        except PickupFormError as exc:
            errors.setdefault(exc.field, message_for(exc))
    return (
        render_template(
            "closeout/pickup.html",
            account=account,
            form=form,
            errors=errors,
            windows=[(pickups.window_value(w), w) for w in windows],
            candidates=candidates,
            next_day=pickups.next_working_day(closeout.today()),
        ),
        code,
    )


# --- the account's sender address (where couriers come) -------------------------------------------


@bp.route("/<int:account_id>/sender", methods=["GET", "POST"])
@managers
def sender(account_id: int):
    """The sender address couriers collect from; shown on the account page too."""
    account = account_area.get_account(account_id)
    if request.method == "GET":
        values = {name: getattr(account, f"sender_{name}") for name in pickups.SENDER_FIELDS}
        return render_template("closeout/sender.html", account=account, values=values, errors={})
    values = {name: request.form.get(name, "") for name in pickups.SENDER_FIELDS}
    try:
        pickups.save_sender(account_id, values)
    except PickupFormError as exc:
        errors = {exc.field: message_for(exc)}
        return render_template("closeout/sender.html", account=account, values=values, errors=errors), 422
    flash(_("The sender address is saved."), "success")
    return redirect(url_for("accounts.detail", account_id=account_id))
