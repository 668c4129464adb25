"""Order sync against the fake Allegro: backfill, events, sweep repair, resume after a crash."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import AccountStatus, Order, OrderChange, SyncRun
from desk.services.orders import sync as order_sync
from desk.services.shared.cursors import get_cursor
from desk.services.sync.lease import acquire_lease
from desk.services.sync.runner import SyncBusy, run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account


def _count_orders(account_id):
    return db.session.scalar(select(func.count()).select_from(Order).where(Order.account_id == account_id))


def _allegro_ids(account_id):
    return set(db.session.scalars(select(Order.allegro_id).where(Order.account_id == account_id)))


@pytest.fixture
def shop(app, fake_allegro):
    account, seller_id = connect_account(fake_allegro)
    return account, seller_id


def test_first_sync_backfills_history_then_sets_the_event_cursor(app, fake_allegro, shop):
    account, seller = shop
    ids = {fake_allegro.state.add_checkout_form(seller)["id"] for _ in range(7)}
    run = run_sync(get_allegro(), account.id)
    assert run.state == "ok", run.error
    assert run.kind == "backfill"
    assert run.created == 7
    assert _allegro_ids(account.id) == ids
    assert get_cursor(account.id, order_sync.BACKFILL_FEED) == order_sync.DONE
    assert get_cursor(account.id, order_sync.EVENTS_FEED) == fake_allegro.state.events[-1]["id"]
    assert account.backfill_done_at is not None


def test_events_bring_new_and_changed_orders(app, fake_allegro, shop):
    account, seller = shop
    first = fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    second = fake_allegro.state.add_checkout_form(seller)
    fake_allegro.state.update_checkout_form(first["id"], status="CANCELLED", event_type="BUYER_CANCELLED")
    run = run_sync(get_allegro(), account.id)
    assert run.state == "ok", run.error
    assert (run.created, run.updated) == (1, 1)
    order = db.session.scalar(select(Order).where(Order.allegro_id == first["id"]))
    assert order.status == "CANCELLED"
    assert [c.field for c in order.changes] == ["status"]
    assert second["id"] in _allegro_ids(account.id)


def test_idle_incremental_sync_makes_at_most_three_order_requests(app, fake_allegro, shop):
    """Orders cost one event-feed read when idle; issues (open and recently closed lists), Message
    Center threads (the newest page) and ratings (one changes page) add four list requests and
    no chat, message or detail reads."""
    account, seller = shop
    fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    before = [entry.route for entry in fake_allegro.state.requests]
    run = run_sync(get_allegro(), account.id)
    idle = [entry.route for entry in fake_allegro.state.requests][len(before):]
    assert run.state == "ok"
    assert len([route for route in idle if " /order/" in route]) <= 3
    assert sorted(route for route in idle if " /order/" not in route) == [
        "GET /messaging/threads", "GET /sale/issues", "GET /sale/issues", "GET /sale/user-ratings"
    ]
    assert run.requests == len(idle)
    assert (run.created, run.updated, run.issues_changed, run.ratings_changed) == (0, 0, 0, 0)


def test_sweep_repairs_a_lost_event(app, fake_allegro, shop):
    account, seller = shop
    form = fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    fake_allegro.state.update_checkout_form(form["id"], event_type=None, status="CANCELLED")
    assert run_sync(get_allegro(), account.id).updated == 0  # the event was lost
    run = run_sync(get_allegro(), account.id, mode="sweep")
    assert run.state == "ok", run.error
    assert run.repaired == 1
    assert db.session.scalar(select(Order.status).where(Order.allegro_id == form["id"])) == "CANCELLED"


def test_replaying_the_same_events_creates_no_duplicates(app, fake_allegro, shop):
    account, seller = shop
    for _ in range(3):
        fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    from desk.services.shared.cursors import set_cursor

    set_cursor(account.id, order_sync.EVENTS_FEED, "")
    db.session.commit()
    run = run_sync(get_allegro(), account.id)
    assert run.state == "ok"
    assert _count_orders(account.id) == 3
    assert run.created == 0


class Crash(BaseException):
    """Stands for the process dying right after a page was committed (not an error a step survives)."""


@pytest.mark.parametrize(("commit_pages", "crash_after_commits"), [(1, 1), (1, 2), (1, 4), (2, 1), (3, 1)])
def test_backfill_killed_after_a_commit_resumes_without_loss_or_duplicates(
    app, fake_allegro, shop, commit_pages, crash_after_commits
):
    account, seller = shop
    fake_allegro.state.populate_fast(seller, 450)
    expected = set(fake_allegro.state.checkout_forms)
    committed = []

    def die(run):
        committed.append(run.progress_done)
        if len(committed) == crash_after_commits:
            raise Crash

    settings = order_sync.SyncSettings(
        commit_pages=commit_pages, commit_seconds=3600, idle_commit_seconds=3600  # commits by page count only
    )
    with pytest.raises(Crash):
        run_sync(get_allegro(), account.id, settings=settings, progress=die)
    db.session.rollback()
    # a page can repeat the last order of the one before it (the window restarts at its updatedAt)
    assert committed[-1] == commit_pages * crash_after_commits * 100
    assert committed[-1] - commit_pages * crash_after_commits <= _count_orders(account.id) <= committed[-1]
    resumed = run_sync(get_allegro(), account.id)
    assert resumed.state == "ok", resumed.error
    assert _allegro_ids(account.id) == expected
    assert _count_orders(account.id) == 450


def test_backfill_commits_every_few_pages_with_the_cursor_of_the_last(app, fake_allegro, shop):
    account, seller = shop
    fake_allegro.state.populate_fast(seller, 450)
    seen = []

    def record(run):
        cursor = get_cursor(account.id, order_sync.BACKFILL_FEED)
        seen.append((run.progress_done, _count_orders(account.id), cursor))

    settings = order_sync.SyncSettings(commit_pages=2, commit_seconds=3600, idle_commit_seconds=3600)
    assert run_sync(get_allegro(), account.id, settings=settings, progress=record).state == "ok"
    assert len(seen) == 3  # five pages, committed as 2 + 2 + 1
    assert [done for done, _, _ in seen][:2] == [200, 400]
    assert all(done - 5 <= stored <= done for done, stored, _ in seen)
    assert seen[-1][1] == 450
    assert seen[-1][2] == order_sync.DONE
    assert all(cursor.endswith("|0") for _, _, cursor in seen[:-1])  # each window starts after its page


def test_a_slow_backfill_commits_on_time_whatever_the_page_count(app, fake_allegro, shop):
    account, seller = shop
    fake_allegro.state.populate_fast(seller, 450)
    commits = []
    settings = order_sync.SyncSettings(commit_pages=100, commit_seconds=0, idle_commit_seconds=3600)
    run_sync(get_allegro(), account.id, settings=settings, progress=lambda r: commits.append(r.progress_done))
    assert commits[:4] == [100, 200, 300, 400]


def test_backfill_failing_mid_page_resumes(app, fake_allegro, shop):
    account, seller = shop
    fake_allegro.state.populate_fast(seller, 250)
    run = run_sync(get_allegro(), account.id)  # completes
    assert run.state == "ok"
    fake_allegro.state.populate_fast(seller, 150)
    fake_allegro.state.fail_next("GET /order/events", 503, times=10)
    failed = run_sync(get_allegro(), account.id)
    assert failed.state == "partial"  # the orders step failed; issues and ratings still ran
    assert failed.steps["orders"]["state"] == "failed" and "503" in failed.steps["orders"]["error"]
    assert failed.error.startswith("orders: ServerError")
    fake_allegro.state.clear_faults()
    assert run_sync(get_allegro(), account.id).state == "ok"
    assert _count_orders(account.id) == 400


def test_lease_blocks_a_second_sync_of_the_same_account(app, fake_allegro, shop):
    account, _ = shop
    assert acquire_lease(account.id, "other-host:1", ttl_seconds=600)
    with pytest.raises(SyncBusy):
        run_sync(get_allegro(), account.id)
    assert db.session.scalar(select(func.count()).select_from(SyncRun)) == 0


def test_expired_lease_is_taken_over(app, fake_allegro, shop):
    account, _ = shop
    assert acquire_lease(account.id, "crashed-host:1", ttl_seconds=-1)
    assert run_sync(get_allegro(), account.id).state == "ok"


def test_dead_refresh_token_marks_account_for_reconnection(app, fake_allegro, shop):
    account, _ = shop
    fake_allegro.state.expire_access_tokens()
    fake_allegro.state.revoke_refresh_tokens()
    run = run_sync(get_allegro(), account.id)
    assert run.state == "failed"
    assert "auth_expired" in run.error
    db.session.refresh(account)
    assert account.status == AccountStatus.NEEDS_RECONNECT
    refreshes = fake_allegro.state.request_count("POST /auth/oauth/token")
    assert refreshes == 1  # one refresh attempt, no loop


def test_expired_access_token_is_refreshed_once(app, fake_allegro, shop):
    account, seller = shop
    fake_allegro.state.add_checkout_form(seller)
    fake_allegro.state.expire_access_tokens()
    run = run_sync(get_allegro(), account.id)
    assert run.state == "ok", run.error
    assert fake_allegro.state.request_count("POST /auth/oauth/token") == 1


def test_sync_survives_a_429_storm_with_retry_after(app, fake_allegro, shop):
    account, seller = shop
    fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    fake_allegro.state.add_checkout_form(seller)
    fake_allegro.state.fail_next("GET /order/events", 429, times=2, retry_after=0)
    run = run_sync(get_allegro(), account.id)
    assert run.state == "ok", run.error
    assert run.created == 1


def test_order_history_records_sources(app, fake_allegro, shop):
    account, seller = shop
    form = fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    fake_allegro.state.update_checkout_form(form["id"], event_type=None, status="CANCELLED")
    run_sync(get_allegro(), account.id, mode="sweep")
    change = db.session.scalar(select(OrderChange))
    assert (change.source, change.field, change.new_value) == ("sweep", "status", "CANCELLED")


def test_a_backfill_page_inserts_new_orders_and_updates_stored_ones(app, fake_allegro, shop):
    from desk.services.orders.store import Outcome, upsert_forms

    account, seller = shop
    stored = fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    fake_allegro.state.update_checkout_form(stored["id"], status="CANCELLED", event_type=None)
    new = fake_allegro.state.add_checkout_form(seller)
    client = get_allegro().client_for(account.id)
    forms = {form.id: form for form in client.list_checkout_forms(limit=100).forms}
    page = [forms[stored["id"]], forms[new["id"]], forms[new["id"]]]  # a repeat, as window restarts give
    outcomes = upsert_forms(account.id, page, source="backfill", mostly_new=True)
    db.session.commit()
    assert outcomes == [Outcome.UPDATED, Outcome.CREATED, Outcome.CREATED]
    assert _count_orders(account.id) == 2
    order = db.session.scalar(select(Order).where(Order.allegro_id == stored["id"]))
    assert order.status == "CANCELLED"
    assert [(c.field, c.source) for c in order.changes] == [("status", "backfill")]
    added = db.session.scalar(select(Order).where(Order.allegro_id == new["id"]))
    assert [line.allegro_id for line in added.lines] == [item["id"] for item in new["lineItems"]]


def test_a_slow_allegro_gets_pending_pages_committed_while_waiting(app, fake_allegro, shop):
    account, seller = shop
    fake_allegro.state.populate_fast(seller, 250)
    # each page comes long after the one before is stored, even on a machine busy with other work
    fake_allegro.state.delay("GET /order/checkout-forms", 1.5, times=10)
    commits = []
    settings = order_sync.SyncSettings(commit_pages=100, commit_seconds=3600, idle_commit_seconds=0.1)
    record = commits.append
    run = run_sync(get_allegro(), account.id, settings=settings, progress=lambda r: record(r.progress_done))
    assert run.state == "ok", run.error
    assert commits[:2] == [100, 200]  # no transaction held open across a slow page
    assert _count_orders(account.id) == 250
