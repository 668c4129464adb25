"""Scheduled jobs: one declared table of thin wrappers, each one service call and one log line.

The table is the only list of periodic work. With DESK_QUEUE=embedded the APScheduler below runs
it in this process; with DESK_QUEUE=celery beat sends each job as a task (desk.tasks) and the
dispatcher's per-account syncs go to the workers through the submitter desk.tasks installs.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from flask_babel import force_locale, gettext

from desk.extensions import db
from desk.services import complaints, outbox_kinds
from desk.services.billing import invoices
from desk.services.billing.cod import progress as cod_progress
from desk.services.billing.invoices.mailing import mail_invoices
from desk.services.flows import handover
from desk.services.issues.assignment import round_robin_assign
from desk.services.privacy import access_log, access_log_store, offboarding, retention
from desk.services.privacy import requests as privacy_requests
from desk.services.privacy import restrictions as privacy_restrictions
from desk.services.privacy.export import store as privacy_exports
from desk.services.ratings import alerts as rating_alerts
from desk.services.shipping import bulk, dispatch, notices
from desk.services.shipping.tracking import events as tracking
from desk.services.sync import schedule
from desk.wiring import get_allegro, get_clock, settings, uses_celery
from desk.wiring.carriers import get_carriers
from desk.wiring.complaints import complaint_ports, complaint_settings, get_corrections
from desk.wiring.invoices import invoice_terms
from desk.wiring.offboarding import account_key_destroyer, offboarding_policy
from desk.wiring.privacy_requests import get_privacy_ports
from desk.wiring.retention import retention_ports

log = logging.getLogger(__name__)
SCHEDULER = "desk.scheduler"
SUBMIT_SYNC = "desk.submit_sync"  # app.extensions: hands a schedule.Due to the queue (absent: run here)


def dispatch_syncs_job(app: Flask) -> dict:
    """Hand out the accounts due for a sync: to the queue's workers, or run them here one by one."""
    cfg = settings(app)
    dues = schedule.claim_due(get_clock(app).now(), cfg.dispatch, cfg.polling)
    submit: Callable[[schedule.Due], None] | None = app.extensions.get(SUBMIT_SYNC)
    if submit is not None:
        for due in dues:
            submit(due)
        return {"dispatched": len(dues)}
    outcomes = Counter(str(_sync_here(app, due)) for due in dues)
    return {"dispatched": len(dues), **outcomes}


def sync_account_job(app: Flask, due: schedule.Due) -> str:
    """One account's handed-out sync; plans its next one (the queue's per-account task runs this)."""
    cfg = settings(app)
    return schedule.run_due(
        get_allegro(), due, clock=get_clock(app), policy=cfg.polling, settings=cfg.sync,
        lease_seconds=cfg.sync_lease_seconds,
    )


def _sync_here(app: Flask, due: schedule.Due) -> str:
    try:
        return sync_account_job(app, due)
    except Exception:  # one account's failure must not keep the others waiting
        log.exception("sync of account %s failed", due.account_id)
        return "error"


def deliver_outbox_job(app: Flask) -> dict:
    """Send due write-backs and confirm the ones whose outcome is unknown."""
    return outbox_kinds.deliver_due(get_allegro())


def assign_issues_job(app: Flask) -> dict:
    """Hand unassigned open issues to agents in turn (only with ISSUE_ROUND_ROBIN)."""
    if not settings(app).round_robin:
        return {"assigned": 0}
    return {"assigned": round_robin_assign()}


def rating_alerts_job(app: Flask) -> dict:
    """Mail owners about new negative ratings (only when an SMTP host is configured)."""
    cfg = settings(app)
    with force_locale("pl"):
        return rating_alerts.send_new_negative_alerts(
            cfg.smtp, configured_recipients=cfg.rating_alert_emails, translate=gettext,
            desk_url=cfg.public_url,
        )


def deliver_shipments_job(app: Flask) -> dict:
    """Send shipment orders not yet sent, read back the ones whose answer was lost, poll pending ones;
    then confirm accepted ones to their accounts by e-mail (when SMTP is set)."""
    counts = dispatch.deliver_due(_carrier_ports(app))
    cfg = settings(app)
    with force_locale("pl"):
        mailed = notices.mail_accepted(cfg.smtp, translate=gettext, desk_url=cfg.public_url)
    return counts | {f"mail_{key}": value for key, value in mailed.items()}


