"""Each step of an account's sync succeeds or fails on its own; one failing never skips the others."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import AccountStatus, Order
from desk.models.issue import Issue
from desk.models.rating import Rating
from desk.services.sync import steps as sync_steps
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account

ISSUES = "GET /sale/issues"
RATINGS = "GET /sale/user-ratings"
THREADS = "GET /messaging/threads"
FORMS = "GET /order/checkout-forms"  # the first sync reads the order history


@pytest.fixture
def shop(app, fake_allegro):
    """An account with an order, a discussion and a rating waiting on Allegro."""
    account, seller = connect_account(fake_allegro)
    form = fake_allegro.state.add_checkout_form(seller)
    fake_allegro.state.add_issue(seller, checkout_form_id=form["id"])
    fake_allegro.state.add_rating(seller)
    return account, seller


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _states(run) -> dict[str, str]:
    return {name: result["state"] for name, result in run.steps.items()}


def test_all_steps_ok(fake_allegro, shop):
    run = run_sync(get_allegro(), shop[0].id)
    assert (run.state, run.error) == ("ok", None)
    assert _states(run) == {"orders": "ok", "issues": "ok", "messages": "ok", "ratings": "ok"}
    assert (_count(Order), _count(Issue), _count(Rating)) == (1, 1, 1)


@pytest.mark.parametrize(
    ("route", "failing", "kept"),
    [(FORMS, "orders", (0, 1, 1)), (ISSUES, "issues", (1, 0, 1)), (RATINGS, "ratings", (1, 1, 0))],
    # the messages step (no thread in this shop) is covered in tests/services/issues/test_thread_sync.py
)
def test_a_5xx_on_one_steps_endpoint_leaves_the_others_done(fake_allegro, shop, route, failing, kept):
    fake_allegro.state.fail_next(route, 503, times=20)
    run = run_sync(get_allegro(), shop[0].id)
    assert run.state == "partial"
    names = ("orders", "issues", "messages", "ratings")
    expected = {name: "failed" if name == failing else "ok" for name in names}
    assert _states(run) == expected
    assert run.error.startswith(f"{failing}: ServerError")
    assert (_count(Order), _count(Issue), _count(Rating)) == kept


def test_a_bug_in_one_step_is_recorded_and_the_next_step_still_runs(fake_allegro, shop):
    def broken(ctx):
        raise KeyError("surprise")

    steps = (sync_steps.Step("orders", broken), *sync_steps.STEPS[1:])
    run = run_sync(get_allegro(), shop[0].id, steps=steps)
    assert run.state == "partial"
    assert run.steps["orders"] == {"state": "failed", "error": "KeyError: 'surprise'"}
    assert (_count(Order), _count(Issue), _count(Rating)) == (0, 1, 1)


def test_every_step_failing_fails_the_run(fake_allegro, shop):
    for route in (FORMS, ISSUES, THREADS, RATINGS):
        fake_allegro.state.fail_next(route, 503, times=20)
    run = run_sync(get_allegro(), shop[0].id)
    assert run.state == "failed"
    failed = [part.split(":")[0] for part in run.error.split("; ")]
    assert failed == ["orders", "issues", "messages", "ratings"]


def test_an_expired_authorisation_skips_the_rest_and_asks_for_reconnection(fake_allegro, shop):
    account, _ = shop
    fake_allegro.state.expire_access_tokens()
    fake_allegro.state.revoke_refresh_tokens()
    run = run_sync(get_allegro(), account.id)
    assert run.state == "failed"
    skipped = {"issues": "skipped", "messages": "skipped", "ratings": "skipped"}
    assert _states(run) == {"orders": "failed", **skipped}
    db.session.refresh(account)
    assert account.status == AccountStatus.NEEDS_RECONNECT
