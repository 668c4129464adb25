"""Nadaj przesyłkę: the shipment form of an order, the shipment's page, cancelling and checking it now."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.models.shipment import LIVE, BatchItemStatus
from desk.orm import utcnow
from desk.services import accounts as account_area
from desk.services.errors import N_, DeskError, NotFoundError, ValidationError
from desk.services.shipping import bulk, dispatch, forms, points, prefill, presets, service_names
from desk.services.shipping.tracking import promises
from desk.views.access import visible_account_ids
from desk.views.carrier_labels import FOR_SHIPPING, problem_text, stored_problem_text
from desk.views.catalog import translated
from desk.views.errors import message_for
from desk.views.forms import new_key
from desk.views.labels import COD_TIERS
from desk.views.query_args import db_id
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


def _ports() -> dispatch.PortFor:
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
def new(order_id: int):
    """The shipment form, prefilled from the order."""
    order = _order(order_id)
    return _form(order, _starting_values(order), {})


def _form(
    order, values: dict[str, str], errors: dict[str, list[str]], code: int = 200, compared=None, track=None
):
    choices = forms.service_choices(_ports(), order.account_id, BROKER_CARRIERS)
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
        dispatch.validate(_ports(), shipment_order)
        if not quote.priced:  # the broker cannot charge what its price list does not price
            errors["service"] = [
                _("This service has no price in the price list: %(reasons)s", reasons=_reasons(quote))
            ]
            return _form(order, values, errors, 422)
        shipment = dispatch.order_shipment(_ports(), shipment_order, agent_id=current_user.id)
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
        for c in forms.service_choices(_ports(), found.account_id, (found.carrier,))
    }
    return render_template(
        "ship/shipment.html", shipment=found, service_name=names.get((found.carrier, found.service)),
        cod=forms.cod_of(found.id),
    )


@bp.post("/<int:shipment_id>/check")
def check_now(shipment_id: int):
    """Ask the carrier now instead of waiting for the job."""
    found = _shipment(shipment_id)
    if found.status in LIVE:
        dispatch.check(_ports(), found)
    return redirect(url_for(".shipment", shipment_id=found.id))


@bp.post("/<int:shipment_id>/cancel")
def cancel(shipment_id: int):
    """Cancel at the carrier, or say why it cannot be done."""
    found = _shipment(shipment_id)
    try:
        dispatch.cancel(_ports(), found)
    except dispatch.CannotCancel as refused:
        flash(message_for(refused), "error")
    else:
        flash(_("The shipment was cancelled."), "success")
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
                _ports(),
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
    choices = forms.service_choices(_ports(), order.account_id, BROKER_CARRIERS)
    compared = [
        (choice, found, None if found.priced else _reasons(found))
        for choice, found in forms.compare(order.account_id, parsed, choices, utcnow().date())
    ]
    return _form(order, values, errors, compared=compared, track=promises.records(order.account_id, utcnow()))


# --- Nadaj zaznaczone: many orders at once, sent by the worker -------------------------------------


def _int_or_none(text: str | None) -> int | None:
    try:
        return db_id(text or "")
    except ValueError:
        return None


def _bulk_rows(order_ids: list[int], preset_id: int | None):
    try:
        return bulk.preview(order_ids, visible_account_ids(), _ports(), preset=preset_id)
    except NotFoundError:
        abort(404)


def _row_problems(row) -> list[str]:
    return [
        problem_text(p.carrier.field, p.carrier.code, p.carrier.params, p.carrier.message)
        if p.carrier
        else _(p.message, **p.params)
        for p in row.problems
    ]


@bp.post("/bulk/preview")
def bulk_preview():
    """Nadaj zaznaczone, before anything is sent: each selected order as it would go (carrier, service,
    parcel, price, cash on delivery) and every problem; the agent leaves rows out or changes the preset."""
    order_ids = request.form.getlist("order_ids", type=db_id)
    preset_id = _int_or_none(request.form.get("preset"))
    try:
        rows = _bulk_rows(order_ids, preset_id)
    except ValidationError as error:
        flash(message_for(error), "error")
        return redirect(url_for("orders.index"))
    account_ids = {row.order.account_id for row in rows}
    senders = {
        account.id: (account, bulk.sender_of(account))
        for account in account_area.visible_accounts(current_user)
        if account.id in account_ids
    }
    choices = [preset for account_id in sorted(account_ids) for preset in presets.presets_of(account_id)]
    return render_template(
        "ship/bulk_preview.html",
        rows=rows,
        problems={row.order.id: _row_problems(row) for row in rows},
        senders=senders,
        preset_choices=choices,
        preset_id=preset_id,
        batch_key=new_key(),
        service_names=service_names(),
        cod_tiers={account_id: forms.default_cod_tier(account_id) for account_id in account_ids},
    )


@bp.post("/bulk/start")
def bulk_start():
    """Record the batch (rows without problems the agent kept) and hand it to the worker."""
    order_ids = request.form.getlist("order_ids", type=db_id)
    chosen = set(request.form.getlist("send", type=db_id))
    try:
        batch = bulk.start(
            order_ids,
            visible_account_ids(),
            _ports(),
            preset=_int_or_none(request.form.get("preset")),
            key=request.form.get("batch_key", ""),
            agent_id=current_user.id,
            excluded=[order_id for order_id in order_ids if order_id not in chosen],
        )
    except NotFoundError:
        abort(404)
    except ValidationError as error:
        flash(message_for(error), "error")
        return redirect(url_for("orders.index"))
    return redirect(url_for(".bulk_batch", batch_id=batch.id))


@bp.get("/bulk/<int:batch_id>")
def bulk_batch(batch_id: int):
    """The batch's progress (the page reloads itself while items wait), failed rows with their error and
    a form to fix and retry each alone, and a link to every shipment made."""
    try:
        batch = bulk.batch_of(batch_id, visible_account_ids())
    except NotFoundError:
        abort(404)
    return _batch_page(batch, {}, {})


def _batch_page(batch, fix_errors: dict[int, list[str]], typed: dict[int, dict], code: int = 200):
    waiting = sum(item.status in (BatchItemStatus.WAITING, BatchItemStatus.SENDING) for item in batch.items)
    return render_template(
        "ship/bulk_batch.html",
        batch=batch,
        waiting=waiting,
        fix_errors=fix_errors,
        values={
            item.id: typed.get(item.id) or bulk.fixable_values(item)
            for item in batch.items
            if item.status is BatchItemStatus.FAILED
        },
        item_statuses=ITEM_STATUSES,
        service_names=service_names(),
    ), code


ITEM_STATUSES = {
    BatchItemStatus.WAITING: N_("waiting"),
    BatchItemStatus.SENDING: N_("sending"),
    BatchItemStatus.SENT: N_("sent"),
    BatchItemStatus.FAILED: N_("failed"),
}


@bp.post("/bulk/items/<int:item_id>/retry")
def bulk_retry(item_id: int):
    """Send one failed row again with the agent's corrections; if they are still wrong, the page says
    why next to the row."""
    allowed = visible_account_ids()
    try:
        item = bulk.item_of(item_id, allowed)
    except NotFoundError:
        abort(404)
    fixes = {name: request.form.get(name, "") for name in bulk.FIXABLE if name in request.form}
    try:
        bulk.retry_item(item.id, allowed, _ports(), fixes)
    except dispatch.ShipmentRefused as refused:
        texts = [problem_text(p.field, p.code, p.params, p.message) for p in refused.problems]
        return _batch_page(item.batch, {item.id: texts}, {item.id: fixes}, 422)
    except DeskError as error:
        return _batch_page(item.batch, {item.id: [message_for(error)]}, {item.id: fixes}, 422)
    flash(_("The row is waiting to be sent again."), "success")
    return redirect(url_for(".bulk_batch", batch_id=item.batch_id))
