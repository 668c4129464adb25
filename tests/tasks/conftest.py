"""The Celery path's fixtures: a desk with DESK_QUEUE=celery on the tests' Redis, and a worker thread."""

from __future__ import annotations

import pytest

from desk.tasks import get_celery
from desk.tasks.celery_app import QUEUES
from tests.conftest import desk_app


@pytest.fixture
def celery_desk(fake_allegro, database_url, redis_db, redis_url):
    """A desk with DESK_QUEUE=celery on the tests' Redis database."""
    with desk_app(fake_allegro, database_url, QUEUE="celery", REDIS_URL=redis_url) as app:
        yield app


@pytest.fixture
def worker(celery_desk):
    """A Celery worker (solo pool) in a thread, consuming both of the desk's queues."""
    from celery.contrib.testing.worker import start_worker

    with start_worker(
        get_celery(celery_desk),
        pool="solo",
        perform_ping_check=False,
        queues=list(QUEUES),
        shutdown_timeout=30,
    ) as controller:
        yield controller
