"""Nadaj przesyłkę: the shipment form of an order, the shipment's page, cancelling and checking it now."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal as babel_decimal
from flask_babel import gettext as _
from flask_login import current_user

from desk.models import Role
from desk.models.shipment import LIVE
from desk.orm import utcnow
from desk.services import accounts as account_area
from desk.services.errors import DeskError, NotFoundError
from desk.services.shipping import cancellation, dispatch, forms, points, prefill, presets
from desk.services.shipping.tracking import promises
from desk.views.access import visible_account_ids
from desk.views.carrier_labels import FOR_SHIPPING, problem_text, stored_problem_text
from desk.views.catalog import translated
from desk.views.errors import message_for
from desk.views.forms import new_key
from desk.views.labels import COD_TIERS
from desk.views.pii import RECEIVER_CLASSES, pii
from desk.wiring.billing import billing_policy
from desk.wiring.carriers import BROKER_CARRIERS, get_carriers

bp = Blueprint("ship", __name__, url_prefix="/ship")


def _cm(millimetres: int) -> str:
    return format_decimal(millimetres / 10)


def _kg(grams: int) -> str:
    return format_decimal(grams / 1000)


def format_decimal(value: float) -> str:
    """Centimetres and kilograms as people type them: decimal comma, no trailing zeros."""
    return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", ",")


_COD_TIERS = {"tiers": COD_TIERS}


@bp.context_processor
def _labels() -> dict:
    tiers = [(str(days), label) for days, label in translated(_COD_TIERS)["tiers"].items()]
    return translated(FOR_SHIPPING) | {
        "carrier_problem": stored_problem_text, "cm": _cm, "kg": _kg, "cod_tier_options": tiers
    }


def carrier_ports() -> dispatch.PortFor:
    """The carriers' ports as the services take them: (carrier, account id) -> port."""
    gateway = get_carriers()
    return lambda carrier, account_id: gateway.port(carrier, account_id=account_id)


def _order(order_id: int):
    try:
        return prefill.order_to_ship(order_id, visible_account_ids())
    except NotFoundError:
        abort(404)


def _starting_values(order) -> dict[str, str]:
    """The form as the order suggests it (and the sender as last time)."""
    draft = prefill.draft_for(order)
    values = {f"receiver_{name}": getattr(draft.receiver, name) for name in forms.ADDRESS_FIELDS}
    sender = forms.last_sender(order.account_id)
    if sender is not None:
        values |= {f"sender_{name}": getattr(sender, name) for name in forms.ADDRESS_FIELDS}
    if draft.fit is not None:
        values["service"] = f"{draft.fit.carrier}:{draft.fit.service}"
    values |= {
        "target_point": draft.target_point,
        "cod_amount": f"{draft.cod_amount:.2f}".replace(".", ",") if draft.cod_amount else "",
        "insurance": f"{draft.insurance:.2f}".replace(".", ","),
        "reference": draft.reference,
        "allegro_order_id": order.allegro_id,
        "idempotency_key": new_key(),
        "cod_tier": str(forms.default_cod_tier(order.account_id)),
    }
    return values


@bp.get("/orders/<int:order_id>")
@pii("order", classes=RECEIVER_CLASSES, id_arg="order_id")
def new(order_id: int):
    """The shipment form, prefilled from the order."""
    order = _order(order_id)
    return _form(order, _starting_values(order), {})


def _form(
    order, values: dict[str, str], errors: dict[str, list[str]], code: int = 200, compared=None, track=None
):
    choices = forms.service_choices(carrier_ports(), order.account_id, BROKER_CARRIERS)
    return (
        render_template(
            "ship/form.html",
            order=order,
            values=values,
            errors=errors,
            choices=choices,
            shipments=prefill.shipments_of_order(order.id),
            presets=presets.presets_of(order.account_id),
            broker_carriers=BROKER_CARRIERS,
            compared=compared,
            promises=promises.PROMISES,
            track=track or {},
            cod_bank=forms.cod_bank(values.get("cod_iban", "")),
        ),
        code,
    )


