"""A sync whose process died is marked interrupted; a refused sync says who holds the lease."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import url_for

from desk.extensions import db
from desk.models import Role, SyncRun
from desk.orm import utcnow
from desk.services.sync.lease import acquire_lease
from desk.services.sync.runner import SyncBusy, run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account, make_agent


@pytest.fixture
def account(app, fake_allegro):
    return connect_account(fake_allegro)[0]


def test_a_run_left_running_by_a_dead_process_is_marked_interrupted(account):
    dead = SyncRun(account_id=account.id, kind="incremental", state="running")
    db.session.add(dead)
    db.session.commit()
    run = run_sync(get_allegro(), account.id)
    db.session.refresh(dead)
    assert (dead.state, dead.finished_at is not None) == ("interrupted", True)
    assert dead.error.startswith("interrupted:")
    assert run.state == "ok"


def test_a_refused_sync_names_the_holder_and_since_when(account):
    before = utcnow()
    assert acquire_lease(account.id, "worker-7:4242", ttl_seconds=600)
    with pytest.raises(SyncBusy) as busy:
        run_sync(get_allegro(), account.id)
    assert busy.value.holder == "worker-7:4242"
    assert before - dt.timedelta(seconds=1) <= busy.value.since <= utcnow()
    assert db.session.query(SyncRun).count() == 0  # nothing claims to have run


def test_the_cli_says_who_syncs_and_exits_non_zero(app, account, runner):
    assert acquire_lease(account.id, "worker-7:4242", ttl_seconds=600)
    result = runner.invoke(args=["desk", "sync", "--account", account.name])
    assert result.exit_code == 1
    assert "worker-7:4242 has been syncing it since" in result.output


def test_run_now_for_a_missing_account_is_a_404(app, client, login):
    login(make_agent(role=Role.ADMIN))
    response = client.post(url_for("sync.run_now", account_id=999))
    assert response.status_code == 404
    assert db.session.query(SyncRun).count() == 0
