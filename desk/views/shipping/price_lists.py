"""Price list pages for owners and admins: the lists, a new list (or a copy from a date), one list with
its rows and add-ons (editable until it comes into force), closing, deleting, CSV export and import."""
from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.services import shipping
from desk.services.errors import ConflictError, DeskError
from desk.services.shipping import PriceFormError
from desk.views.access import account_options, require_roles, visible_account_ids
from desk.views.errors import message_for
from desk.views.query_args import parse_id
from desk.views.shipping.blueprint import OWNERS, bp, field_errors, today

LIST_FIELDS = ("owner", "name", "valid_from", "valid_to", "vat_rate", "copy_from", "close_previous")
ROW_FIELDS = ("row_id", "carrier", "service", "size_class", "weight_from_g", "weight_to_g", "net")
ADDON_FIELDS = ("addon_id", "carrier", "service", "code", "value_from", "value_to", "net_fixed", "percent",
                "min_net")


@bp.get("/prices")
@require_roles(*OWNERS)
def price_lists():
    summaries = shipping.list_price_lists(account_ids=visible_account_ids(), today=today())
    return render_template("shipping/price_lists.html", summaries=summaries)


@bp.route("/prices/new", methods=["GET", "POST"])
@require_roles(*OWNERS)
def new_price_list():
    form: dict[str, Any] = {"owner": "public", "vat_rate": "23,00",
                            "copy_from": request.args.get("copy_from", "")}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = {name: request.form.get(name, "") for name in LIST_FIELDS}
        owner = form["owner"]
        try:
            created = shipping.create_price_list(
                account_id=None if owner == "public" else parse_id(owner) or -1,
                fields=form, agent_id=current_user.id, today=today(), account_ids=visible_account_ids(),
                copy_from_id=parse_id(form["copy_from"]), close_previous=bool(form["close_previous"]),
            )
        except PriceFormError as exc:
            errors = field_errors(exc.errors)
        except ConflictError as exc:  # the validity meets another list of the owner
            errors = {"valid_from": [message_for(exc)]}
        except DeskError as exc:  # no such account or source list
            errors = {"owner": [message_for(exc)]}
        else:
            flash(_("The price list has been created."), "success")
            return redirect(url_for(".price_list", list_id=created.id))
    sources = shipping.list_price_lists(account_ids=visible_account_ids(), today=today())
    return render_template("shipping/new.html", form=form, errors=errors, accounts=account_options(),
                           sources=sources), 400 if errors else 200


def _detail(list_id: int, *, status: int = 200, **context: Any):
    price_list = shipping.get_price_list(list_id, account_ids=visible_account_ids())
    day = today()
    row_id, addon_id = parse_id(request.args.get("edit_row")), parse_id(request.args.get("edit_addon"))
    edit_row = next((r for r in price_list.rows if r.id == row_id), None)
    edit_addon = next((a for a in price_list.addons if a.id == addon_id), None)
    context.setdefault("row_form", _row_values(edit_row))
    context.setdefault("addon_form", _addon_values(edit_addon))
    return render_template(
        "shipping/price_list.html", price_list=price_list, state=shipping.state_of(price_list, day),
        editable=not price_list.has_started(day), account_name=_account_name(price_list.account_id),
        **context,
    ), status


def _account_name(account_id: int | None) -> str | None:
    return dict(account_options()).get(account_id) if account_id is not None else None


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _row_values(row) -> dict[str, Any]:
    if row is None:
        return {}
    return {"row_id": row.id, "carrier": row.carrier, "service": row.service, "size_class": row.size_class,
            "weight_from_g": row.weight_from_g, "weight_to_g": row.weight_to_g, "net": _money(row.net)}


def _addon_values(addon) -> dict[str, Any]:
    if addon is None:
        return {"net_fixed": "0,00", "percent": "0,00"}
    return {"addon_id": addon.id, "carrier": addon.carrier, "service": addon.service, "code": addon.code,
            "value_from": _money(addon.value_from), "value_to": _money(addon.value_to),
            "net_fixed": _money(addon.net_fixed), "percent": _money(addon.percent),
            "min_net": _money(addon.min_net)}


@bp.get("/prices/<int:list_id>")
@require_roles(*OWNERS)
def price_list(list_id: int):
    return _detail(list_id)


@bp.post("/prices/<int:list_id>/rows")
@require_roles(*OWNERS)
def save_row(list_id: int):
    form = {name: request.form.get(name, "") for name in ROW_FIELDS}
    try:
        shipping.save_row(list_id, form, today=today(), account_ids=visible_account_ids(),
                          row_id=parse_id(form["row_id"]))
    except PriceFormError as exc:
        return _detail(list_id, status=400, row_form=form, row_errors=field_errors(exc.errors))
    except DeskError as exc:
        return _refused(list_id, exc)
    flash(_("The price has been saved."), "success")
    return redirect(url_for(".price_list", list_id=list_id))


