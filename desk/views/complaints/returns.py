"""Zwroty: unclaimed parcels back at the broker, the seller's instructions within 14 days, and the broker's
record of what it did."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from desk.extensions import db
from desk.models import Order
from desk.models.shipment import Shipment
from desk.orm import utcnow
from desk.services import complaints
from desk.services.complaints import FormErrors
from desk.services.errors import ConflictError, NotFoundError
from desk.views.access import visible_account_ids
from desk.views.complaints.blueprint import admins_only, bp, field_errors
from desk.views.errors import message_for
from desk.views.security import safe_redirect_target


@bp.get("/returns")
def returns_page(errors: dict | None = None, code: int = 200):
    """Returned parcels the agent may see, the ones waiting for instructions first."""
    rows = complaints.returns.returns(visible_account_ids())
    shipments = {
        s.id: s
        for s in db.session.scalars(select(Shipment).where(Shipment.id.in_([r.shipment_id for r in rows])))
    }
    order_ids = [r.order_id for r in rows if r.order_id]
    orders = {o.id: o for o in db.session.scalars(select(Order).where(Order.id.in_(order_ids)))}
    now = utcnow()
    return render_template(
        "complaints/returns.html",
        rows=rows,
        shipments=shipments,
        orders=orders,
        now=now,
        overdue={r.id for r in rows if complaints.returns.overdue(r, now)},
        errors=errors or {},
    ), code


@bp.post("/returns/<int:return_id>/instructions")
def instruct(return_id: int):
    """What to do with the parcel."""
    try:
        complaints.returns.instruct(
            return_id, visible_account_ids(), request.form.to_dict(), actor_id=current_user.id, now=utcnow()
        )
    except NotFoundError:
        abort(404)
    except FormErrors as error:
        return returns_page({return_id: field_errors(error)}, 422)
    except ConflictError as error:
        flash(message_for(error), "error")
    else:
        flash(_("Your instructions were recorded."), "success")
    return redirect(safe_redirect_target(request.form.get("next")) or url_for(".returns_page"))


@bp.post("/returns/<int:return_id>/handled")
def handled(return_id: int):
    """The broker did what was decided (administrators)."""
    admins_only()
    try:
        complaints.returns.handled(return_id, actor_id=current_user.id, now=utcnow())
    except NotFoundError:
        abort(404)
    except ConflictError as error:
        flash(message_for(error), "error")
    else:
        flash(_("Recorded as done."), "success")
    return redirect(url_for(".returns_page"))
