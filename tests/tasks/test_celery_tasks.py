"""The Celery path against the real local Redis: beat's job tasks, per-account sync tasks, duplicates."""

from __future__ import annotations

import time

from sqlalchemy import select

from desk import jobs
from desk.extensions import db
from desk.models import SyncSchedule
from desk.services.sync import schedule
from desk.tasks import get_celery
from desk.tasks.definitions import SYNC_TASK, beat_schedule, job_task_name
from desk.wiring import get_clock, settings
from tests.factories import connect_account
from tests.tasks.helpers import finished_runs, wait_until


def test_every_job_of_the_table_is_a_task_and_a_beat_entry(celery_desk):
    celery = get_celery(celery_desk)
    entries = beat_schedule(celery_desk)
    for job in jobs.JOBS:
        assert job_task_name(job) in celery.tasks
        assert entries[job.name]["task"] == job_task_name(job)
        assert entries[job.name]["schedule"] == job.interval(celery_desk)
    assert SYNC_TASK in celery.tasks
    assert celery.conf.beat_schedule == entries


def test_beat_sends_the_dispatcher_and_workers_sync_each_account(celery_desk, worker, fake_allegro):
    accounts = [connect_account(fake_allegro) for _ in range(3)]
    fake_allegro.state.add_checkout_form(accounts[0][1])
    get_celery(celery_desk).send_task(job_task_name(jobs.JOBS[0]))  # what beat sends
    runs = wait_until(lambda: len(finished_runs()) == 3 and finished_runs())
    assert runs, "the worker did not sync the three accounts in time"
    assert sorted(run.account_id for run in runs) == sorted(account.id for account, _ in accounts)
    assert sum(run.created for run in runs) == 1
    slots = wait_until(lambda: [r.slot for r in db.session.scalars(select(SyncSchedule))] == [1, 1, 1])
    assert slots


def test_a_duplicated_sync_task_syncs_once(celery_desk, worker, fake_allegro):
    account, _ = connect_account(fake_allegro)
    cfg = settings(celery_desk)
    (due,) = schedule.claim_due(get_clock().now(), cfg.dispatch, cfg.polling)
    submit = celery_desk.extensions[jobs.SUBMIT_SYNC]
    submit(due)
    submit(due)  # a redelivered or re-dispatched copy of the same slot
    assert wait_until(lambda: len(finished_runs()) == 1)
    time.sleep(1.0)  # the copy has had time to run too
    assert len(finished_runs()) == 1
    assert db.session.get(SyncSchedule, account.id, populate_existing=True).slot == 1


def test_beat_refuses_to_start_with_the_embedded_queue(runner):
    result = runner.invoke(args=["desk", "beat"])
    assert result.exit_code != 0
    assert "DESK_QUEUE=celery" in result.output


def test_a_429_during_a_sync_pauses_the_budget_every_worker_shares(celery_desk, fake_allegro, redis_db):
    from desk.services.sync.budget_redis import RedisBucket
    from desk.services.sync.runner import run_sync
    from desk.wiring import get_allegro

    gateway = get_allegro()
    assert isinstance(gateway.gate, RedisBucket)
    account, _ = connect_account(fake_allegro)
    fake_allegro.state.fail_next("GET /sale/issues", 429, retry_after=2)
    before = time.time()
    run = run_sync(gateway, account.id)
    assert run.state == "ok"  # the read was retried after the pause
    paused_until = float(redis_db.hget(gateway.gate.key, "paused_until"))
    assert before + 2 <= paused_until <= time.time()