@bp.post("/prices/<int:list_id>/addons")
@require_roles(*OWNERS)
def save_addon(list_id: int):
    form = {name: request.form.get(name, "") for name in ADDON_FIELDS}
    try:
        shipping.save_addon(list_id, form, today=today(), account_ids=visible_account_ids(),
                            addon_id=parse_id(form["addon_id"]))
    except PriceFormError as exc:
        return _detail(list_id, status=400, addon_form=form, addon_errors=field_errors(exc.errors))
    except DeskError as exc:
        return _refused(list_id, exc)
    flash(_("The price has been saved."), "success")
    return redirect(url_for(".price_list", list_id=list_id))


def _refused(list_id: int, error: DeskError):
    """A change the list refuses as a whole (in force, gone): flash why and show the list again."""
    shipping.get_price_list(list_id, account_ids=visible_account_ids())  # 404 first when not visible
    flash(message_for(error), "error")
    return redirect(url_for(".price_list", list_id=list_id))


@bp.post("/prices/<int:list_id>/rows/<int:row_id>/delete")
@require_roles(*OWNERS)
def delete_row(list_id: int, row_id: int):
    return _delete(list_id, shipping.delete_row, row_id)


@bp.post("/prices/<int:list_id>/addons/<int:addon_id>/delete")
@require_roles(*OWNERS)
def delete_addon(list_id: int, addon_id: int):
    return _delete(list_id, shipping.delete_addon, addon_id)


def _delete(list_id: int, remove, item_id: int):
    try:
        remove(list_id, item_id, today=today(), account_ids=visible_account_ids())
    except DeskError as exc:
        return _refused(list_id, exc)
    flash(_("The price has been removed."), "success")
    return redirect(url_for(".price_list", list_id=list_id))


@bp.post("/prices/<int:list_id>/close")
@require_roles(*OWNERS)
def close(list_id: int):
    valid_to = request.form.get("valid_to", "")
    try:
        shipping.close_price_list(list_id, valid_to=valid_to, today=today(),
                                  account_ids=visible_account_ids())
    except PriceFormError as exc:
        return _detail(list_id, status=400, close_form={"valid_to": valid_to},
                       close_errors=field_errors(exc.errors))
    except DeskError as exc:
        return _refused(list_id, exc)
    flash(_("The price list now ends on %(day)s.", day=valid_to), "success")
    return redirect(url_for(".price_list", list_id=list_id))


@bp.post("/prices/<int:list_id>/delete")
@require_roles(*OWNERS)
def delete(list_id: int):
    try:
        shipping.delete_price_list(list_id, today=today(), account_ids=visible_account_ids())
    except DeskError as exc:
        return _refused(list_id, exc)
    flash(_("The price list has been deleted."), "success")
    return redirect(url_for(".price_lists"))


@bp.get("/prices/<int:list_id>/export.csv")
@require_roles(*OWNERS)
def export(list_id: int):
    name, text = shipping.export_csv(list_id, account_ids=visible_account_ids())
    return Response(text.encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/prices/<int:list_id>/import")
@require_roles(*OWNERS)
def import_dry_run(list_id: int):
    upload = request.files.get("file")
    data = upload.read(shipping.CSV_MAX_BYTES + 1) if upload else b""
    if not data:
        return _detail(list_id, status=400, import_error=_("Choose a CSV file."))
    try:
        plan = shipping.plan_import(list_id, data, today=today(), account_ids=visible_account_ids())
    except DeskError as exc:
        return _refused(list_id, exc)
    return _detail(list_id, status=200 if plan.ok else 400, plan=plan,
                   plan_data=base64.b64encode(data).decode("ascii"))


@bp.post("/prices/<int:list_id>/import/apply")
@require_roles(*OWNERS)
def import_apply(list_id: int):
    try:
        data = base64.b64decode(request.form.get("data", ""), validate=True)
    except binascii.Error:
        data = b""
    try:
        plan = shipping.apply_import(list_id, data, today=today(), account_ids=visible_account_ids())
    except DeskError as exc:
        return _refused(list_id, exc)
    flash(_("Imported: %(added)d added, %(replaced)d changed, %(removed)d removed.", added=plan.added,
            replaced=plan.replaced, removed=plan.removed), "success")
    return redirect(url_for(".price_list", list_id=list_id))
