"""Celery (DESK_QUEUE=celery): the jobs table and the per-account syncs as tasks, beat as the clock.

`init_app` (called by create_app) does nothing with the embedded queue, so `make run` needs
neither Celery's broker nor Redis. With celery it builds the Celery app from the Flask app's
config (desk.tasks.celery_app), registers one task per job of desk.jobs.JOBS plus the per-account
sync task (desk.tasks.definitions), and installs the submitter the dispatcher job hands syncs to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, current_app

from desk.wiring import uses_celery

if TYPE_CHECKING:
    from celery import Celery

EXTENSION = "desk.celery"


def init_app(app: Flask) -> None:
    """Build and register the Celery app when DESK_QUEUE=celery."""
    if not uses_celery(app):
        return
    from desk.tasks.celery_app import create_celery
    from desk.tasks.definitions import register

    celery = create_celery(app)
    register(celery, app)
    app.extensions[EXTENSION] = celery


def get_celery(app: Flask | None = None) -> Celery:
    """The Celery app of `app` (default: the current app); KeyError with the embedded queue."""
    return (app or current_app).extensions[EXTENSION]
