"""The tasks: one per job of desk.jobs.JOBS (run by beat on its interval) and the per-account sync.

Each task opens an app context and calls the same job function the embedded scheduler calls, so
a new job added to the table is a beat entry and a task at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import Celery
from flask import Flask

from desk import jobs
from desk.services.sync.schedule import Due
from desk.tasks.celery_app import SYNC_QUEUE
from desk.wiring import settings

SYNC_TASK = "desk.sync_account"


def job_task_name(job: jobs.Job) -> str:
    """The Celery name of a job of the table."""
    return f"desk.jobs.{job.name}"


def register(celery: Celery, app: Flask) -> None:
    """Register every task on `celery`, beat's schedule, and the dispatcher's submitter on `app`."""
    # shared=False: a task belongs to this Celery app only, never to apps built later in the process
    for job in jobs.JOBS:
        celery.task(name=job_task_name(job), shared=False)(_job_task(app, job))

    @celery.task(name=SYNC_TASK, shared=False)
    def sync_account(account_id: int, slot: int, mode: str, due_at: str) -> str:
        due = Due(account_id, slot, dt.datetime.fromisoformat(due_at), mode)
        with app.app_context():
            return str(jobs.sync_account_job(app, due))

    celery.conf.beat_schedule = beat_schedule(app)
    expires = settings(app).dispatch.redispatch_after.total_seconds()

    def submit(due: Due) -> None:
        # A copy left in the queue past `expires` is dropped: the dispatcher hands the slot out
        # again by then, and the schedule's slot makes sure only one copy syncs.
        sync_account.apply_async(
            args=(due.account_id, due.slot, due.mode, due.due_at.isoformat()), queue=SYNC_QUEUE,
            expires=expires,
        )

    app.extensions[jobs.SUBMIT_SYNC] = submit


def beat_schedule(app: Flask) -> dict[str, dict[str, Any]]:
    """Beat's entries, one per job of the table; a run not started within its interval expires."""
    return {
        job.name: {
            "task": job_task_name(job),
            "schedule": job.interval(app),
            "options": {"expires": job.interval(app).total_seconds()},
        }
        for job in jobs.JOBS
    }


def _job_task(app: Flask, job: jobs.Job):
    def run() -> dict:
        return jobs.run_job(app, job)

    run.__name__ = run.__qualname__ = job.name
    run.__doc__ = job.func.__doc__
    return run
