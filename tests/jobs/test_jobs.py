"""The scheduler table registers every job with stable ids; job wrappers call their services."""

from __future__ import annotations

from desk import jobs
from tests.factories import connect_account


def test_every_job_is_registered_once_with_its_interval(app):
    scheduler = app.extensions[jobs.SCHEDULER]
    assert not scheduler.running  # TestConfig keeps the scheduler off
    assert jobs.start_scheduler(app) is False
    scheduler.start(paused=True)  # materialise the jobs without running any
    try:
        registered = {job.id: job for job in scheduler.get_jobs()}
        assert set(registered) == {job.name for job in jobs.JOBS}
        sync = registered["sync_orders"]
        assert sync.trigger.interval.total_seconds() == 60 * app.config["SYNC_INTERVAL_MINUTES"]
        assert (sync.max_instances, sync.coalesce) == (1, True)
    finally:
        scheduler.shutdown(wait=False)


def test_sync_job_syncs_active_accounts(app, fake_allegro):
    account, seller = connect_account(fake_allegro)
    fake_allegro.state.add_checkout_form(seller)
    counts = jobs.sync_orders_job(app)
    assert counts["accounts"] == 1
    assert counts["created"] == 1
    assert jobs.sweep_orders_job(app)["repaired"] == 0


def test_outbox_job_with_nothing_due(app):
    assert jobs.deliver_outbox_job(app) == {}
