"""Seller accounts: list, connect through Allegro's device flow, token health, reconnect; and the owner's
offboarding: download the account's data, disconnect or delete it (purged after the grace period)."""

from __future__ import annotations

import tempfile

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.models import OffboardingKind, Role
from desk.services import sync
from desk.services.accounts import sellers as account_service
from desk.services.errors import DeskError
from desk.services.privacy import offboarding
from desk.views.access import ensure_account_visible, owners_only, require_roles, visible_account_ids
from desk.wiring import get_allegro, get_clock
from desk.wiring.offboarding import offboarding_policy

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
        offboarding=offboarding.open_offboarding(account_id),
        offboarding_policy=offboarding_policy(),
    )


EXPORT_SPOOL_BYTES = 32 * 1024 * 1024  # a bigger export waits on disk, not in memory


@bp.get("/<int:account_id>/export")
@owners_only
def export(account_id: int):
    """Return data: every table's rows of the account as JSON and CSV in one ZIP (no tokens)."""
    account = account_service.get_account(account_id)
    now = get_clock().now()
    spool = tempfile.SpooledTemporaryFile(max_size=EXPORT_SPOOL_BYTES)  # noqa: SIM115  (send_file closes it)
    offboarding.export_account(account.id, spool, now=now)
    spool.seek(0)
    name = f"konto-{account.id}-{now:%Y-%m-%d}.zip"
    return send_file(spool, mimetype="application/zip", as_attachment=True, download_name=name)


@bp.post("/<int:account_id>/delete")
@owners_only
def delete(account_id: int):
    """Delete the account: sync stopped and tokens deleted now, data purged after the grace period."""
    account = account_service.get_account(account_id)
    if request.form.get("confirm_name", "").strip() != account.name:
        flash(_("Type the account's name to confirm the deletion."), "error")
        return redirect(url_for(".detail", account_id=account_id))
    days = offboarding_policy().delete_days
    return _offboard(account_id, OffboardingKind.DELETE, days)


@bp.post("/<int:account_id>/disconnect")
@owners_only
def disconnect(account_id: int):
    """Disconnect without deleting: the same, with the disconnection grace period."""
    account_service.get_account(account_id)
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm the disconnection."), "error")
        return redirect(url_for(".detail", account_id=account_id))
    return _offboard(account_id, OffboardingKind.DISCONNECT, offboarding_policy().disconnect_days)


def _offboard(account_id: int, kind: OffboardingKind, days: int):
    try:
        offboarding.schedule_offboarding(
            account_id, kind=kind, agent_id=current_user.id, now=get_clock().now(), grace_days=days
        )
    except DeskError as exc:
        flash(_(exc.message, **exc.params), "error")
    else:
        flash(_("The account is disconnected and its Allegro tokens are deleted. Its data will be deleted "
                "after %(days)s days unless you cancel.", days=days), "success")
    return redirect(url_for(".detail", account_id=account_id))


@bp.post("/<int:account_id>/keep")
@owners_only
def keep(account_id: int):
    """Cancel the deletion before the purge: the data stays; the account is connected again later."""
    try:
        offboarding.cancel_offboarding(account_id, agent_id=current_user.id, now=get_clock().now())
    except DeskError as exc:
        flash(_(exc.message, **exc.params), "error")
    else:
        flash(_("The deletion is cancelled. Reconnect the account to resume its synchronisation."), "success")
    return redirect(url_for(".detail", account_id=account_id))
