"""Seller accounts: list, connect through Allegro's device flow, token health, reconnect."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from desk.models import Role
from desk.services import sync
from desk.services.accounts import sellers as account_service
from desk.services.errors import DeskError
from desk.views.access import ensure_account_visible, require_roles, visible_account_ids
from desk.wiring import get_allegro

bp = Blueprint("accounts", __name__, url_prefix="/accounts")
managers = require_roles(Role.ADMIN, Role.OWNER)


@bp.get("/")
def index():
    allowed = visible_account_ids()
    rows = [
        (account, account_service.token_health(account), sync.last_run(account.id))
        for account in account_service.list_accounts()
        if allowed is None or account.id in allowed
    ]
    return render_template("accounts/index.html", rows=rows)


@bp.post("/connect")
@managers
def connect():
    try:
        auth = account_service.start_device_connection(get_allegro(), name=request.form.get("name", ""))
    except DeskError as exc:
        flash(_(exc.message, **exc.params), "error")
        return redirect(url_for(".index"))
    return redirect(url_for(".device", auth_id=auth.id))


@bp.post("/<int:account_id>/reconnect")
@managers
def reconnect(account_id: int):
    try:
        auth = account_service.start_device_connection(get_allegro(), account_id=account_id)
    except DeskError as exc:
        flash(_(exc.message, **exc.params), "error")
        return redirect(url_for(".detail", account_id=account_id))
    return redirect(url_for(".device", auth_id=auth.id))


@bp.get("/device/<int:auth_id>")
@managers
def device(auth_id: int):
    """Shows the user code; refreshes itself and polls Allegro until the operator approves."""
    try:
        auth = account_service.poll_device_connection(get_allegro(), auth_id)
    except DeskError as exc:
        flash(_(exc.message, **exc.params), "error")
        return redirect(url_for(".index"))
    if auth.state == "approved":
        flash(
            _("The account is connected. The first synchronisation will fetch its order history."), "success"
        )
        return redirect(url_for(".detail", account_id=auth.account_id))
    return render_template("accounts/device.html", auth=auth)


@bp.get("/<int:account_id>")
def detail(account_id: int):
    ensure_account_visible(account_id)
    account = account_service.get_account(account_id)  # NotFoundError: the Polish 404 page
    return render_template(
        "accounts/detail.html",
        account=account,
        health=account_service.token_health(account),
        runs=sync.recent_runs(account_id, limit=20),
        account_names={account.id: account.name},
    )
