"""Scheduled jobs: a declared table of thin wrappers, each one service call and one log line."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from flask_babel import force_locale, gettext

from desk.services import outbox_kinds
from desk.services.issues.assignment import round_robin_assign
from desk.services.ratings import alerts as rating_alerts
from desk.services.sync.runner import sync_all
from desk.wiring import get_allegro, settings

log = logging.getLogger(__name__)
SCHEDULER = "desk.scheduler"


def sync_orders_job(app: Flask) -> dict:
    """Incremental order sync (event feed) of every active account."""
    return _sync_all(app, "incremental")


def sweep_orders_job(app: Flask) -> dict:
    """The updatedAt sweep that repairs events Allegro lost."""
    return _sync_all(app, "sweep")


def _sync_all(app: Flask, mode: str) -> dict:
    cfg = settings(app)
    return sync_all(get_allegro(), mode=mode, settings=cfg.sync, lease_seconds=cfg.sync_lease_seconds)


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


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[Flask], dict]
    interval_key: str  # config key holding the interval
    unit: str = "minutes"
    at_start: bool = False  # also run as soon as the scheduler starts


JOBS = (
    Job("sync_orders", sync_orders_job, "SYNC_INTERVAL_MINUTES", at_start=True),
    Job("sweep_orders", sweep_orders_job, "SWEEP_INTERVAL_MINUTES"),
    Job("deliver_outbox", deliver_outbox_job, "OUTBOX_INTERVAL_SECONDS", unit="seconds"),
    Job("assign_issues", assign_issues_job, "ISSUE_ASSIGN_INTERVAL_SECONDS", unit="seconds"),
    Job("rating_alerts", rating_alerts_job, "RATING_ALERT_INTERVAL_MINUTES"),
)


def _run(app: Flask, job: Job) -> None:
    with app.app_context():
        try:
            counts = job.func(app)
            log.info("job %s: %s", job.name, counts)
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
            **{job.unit: app.config[job.interval_key]},
        )
    app.extensions[SCHEDULER] = scheduler
    return scheduler


def start_scheduler(app: Flask) -> bool:
    """Start the jobs in this process if SCHEDULER_ENABLED; returns whether it started."""
    scheduler: BackgroundScheduler = app.extensions[SCHEDULER]
    if not app.config["SCHEDULER_ENABLED"] or scheduler.running:
        return False
    with app.app_context():
        outbox_kinds.check_queue()  # a write nobody can send must stop the start, not wait unseen
    scheduler.start()
    now = dt.datetime.now(dt.UTC)
    for job in JOBS:
        if job.at_start:  # a fresh desk should not wait a whole interval for its first sync
            scheduler.modify_job(job.name, next_run_time=now)
    return True