def bulk_shipping_job(app: Flask) -> dict:
    """Send the waiting items of bulk sends (Nadaj zaznaczone), each once; the batch page follows them."""
    return bulk.run_due(_carrier_ports(app))


def track_shipments_job(app: Flask) -> dict:
    """Read the tracking of parcels whose turn has come (adaptive, per their state)."""
    return tracking.track_due(_carrier_ports(app))


def order_handover_job(app: Flask) -> dict:
    """Write shipments' waybills to their Allegro orders, and mark orders sent on handover (setting)."""
    return handover.push_due(get_allegro(), sent_on_handover=bool(app.config["SHIPPING_SENT_ON_HANDOVER"]))


def invoice_orders_job(app: Flask) -> dict:
    """Per-order invoices whose time has come (16:00 rule), refunds netted or corrected; then e-mail the
    invoices not mailed yet (when SMTP is set)."""
    counts = invoices.run_per_order(get_clock(app).now(), invoice_terms(app))
    with force_locale("pl"):
        mailed = mail_invoices(settings(app).smtp, translate=gettext)
    return counts | {f"mail_{key}": value for key, value in mailed.items()}


def invoice_periods_job(app: Flask) -> dict:
    """Periodic accounts' invoices for the newest ended period (a rerun issues nothing new)."""
    return invoices.run_periodic(get_clock(app).now(), invoice_terms(app))


def complaints_job(app: Flask) -> dict:
    """Ask carriers about forwarded complaints whose turn has come (requests for documents relayed to the
    seller, decisions and refunds recorded), ask again for pending correction invoices, record parcels
    that came back to the broker, and e-mail the seller about document requests and returned parcels."""
    now = get_clock(app).now()
    counts = complaints.carrier_flow.poll_due(
        complaint_ports(app), get_corrections(app), now=now, recheck=complaint_settings(app).recheck
    )
    corrections = complaints.retry_pending(get_corrections(app))
    returned = complaints.returns.detect(now=now)
    with force_locale("pl"):
        mailed = complaints.notices.mail_pending(
            settings(app).smtp, now=now, translate=gettext, desk_url=settings(app).public_url
        )
    return (counts | {f"corrections_{key}": value for key, value in corrections.items()} | returned
            | {f"mail_{key}": value for key, value in mailed.items()})


def cash_on_delivery_job(app: Flask) -> dict:
    """Cash on delivery: delivered parcels' money collected with its payout day, holds for unpaid dues,
    received money due on its day."""
    return cod_progress.run(now=get_clock(app).now())


def privacy_requests_job(app: Flask) -> dict:
    """Data-subject requests: expired exports and requesters' contact data deleted, erasures held by a
    lifted hold completed."""
    now = get_clock(app).now()
    counts = {
        "exports_deleted": privacy_exports.delete_expired(now=now),
        "contacts_purged": privacy_requests.purge_contacts(now=now),
    }
    counts["restrictions_completed"] = privacy_restrictions.complete_released(
        erase_buyer=get_privacy_ports(app).erase_buyer, now=now
    )
    return counts


def offboarding_purge_job(app: Flask) -> dict:
    """Purge the accounts whose deletion or disconnection grace period has ended (and finish interrupted
    purges), destroying each one's pseudonym key."""
    return offboarding.purge_due(
        now=get_clock(app).now(), destroy_key=account_key_destroyer(app), batch=offboarding_policy(app).batch
    )


def settle_access_log_job(app: Flask) -> dict:
    """Move the access-log rows requests have written into the indexed log, in bulk."""
    return {"moved": access_log_store.settle(db.engine)}


def purge_access_log_job(app: Flask) -> dict:
    """Delete access-log rows past their retention (12 months by default), in batches."""
    keep_days = int(app.config["ACCESS_LOG_KEEP_DAYS"])
    return {"deleted": access_log.purge_access_log(now=get_clock(app).now(), keep_days=keep_days)}


def retention_job(app: Flask) -> dict:
    """Buyers' data past its retention period pseudonymised, redacted or deleted, account by account
    (only accounts whose owner activated retention), then the access log; a receipt per run."""
    runs = retention.run_retention(retention_ports(app), now=get_clock(app).now())
    return {"runs": len(runs), "rows": sum(sum(run.rows.values()) for run in runs)}


