"""A running sync keeps its short lease alive; a dead one frees its account after the lease's ttl;
a sync whose lease was taken over stops instead of writing beside the new holder."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import update

from desk.extensions import db
from desk.models import SyncLease, SyncRun
from desk.orm import utcnow
from desk.services.shared.cursors import get_cursor, set_cursor
from desk.services.sync.lease import acquire_lease, lease_of, release_lease
from desk.services.sync.runner import SyncBusy, run_sync
from desk.services.sync.steps import Step
from desk.wiring import get_allegro, settings
from tests.factories import connect_account

REPO = Path(__file__).resolve().parents[3]
OTHER = "other-worker:2"
FEED = "test-pages"


@pytest.fixture
def account(app, fake_allegro):
    return connect_account(fake_allegro)[0]


def _sync_in_background(app, account_id: int, steps, **kwargs) -> tuple[threading.Thread, list[int]]:
    """Run a sync in a thread of its own (its own app context, session and connection)."""
    run_ids: list[int] = []

    def work() -> None:
        with app.app_context():
            run_ids.append(run_sync(get_allegro(), account_id, steps=steps, **kwargs).id)

    thread = threading.Thread(target=work)
    thread.start()
    return thread, run_ids


def _others_refused_while(thread: threading.Thread, account_id: int) -> list[bool]:
    """Try to take the lease as another worker until the sync ends; True for each refusal."""
    refusals = []
    while thread.is_alive():
        refusals.append(not acquire_lease(account_id, OTHER, ttl_seconds=1))
        time.sleep(0.2)
    return refusals


def _take_over(account_id: int, holder: str = OTHER) -> None:
    """Another worker holds the lease now, as if ours had expired while we were stalled."""
    now = utcnow()
    with db.engine.begin() as connection:  # not the sync's session: a separate connection
        connection.execute(
            update(SyncLease)
            .where(SyncLease.account_id == account_id)
            .values(holder=holder, acquired_at=now, expires_at=now + dt.timedelta(seconds=600))
        )


def test_a_step_slower_than_the_lease_keeps_it_held_throughout(app, account):
    started = threading.Event()

    def slow(ctx) -> None:  # a slow Allegro answer: three times the lease's lifetime
        started.set()
        time.sleep(3)

    thread, run_ids = _sync_in_background(app, account.id, (Step("slow", slow),), lease_seconds=1)
    assert started.wait(10)
    refusals = _others_refused_while(thread, account.id)
    thread.join()
    assert len(refusals) >= 10 and all(refusals)
    assert db.session.get(SyncRun, run_ids[0]).state == "ok"
    assert acquire_lease(account.id, OTHER, ttl_seconds=1)  # released at once


def test_a_page_transaction_open_across_a_slow_answer_does_not_fail_a_beat(app, account, caplog):
    """On SQLite the sync holds the write lock until its page commits; a beat waits for it."""

    def page(ctx) -> None:
        set_cursor(ctx.run.account_id, FEED, "written")
        db.session.flush()  # the page's transaction now holds its writes
        time.sleep(2)
        ctx.settings.on_page()
        db.session.commit()

    with caplog.at_level(logging.WARNING, logger="desk.services.sync.heartbeat"):
        thread, run_ids = _sync_in_background(app, account.id, (Step("page", page),), lease_seconds=1)
        thread.join()
    assert db.session.get(SyncRun, run_ids[0]).state == "ok"
    assert caplog.records == []


def test_a_running_sync_holds_its_lease_for_about_a_minute_at_most(app, account):
    remaining = []

    def look(ctx) -> None:
        remaining.append(lease_of(ctx.run.account_id).expires_at - utcnow())

    lease_seconds = settings(app).sync_lease_seconds  # what the jobs, the CLI and the views pass
    run_sync(get_allegro(), account.id, lease_seconds=lease_seconds, steps=(Step("look", look),))
    assert dt.timedelta(seconds=30) < remaining[0] <= dt.timedelta(seconds=60)


def test_a_lease_nobody_renews_is_free_after_its_ttl(account):
    dead = SyncRun(account_id=account.id, kind="incremental", state="running")
    db.session.add(dead)
    db.session.commit()
    assert acquire_lease(account.id, "dead-worker:1", ttl_seconds=1)
    with pytest.raises(SyncBusy):
        run_sync(get_allegro(), account.id)
    time.sleep(1.1)
    assert run_sync(get_allegro(), account.id).state == "ok"
    db.session.refresh(dead)
    assert dead.state == "interrupted"


def test_a_killed_worker_frees_the_account_after_the_lease_ttl(account, fake_allegro, database_url, tmp_path):
    with (tmp_path / "worker.log").open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.services.sync.hanging_sync",
             database_url, fake_allegro.url, str(account.id), "1"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=log, text=True,
        )
        try:
            assert worker.stdout.readline().strip() == "syncing", (tmp_path / "worker.log").read_text()
            deadline = time.monotonic() + 2.5  # the worker outlives its 1 s lease more than twice
            while time.monotonic() < deadline:
                assert not acquire_lease(account.id, OTHER, ttl_seconds=1)
                time.sleep(0.2)
        finally:
            worker.kill()  # SIGKILL: no finally block of the worker runs
            worker.wait()
            worker.stdout.close()
    killed_at = time.monotonic()
    while not acquire_lease(account.id, OTHER, ttl_seconds=1):
        assert time.monotonic() - killed_at < 3
        time.sleep(0.1)
    release_lease(account.id, OTHER)
    assert run_sync(get_allegro(), account.id).state == "ok"
    orphan = db.session.query(SyncRun).filter_by(state="interrupted").one()
    assert orphan.steps == {}  # the killed worker's run, never finished


def test_a_sync_whose_lease_was_taken_over_stops_at_its_next_page(account):
    ran_after = []

    def pages(ctx) -> None:
        for n in range(4):
            if n == 2:
                _take_over(ctx.run.account_id)
            set_cursor(ctx.run.account_id, FEED, str(n))
            ctx.settings.on_page()
            db.session.commit()

    steps = (Step("pages", pages), Step("after", lambda ctx: ran_after.append(True)))
    run = run_sync(get_allegro(), account.id, steps=steps)
    assert run.state == "failed"
    assert run.steps["pages"]["state"] == "failed"
    assert run.steps["pages"]["error"].startswith("lease_lost: ")
    assert run.steps["after"] == {"state": "skipped", "error": "lease_lost"}
    assert "lease_lost" in run.error
    assert ran_after == []
    assert get_cursor(account.id, FEED) == "1"  # page 2 rolled back, page 3 never written
    assert lease_of(account.id).holder == OTHER  # the new holder keeps it

