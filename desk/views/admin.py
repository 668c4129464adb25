"""Administration (administrators only): agents, their roles and accounts, and seller accounts on/off."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.models import Role
from desk.services.accounts import agents as agents_admin
from desk.services.accounts import auth as auth_service
from desk.services.accounts import sellers as account_service
from desk.services.errors import DeskError, NotFoundError
from desk.views.catalog import translated
from desk.views.errors import message_for
from desk.views.labels import FOR_ADMIN
from desk.views.query_args import db_id
from desk.wiring import settings

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _administrators_only() -> None:
    # Sign-in is enforced app-wide before this runs; every view here is for administrators.
    if current_user.role != Role.ADMIN:
        abort(403)


@bp.context_processor
def _labels() -> dict:
    return translated(FOR_ADMIN)


@bp.get("/")
def index():
    return _index_page()


def _index_page(form: dict | None = None, code: int = 200):
    return render_template(
        "admin/index.html",
        agents=agents_admin.list_agents(),
        accounts=account_service.list_accounts(),
        form=form or {"role": Role.AGENT.value, "account_ids": []},
    ), code


@bp.post("/agents")
def create_agent():
    form = {
        "email": request.form.get("email", ""),
        "name": request.form.get("name", ""),
        "role": request.form.get("role", ""),
        "account_ids": request.form.getlist("account_ids", type=db_id),
    }
    try:
        agent = auth_service.create_agent(
            password=request.form.get("password", ""), profile=settings().password_profile, **form
        )
    except DeskError as exc:  # the password is never sent back to the page
        return _index_page(form | {"error": message_for(exc)}, 422)
    flash(_("Agent %(name)s can now sign in.", name=agent.name), "success")
    return redirect(url_for(".index"))


@bp.get("/agents/<int:agent_id>")
def agent(agent_id: int):
    return _agent_page(agent_id)


def _agent_page(agent_id: int, error: str | None = None, code: int = 200):
    return render_template(
        "admin/agent.html",
        agent=agents_admin.get_agent(agent_id),
        accounts=account_service.list_accounts(),
        error=error,
    ), code


@bp.post("/agents/<int:agent_id>")
def update_agent(agent_id: int):
    try:
        agents_admin.update_agent(
            agent_id,
            role=request.form.get("role", ""),
            account_ids=request.form.getlist("account_ids", type=db_id),
            acting_agent_id=current_user.id,
        )
    except NotFoundError:
        raise
    except DeskError as exc:
        return _agent_page(agent_id, message_for(exc), 422)
    flash(_("Changes saved."), "success")
    return redirect(url_for(".index"))


@bp.post("/agents/<int:agent_id>/active")
def set_agent_active(agent_id: int):
    active = request.form.get("active") == "1"
    try:
        changed = agents_admin.set_agent_active(agent_id, active=active, acting_agent_id=current_user.id)
    except NotFoundError:
        raise
    except DeskError as exc:
        flash(message_for(exc), "error")
    else:
        if active:
            flash(_("%(name)s can sign in again.", name=changed.name), "success")
        else:
            flash(_("%(name)s can no longer sign in.", name=changed.name), "success")
    return redirect(url_for(".index"))


@bp.post("/accounts/<int:account_id>/enabled")
def set_account_enabled(account_id: int):
    enabled = request.form.get("enabled") == "1"
    try:
        account = agents_admin.set_account_enabled(account_id, enabled=enabled)
    except NotFoundError:
        raise
    except DeskError as exc:
        flash(message_for(exc), "error")
    else:
        if enabled:
            flash(_("Account %(name)s is enabled.", name=account.name), "success")
        else:
            flash(_("Account %(name)s is disabled.", name=account.name), "success")
    return redirect(url_for(".index", _anchor="accounts"))