def _carrier_ports(app: Flask) -> dispatch.PortFor:
    gateway = get_carriers(app)
    return lambda carrier, account_id: gateway.port(carrier, account_id=account_id)


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[Flask], dict]
    interval_key: str  # config key holding the interval
    unit: str = "minutes"
    at_start: bool = False  # also run as soon as the scheduler starts

    def interval(self, app: Flask) -> dt.timedelta:
        """How often the job runs in `app`."""
        return dt.timedelta(**{self.unit: float(app.config[self.interval_key])})


JOBS = (
    Job("dispatch_syncs", dispatch_syncs_job, "SYNC_DISPATCH_SECONDS", unit="seconds", at_start=True),
    Job("deliver_outbox", deliver_outbox_job, "OUTBOX_INTERVAL_SECONDS", unit="seconds"),
    Job("assign_issues", assign_issues_job, "ISSUE_ASSIGN_INTERVAL_SECONDS", unit="seconds"),
    Job("rating_alerts", rating_alerts_job, "RATING_ALERT_INTERVAL_MINUTES"),
    Job("deliver_shipments", deliver_shipments_job, "SHIPMENTS_INTERVAL_SECONDS", unit="seconds"),
    Job("bulk_shipping", bulk_shipping_job, "BULK_SHIPPING_INTERVAL_SECONDS", unit="seconds"),
    Job("track_shipments", track_shipments_job, "TRACKING_INTERVAL_SECONDS", unit="seconds"),
    Job("order_handover", order_handover_job, "SHIPMENTS_INTERVAL_SECONDS", unit="seconds"),
    Job("invoice_orders", invoice_orders_job, "INVOICE_INTERVAL_SECONDS", unit="seconds"),
    Job("invoice_periods", invoice_periods_job, "INVOICE_PERIODIC_MINUTES", at_start=True),
    Job("complaints", complaints_job, "COMPLAINTS_INTERVAL_SECONDS", unit="seconds"),
    Job("cash_on_delivery", cash_on_delivery_job, "COD_INTERVAL_MINUTES", at_start=True),
    Job("privacy_requests", privacy_requests_job, "PRIVACY_REQUESTS_INTERVAL_MINUTES"),
    Job("offboarding_purge", offboarding_purge_job, "OFFBOARDING_PURGE_INTERVAL_HOURS", unit="hours"),
    Job("settle_access_log", settle_access_log_job, "ACCESS_LOG_SETTLE_SECONDS", unit="seconds"),
    Job("purge_access_log", purge_access_log_job, "ACCESS_LOG_PURGE_HOURS", unit="hours"),
    Job("retention", retention_job, "RETENTION_INTERVAL_HOURS", unit="hours"),
)


def run_job(app: Flask, job: Job) -> dict:
    """Run one job of the table in an app context and log its counts (APScheduler and Celery)."""
    with app.app_context():
        counts = job.func(app)
        log.info("job %s: %s", job.name, counts)
        return counts


def _run(app: Flask, job: Job) -> None:
    try:
        run_job(app, job)
    except Exception:
        log.exception("job %s failed", job.name)


def init_scheduler(app: Flask) -> BackgroundScheduler:
    """Register the JOBS table on a (not yet started) scheduler; `start_scheduler` runs it."""
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    for job in JOBS:
        scheduler.add_job(
            _run,
            "interval",
            args=(app, job),
            id=job.name,
            name=job.name,
            replace_existing=True,
            seconds=job.interval(app).total_seconds(),
        )
    app.extensions[SCHEDULER] = scheduler
    return scheduler


def start_scheduler(app: Flask) -> bool:
    """Start the jobs in this process if SCHEDULER_ENABLED and the queue is embedded; returns
    whether it started (with DESK_QUEUE=celery, beat runs the table instead)."""
    scheduler: BackgroundScheduler = app.extensions[SCHEDULER]
    if not app.config["SCHEDULER_ENABLED"] or scheduler.running or uses_celery(app):
        return False
    with app.app_context():
        outbox_kinds.check_queue()  # a write nobody can send must stop the start, not wait unseen
    scheduler.start()
    now = dt.datetime.now(dt.UTC)
    for job in JOBS:
        if job.at_start:  # a fresh desk should not wait a whole interval for its first sync
            scheduler.modify_job(job.name, next_run_time=now)
    return True
