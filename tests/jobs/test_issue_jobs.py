"""Issues in the scheduled work: the account sync runs the issue step inside its lease; round-robin job.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from desk import jobs
from desk.extensions import db
from desk.models.issue import Issue
from desk.services.sync.lease import acquire_lease, release_lease
from desk.services.sync.runner import SyncBusy, run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account, make_agent

LIST = "GET /sale/issues"


def test_account_sync_brings_issues_and_an_idle_cycle_only_lists(app, fake_allegro):
    account, seller = connect_account(fake_allegro)
    fake_allegro.state.add_issue(seller, text="Gdzie paczka?")
    fake_allegro.state.add_rating(seller, recommended=True, comment="Polecam")
    run = run_sync(get_allegro(), account.id)
    assert run.state == "ok", run.error
    assert (run.issues_changed, run.ratings_changed) == (1, 1)
    assert db.session.scalar(select(Issue.buyer_login)) is not None
    chats = fake_allegro.state.request_count("GET /sale/issues/{issueId}/chat")
    lists = fake_allegro.state.request_count(LIST)
    run_sync(get_allegro(), account.id)
    assert fake_allegro.state.request_count("GET /sale/issues/{issueId}/chat") == chats
    assert fake_allegro.state.request_count(LIST) - lists == 2


def test_issue_sync_never_runs_while_another_process_holds_the_lease(app, fake_allegro):
    account, seller = connect_account(fake_allegro)
    fake_allegro.state.add_issue(seller)
    assert acquire_lease(account.id, "other-host:1", ttl_seconds=60)
    try:
        with pytest.raises(SyncBusy):
            run_sync(get_allegro(), account.id)
        assert fake_allegro.state.request_count(LIST) == 0
    finally:
        release_lease(account.id, "other-host:1")


def test_round_robin_job_assigns_new_issues_when_switched_on(app, fake_allegro):
    job = jobs.assign_issues_job
    from desk.orm import utcnow
    from desk.services.issues.sync import sync_issues

    account, seller = connect_account(fake_allegro)
    agent = make_agent(accounts=[account])
    fake_allegro.state.add_issue(seller)
    sync_issues(get_allegro().client_for(account.id), account.id, full=False, now=utcnow())
    app.config["ISSUE_ROUND_ROBIN"] = False
    assert job(app)["assigned"] == 0
    app.config["ISSUE_ROUND_ROBIN"] = True
    assert job(app)["assigned"] == 1
    assert db.session.scalar(select(Issue.assigned_agent_id)) == agent.id
