"""Nadaj zaznaczone: the preview of the orders checked on the orders list, the batch page following the
worker, and a failed row corrected (receiver, point, parcel, service) and sent again alone, each error in
Polish next to its field. Routes of the `ship` blueprint."""

from __future__ import annotations

from collections.abc import Iterable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.models.shipment import BatchItemStatus
from desk.services import accounts as account_area
from desk.services.errors import N_, DeskError, NotFoundError, ValidationError
from desk.services.shipping import bulk, dispatch, forms, presets, service_names
from desk.services.shipping.pricing.catalog import INPOST_GABARYT
from desk.views.access import visible_account_ids
from desk.views.carrier_labels import problem_text
from desk.views.errors import message_for
from desk.views.forms import new_key
from desk.views.pii import RECEIVER_CLASSES, pii, revealed
from desk.views.query_args import db_id
from desk.views.shipping.ship import bp, carrier_ports


def _int_or_none(text: str | None) -> int | None:
    try:
        return db_id(text or "")
    except ValueError:
        return None


def _bulk_rows(order_ids: list[int], preset_id: int | None):
    try:
        return bulk.preview(order_ids, visible_account_ids(), carrier_ports(), preset=preset_id)
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
            carrier_ports(),
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
@pii("order", classes=RECEIVER_CLASSES, action="list")
def bulk_batch(batch_id: int):
    """The batch's progress (the page reloads itself while items wait), failed rows with their error and
    a form to fix and retry each alone, and a link to every shipment made."""
    try:
        batch = bulk.batch_of(batch_id, visible_account_ids())
    except NotFoundError:
        abort(404)
    return _batch_page(batch, {}, {})


def _batch_page(batch, fix_errors: dict[int, dict[str, list[str]]], typed: dict[int, dict], code: int = 200):
    waiting = sum(item.status in (BatchItemStatus.WAITING, BatchItemStatus.SENDING) for item in batch.items)
    failed = [item for item in batch.items if item.status is BatchItemStatus.FAILED]
    revealed("order", [item.order_id for item in failed])  # their fix forms show the receiver
    ports = carrier_ports()
    return render_template(
        "ship/bulk_batch.html",
        batch=batch,
        waiting=waiting,
        fix_errors=fix_errors,
        values={item.id: bulk.fixable_values(item) | typed.get(item.id, {}) for item in failed},
        groups={
            item.id: bulk.fix_groups(item, [*fix_errors.get(item.id, {}), *typed.get(item.id, {})])
            for item in failed
        },
        options={item.id: _fix_options(bulk.fix_choices(ports, item)) for item in failed},
        item_statuses=ITEM_STATUSES,
        service_names=service_names(),
    ), code


def _fix_options(choices: bulk.FixChoices) -> dict[str, list[tuple[str, str]]]:
    """The retry form's lists: presets (or none: the typed sizes), sizes (InPost's as gabaryt), services."""
    return {
        "preset": [("", _("None: the sizes below")), *((str(p.id), p.name) for p in choices.presets)],
        "template": [("", "—"), *((t, INPOST_GABARYT.get(t, t)) for t in choices.templates)],
        "service": list(choices.services),
    }


ITEM_STATUSES = {
    BatchItemStatus.WAITING: N_("waiting"),
    BatchItemStatus.SENDING: N_("sending"),
    BatchItemStatus.SENT: N_("sent"),
    BatchItemStatus.FAILED: N_("failed"),
}


def _by_field(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Messages grouped by the form field they stand next to (bulk.GENERAL: above the form)."""
    found: dict[str, list[str]] = {}
    for name, text in pairs:
        found.setdefault(name, []).append(text)
    return found


@bp.post("/bulk/items/<int:item_id>/retry")
@pii("order", classes=RECEIVER_CLASSES, action="list")
def bulk_retry(item_id: int):
    """Send one failed row again with the agent's corrections; if they are still wrong, the page says
    why next to each field of the row and keeps what was typed."""
    allowed = visible_account_ids()
    try:
        item = bulk.item_of(item_id, allowed)
    except NotFoundError:
        abort(404)
    fixes = {name: request.form.get(name, "") for name in bulk.FIXABLE if name in request.form}
    try:
        bulk.retry_item(item.id, allowed, carrier_ports(), fixes)
    except dispatch.ShipmentRefused as refused:
        errors = _by_field(
            (bulk.form_field(p.field), problem_text(p.field, p.code, p.params, p.message))
            for p in refused.problems
        )
        return _batch_page(item.batch, {item.id: errors}, {item.id: fixes}, 422)
    except bulk.FixRefused as refused:
        errors = _by_field((e.field, _(e.message, **(e.params or {}))) for e in refused.errors)
        return _batch_page(item.batch, {item.id: errors}, {item.id: fixes}, 422)
    except DeskError as error:
        return _batch_page(item.batch, {item.id: {bulk.GENERAL: [message_for(error)]}}, {item.id: fixes}, 422)
    flash(_("The row is waiting to be sent again."), "success")
    return redirect(url_for(".bulk_batch", batch_id=item.batch_id))