@bp.post("/orders/<int:order_id>")
@pii("order", classes=RECEIVER_CLASSES, id_arg="order_id")
def create(order_id: int):
    """Order the shipment once; on bad input the form comes back as typed, each error at its field."""
    order = _order(order_id)
    values = request.form.to_dict()
    carrier, _sep, service = (values.get("service") or "").partition(":")
    values_for_request = {**values, "service": service}
    parsed, problems = forms.parse(values_for_request, request.form.getlist("additional"))
    cod_tier, tier_problems = forms.cod_tier(values)
    errors: dict[str, list[str]] = {}
    for problem in problems + tier_problems:
        errors.setdefault(problem.field, []).append(_(problem.message, **(problem.params or {})))
    if parsed is None or tier_problems:
        return _form(order, values, errors, 422)
    quote = forms.price(order.account_id, carrier, parsed, utcnow().date())
    shipment_order = dispatch.ShipmentOrder(
        account_id=order.account_id,
        carrier=carrier,
        request=parsed,
        order_id=order.id,
        quote=quote.to_snapshot() if quote.priced else None,
        price_gross=quote.gross if quote.priced else None,
        cod_tier=cod_tier,
    )
    try:
        dispatch.validate(carrier_ports(), shipment_order)
        if not quote.priced:  # the broker cannot charge what its price list does not price
            errors["service"] = [
                _("This service has no price in the price list: %(reasons)s", reasons=_reasons(quote))
            ]
            return _form(order, values, errors, 422)
        shipment = dispatch.order_shipment(carrier_ports(), shipment_order, agent_id=current_user.id)
    except dispatch.ShipmentRefused as refused:
        for problem in refused.problems:
            text = problem_text(problem.field, problem.code, problem.params, problem.message)
            errors.setdefault(forms.field_of(problem), []).append(text)
        if not quote.priced:
            errors.setdefault("service", []).append(
                _("This service has no price in the price list: %(reasons)s", reasons=_reasons(quote))
            )
        return _form(order, values, errors, 422)
    flash(_("The shipment order was sent to the carrier."), "success")
    return redirect(url_for(".shipment", shipment_id=shipment.id))


def _shipment(shipment_id: int):
    try:
        return prefill.shipment_of(shipment_id, visible_account_ids())
    except NotFoundError:
        abort(404)


@bp.get("/<int:shipment_id>")
def shipment(shipment_id: int):
    """The shipment: its status at the carrier, waybills, problems and tracking."""
    found = _shipment(shipment_id)
    names = {
        (c.carrier, c.code): c.name
        for c in forms.service_choices(carrier_ports(), found.account_id, (found.carrier,))
    }
    option = cancellation.cancel_option(
        carrier_ports(), found, now=utcnow(), policy=billing_policy(),
        by_admin=current_user.role == Role.ADMIN,
    )
    return render_template(
        "ship/shipment.html", shipment=found, service_name=names.get((found.carrier, found.service)),
        cancel=option, cancel_reason=_(option.reason, **option.params) if option.reason else "",
        cod=forms.cod_of(found.id),
    )


@bp.post("/<int:shipment_id>/check")
def check_now(shipment_id: int):
    """Ask the carrier now instead of waiting for the job."""
    found = _shipment(shipment_id)
    if found.status in LIVE:
        dispatch.check(carrier_ports(), found)
    return redirect(url_for(".shipment", shipment_id=found.id))


@bp.post("/<int:shipment_id>/cancel")
def cancel(shipment_id: int):
    """Cancel on the broker's terms (free before the cutoff, an administrator's fee after it) with the
    refund, or say why it cannot be done."""
    found = _shipment(shipment_id)
    try:
        done = cancellation.cancel_shipment(
            carrier_ports(), found, now=utcnow(), policy=billing_policy(),
            by_admin=current_user.role == Role.ADMIN, actor_id=current_user.id,
        )
    except dispatch.CannotCancel as refused:
        flash(message_for(refused), "error")
    else:
        flash(_("The shipment was cancelled."), "success")
        if done.fee:
            flash(_("Refunded %(refund)s zł, charged the cancellation fee of %(fee)s zł.",
                    refund=babel_decimal(done.refund, format="#,##0.00"),
                    fee=babel_decimal(done.fee, format="#,##0.00")), "info")
    return redirect(url_for(".shipment", shipment_id=found.id))


