"""Sync visibility: last sync per account, lag, errors, history and a "sync now" button."""

from __future__ import annotations

import threading

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from desk.services import accounts as account_area
from desk.services.errors import DeskError
from desk.services.sync import history as sync_history
from desk.services.sync import retry as sync_retry
from desk.services.sync import schedule as sync_schedule
from desk.services.sync.runner import SyncBusy, run_sync
from desk.views.access import ensure_account_visible, visible_account_ids
from desk.views.errors import message_for
from desk.views.labels import RETRY_OUTCOMES
from desk.views.query_args import db_id
from desk.wiring import get_allegro, get_clock, settings

bp = Blueprint("sync", __name__, url_prefix="/sync")
PAGE = 50


@bp.get("/")
def index():
    allowed = visible_account_ids()
    before = request.args.get("before", type=db_id)
    runs = [
        run
        for run in sync_history.recent_runs(limit=PAGE, before_id=before)
        if allowed is None or run.account_id in allowed
    ]
    next_url = url_for(".index", before=runs[-1].id) if len(runs) == PAGE else None
    statuses = sync_history.overview(allowed)
    return render_template(
        "sync/index.html",
        account_names={status.account.id: status.account.name for status in statuses},
        statuses=statuses,
        quarantined=sync_retry.open_records(allowed),
        runs=runs,
        next_url=next_url,
        prev_url=url_for(".index") if before else None,
    )


@bp.post("/<int:account_id>/run")
def run_now(account_id: int):
    """Start a sync of one account in the background; the page shows its progress."""
    ensure_account_visible(account_id)
    account_area.get_account(account_id)  # NotFoundError: a 404, never "started"
    app = current_app._get_current_object()
    mode = "sweep" if request.form.get("mode") == "sweep" else "incremental"
    if settings(app).sync_in_background:
        threading.Thread(target=_background_sync, args=(app, account_id, mode), daemon=True).start()
    else:  # tests: same work, in the request, so the result is deterministic
        _background_sync(app, account_id, mode)
    flash(_("Synchronisation started. Refresh the page to follow its progress."), "success")
    if request.form.get("back") == "account":
        return redirect(url_for("accounts.detail", account_id=account_id))
    return redirect(url_for(".index"))


@bp.post("/quarantine/<int:record_id>/retry")
def retry_record(record_id: int):
    """Read one set-aside record from Allegro again and try to save it."""
    ensure_account_visible(sync_retry.get_record(record_id).account_id)
    try:
        outcome = sync_retry.retry_record(get_allegro(), record_id)
    except SyncBusy:
        flash(_("This account is being synchronised right now. Try again in a minute."), "error")
    except DeskError as exc:
        flash(message_for(exc), "error")
    else:
        message, tone = RETRY_OUTCOMES[outcome]
        flash(message, tone)
    return redirect(url_for(".index") + "#quarantine")


def _background_sync(app, account_id: int, mode: str) -> None:
    with app.app_context():
        try:
            cfg = settings(app)
            run = run_sync(get_allegro(), account_id, mode=mode, settings=cfg.sync,
                           lease_seconds=cfg.sync_lease_seconds)
            sync_schedule.after_manual_sync(run, get_clock(app).now(), cfg.polling)
        except SyncBusy:
            app.logger.info("sync of account %s already running elsewhere", account_id)
