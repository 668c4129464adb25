"""The Celery app, built from the Flask app's config (never at import time)."""

from __future__ import annotations

from pathlib import Path

from celery import Celery
from flask import Flask

DEFAULT_QUEUE = "desk"  # the jobs of the table (dispatcher, outbox, assignment, alerts)
SYNC_QUEUE = "sync"  # per-account syncs: a long backfill never holds up the outbox
QUEUES = (DEFAULT_QUEUE, SYNC_QUEUE)


def create_celery(app: Flask) -> Celery:
    """A Celery app for `app`: Redis broker, JSON only, no result store, one task at a time per
    worker slot (a long sync must not sit on tasks another worker could run)."""
    config = app.config
    celery = Celery(app.import_name, set_as_current=False)
    celery.conf.update(
        broker_url=config["CELERY_BROKER_URL"] or config["REDIS_URL"],
        broker_connection_retry_on_startup=True,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        task_default_queue=DEFAULT_QUEUE,
        worker_prefetch_multiplier=1,
        timezone="UTC",
        enable_utc=True,
        beat_schedule_filename=config["CELERY_BEAT_SCHEDULE_FILE"]
        or str(Path(app.instance_path) / "celerybeat-schedule"),
    )
    celery.flask_app = app
    return celery
