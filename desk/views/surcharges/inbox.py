"""The surcharges inbox: new ones to review and disputes (filters by view, account and carrier), a
surcharge's page with the carrier's evidence against what was declared and quoted, and the decisions:
accept or dispute (whoever sees the account), decide a dispute or link an unlinked one (administrators)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.models import Role
from desk.services.billing import surcharges
from desk.services.errors import DeskError, NotFoundError
from desk.views.access import account_options, require_roles, visible_account_ids
from desk.views.errors import message_for
from desk.views.query_args import parse_id
from desk.views.surcharge_labels import CARRIERS
from desk.views.surcharges.blueprint import bp

FILTER_ARGS = ("view", "account", "carrier")


@bp.get("/")
def index():
    args = {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}
    filters = surcharges.Filters(
        view=args.get("view") if args.get("view") in surcharges.VIEWS else "open",
        account_id=parse_id(args.get("account")),
        carrier=args.get("carrier") if args.get("carrier") in CARRIERS else None,
    )
    accounts = visible_account_ids()
    after = parse_id(request.args.get("after"))
    page = surcharges.list_surcharges(filters, account_ids=accounts, after=after)
    return render_template(
        "surcharges/index.html",
        page=page,
        args=args,
        view=filters.view,
        counts=surcharges.count_open(accounts),
        account_options=account_options(),
        sees_unlinked=accounts is None,
        next_url=url_for(".index", **args, after=page.next_after) if page.next_after else None,
        prev_url=url_for(".index", **args) if after else None,
    )


def _found(surcharge_id: int):
    try:
        return surcharges.get_surcharge(surcharge_id, account_ids=visible_account_ids())
    except NotFoundError:
        abort(404)


@bp.get("/<int:surcharge_id>")
def detail(surcharge_id: int):
    return _detail(_found(surcharge_id))


def _detail(surcharge, *, errors: dict[str, list[str]] | None = None, form: dict[str, str] | None = None,
            status: int = 200):
    return render_template(
        "surcharges/detail.html",
        surcharge=surcharge,
        evidence=surcharges.evidence(surcharge),
        quoted_lines=surcharges.quoted_lines(surcharge),
        is_admin=current_user.role == Role.ADMIN,
        errors=errors or {},
        form=form or {},
    ), status


@bp.post("/<int:surcharge_id>/accept")
def accept(surcharge_id: int):
    try:
        surcharges.accept(surcharge_id, agent_id=current_user.id, account_ids=visible_account_ids())
    except NotFoundError:
        abort(404)
    except DeskError as exc:
        flash(message_for(exc), "error")
    else:
        flash(_("The surcharge was accepted and charged to the account."), "success")
    return redirect(url_for(".detail", surcharge_id=surcharge_id))


@bp.post("/<int:surcharge_id>/dispute")
def dispute(surcharge_id: int):
    reason = request.form.get("reason", "")
    try:
        surcharges.dispute(surcharge_id, reason=reason, agent_id=current_user.id,
                           account_ids=visible_account_ids())
    except NotFoundError:
        abort(404)
    except surcharges.FieldError as exc:
        return _detail(_found(surcharge_id), errors={exc.field: [message_for(exc)]}, form={"reason": reason},
                       status=422)
    except DeskError as exc:
        flash(message_for(exc), "error")
    else:
        flash(_("The surcharge is disputed; an administrator will decide."), "success")
    return redirect(url_for(".detail", surcharge_id=surcharge_id))


@bp.post("/<int:surcharge_id>/resolve")
@require_roles(Role.ADMIN)
def resolve(surcharge_id: int):
    decision = request.form.get("decision")
    note = request.form.get("note", "")
    if decision not in ("upheld", "dropped"):
        return _detail(_found(surcharge_id), errors={"decision": [_("Choose a decision.")]},
                       form={"note": note}, status=422)
    try:
        surcharges.resolve(surcharge_id, upheld=decision == "upheld", note=note, agent_id=current_user.id)
    except NotFoundError:
        abort(404)
    except surcharges.FieldError as exc:
        return _detail(_found(surcharge_id), errors={exc.field: [message_for(exc)]}, form={"note": note},
                       status=422)
    except DeskError as exc:
        flash(message_for(exc), "error")
    else:
        flash(_("The surcharge was charged.") if decision == "upheld" else _("The surcharge was dropped."),
              "success")
    return redirect(url_for(".detail", surcharge_id=surcharge_id))


@bp.post("/<int:surcharge_id>/link")
@require_roles(Role.ADMIN)
def link(surcharge_id: int):
    waybill = request.form.get("waybill", "")
    try:
        surcharges.link(surcharge_id, waybill=waybill, agent_id=current_user.id)
    except NotFoundError:
        abort(404)
    except surcharges.FieldError as exc:
        if "carrier" in exc.params:  # the carrier's name, not its key
            exc.params["carrier"] = CARRIERS.get(exc.params["carrier"], exc.params["carrier"])
        return _detail(_found(surcharge_id), errors={exc.field: [message_for(exc)]},
                       form={"waybill": waybill}, status=422)
    except DeskError as exc:
        flash(message_for(exc), "error")
    else:
        flash(_("The surcharge was linked to its shipment; the account can review it now."), "success")
    return redirect(url_for(".detail", surcharge_id=surcharge_id))