@bp.get("/presets")
def presets_page():
    """The package presets of every account the agent may see, and a form for a new one."""
    return _presets_page({}, None)


def _presets_page(form: dict, error: str | None, code: int = 200):
    accounts = account_area.visible_accounts(current_user)
    found = {account.id: presets.presets_of(account.id) for account in accounts}
    choices = [(str(account.id), account.name) for account in accounts]
    return render_template(
        "ship/presets.html", accounts=accounts, presets=found, account_choices=choices, form=form, error=error
    ), code


@bp.post("/presets")
def add_preset():
    """Save a preset for an account the agent may see; on a mistake the form comes back as typed."""
    form = request.form.to_dict()
    try:
        account_id = int(form.get("account_id") or 0)
    except ValueError:
        account_id = 0
    allowed = visible_account_ids()
    if allowed is not None and account_id not in allowed:
        abort(404)
    try:
        presets.add_preset(
            account_id,
            name=form.get("name", ""),
            length_cm=form.get("length_cm", ""),
            width_cm=form.get("width_cm", ""),
            height_cm=form.get("height_cm", ""),
            weight_kg=form.get("weight_kg", ""),
            template=form.get("template", ""),
        )
    except DeskError as error:
        return _presets_page(form, message_for(error), 422)
    flash(_("The preset was saved."), "success")
    return redirect(url_for(".presets_page"))


@bp.post("/presets/<int:preset_id>/delete")
def delete_preset(preset_id: int):
    """Remove a preset."""
    try:
        presets.delete_preset(preset_id, visible_account_ids())
    except NotFoundError:
        abort(404)
    flash(_("The preset was deleted."), "success")
    return redirect(url_for(".presets_page"))


@bp.get("/points")
def points_page():
    """The point picker: search a carrier's points by postcode, city and street (a fragment for the form's
    script with ?fragment=1, else a page of its own)."""
    args = request.args
    account_id = args.get("account_id", type=int) or 0
    allowed = visible_account_ids()
    if allowed is not None and account_id not in allowed:
        abort(404)
    carrier = args.get("carrier", "")
    error, found = None, []
    if carrier not in BROKER_CARRIERS:
        error = _("Choose the carrier whose points to search.")
    else:
        try:
            found = points.search_points(
                carrier_ports(),
                account_id,
                carrier,
                postcode=args.get("postcode", ""),
                city=args.get("city", ""),
                street=args.get("street", ""),
            )
        except DeskError as failed:
            error = message_for(failed)
    template = "ship/_points.html" if args.get("fragment") else "ship/points.html"
    return render_template(template, points=found, error=error, args=args), 422 if error else 200


def _reasons(not_priced) -> str:
    return "; ".join(_(reason.message, **reason.params) for reason in not_priced.reasons)


@bp.post("/orders/<int:order_id>/quotes")
@pii("order", classes=RECEIVER_CLASSES, id_arg="order_id")
def compare(order_id: int):
    """Every service priced side by side for the parcel as typed; the form comes back as it was."""
    order = _order(order_id)
    values = request.form.to_dict()
    carrier_service = {**values, "service": (values.get("service") or "").partition(":")[2]}
    parsed, problems = forms.parse(carrier_service, request.form.getlist("additional"), need_service=False)
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.field, []).append(_(problem.message, **(problem.params or {})))
    if parsed is None:
        return _form(order, values, errors, 422)
    choices = forms.service_choices(carrier_ports(), order.account_id, BROKER_CARRIERS)
    compared = [
        (choice, found, None if found.priced else _reasons(found))
        for choice, found in forms.compare(order.account_id, parsed, choices, utcnow().date())
    ]
    return _form(order, values, errors, compared=compared, track=promises.records(order.account_id, utcnow()))
