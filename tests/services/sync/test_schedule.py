"""Per-account schedules: handing out due accounts, one sync per slot, planning the next sync."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from desk.extensions import db
from desk.models import AccountStatus, SyncRun, SyncSchedule
from desk.services.sync import schedule
from desk.services.sync.lease import acquire_lease
from desk.services.sync.polling import PollingPolicy
from desk.services.sync.schedule import DispatchSettings, Outcome
from desk.wiring import get_allegro
from tests.clock import FakeClock
from tests.factories import connect_account

POLICY = PollingPolicy(fast_seconds=60, idle_max_seconds=900, backoff_factor=2.0, jitter=0.0)
SETTINGS = DispatchSettings(batch=100, redispatch_after=dt.timedelta(minutes=10),
                            sweep_every=dt.timedelta(minutes=30))


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def shop(app, fake_allegro):
    account, seller = connect_account(fake_allegro)
    return account, seller


def run(due, clock):
    return schedule.run_due(get_allegro(), due, clock=clock, policy=POLICY)


def row(account_id: int) -> SyncSchedule:
    return db.session.get(SyncSchedule, account_id, populate_existing=True)


def test_a_new_active_account_is_due_at_once_and_handed_out_once(shop, clock):
    account, _ = shop
    (due,) = schedule.claim_due(clock.now(), SETTINGS, POLICY)
    assert (due.account_id, due.slot, due.mode) == (account.id, 0, "incremental")
    assert schedule.claim_due(clock.now(), SETTINGS, POLICY) == []  # handed out: not again
    clock.advance(601)  # nobody ran it (a lost task): handed out again after redispatch_after
    (again,) = schedule.claim_due(clock.now(), SETTINGS, POLICY)
    assert again.slot == due.slot


def test_an_inactive_account_is_never_handed_out(shop, clock):
    account, _ = shop
    account.status = AccountStatus.NEEDS_RECONNECT
    db.session.commit()
    assert schedule.claim_due(clock.now(), SETTINGS, POLICY) == []


def test_news_brings_the_account_back_to_fast_and_quiet_syncs_back_off(shop, clock, fake_allegro):
    account, seller = shop
    fake_allegro.state.add_checkout_form(seller)
    intervals = []
    for _ in range(6):
        (due,) = schedule.claim_due(clock.now(), SETTINGS, POLICY)
        assert run(due, clock) is Outcome.SYNCED
        intervals.append(row(account.id).interval_seconds)
        clock.current = row(account.id).next_sync_at
    assert intervals == [60, 120, 240, 480, 900, 900]  # the first sync stored the order
    fake_allegro.state.add_checkout_form(seller)
    (due,) = schedule.claim_due(clock.now(), SETTINGS, POLICY)
    run(due, clock)
    assert (row(account.id).interval_seconds, row(account.id).idle_streak) == (60, 0)


def test_a_late_copy_of_a_served_slot_does_nothing(shop, clock):
    account, _ = shop
    (due,) = schedule.claim_due(clock.now(), SETTINGS, POLICY)
    assert run(due, clock) is Outcome.SYNCED
    assert run(due, clock) is Outcome.STALE
    assert db.session.query(SyncRun).count() == 1
    assert row(account.id).slot == 1


def test_a_taken_lease_means_look_again_soon_without_a_run(shop, clock):
    account, _ = shop
    (due,) = schedule.claim_due(clock.now(), SETTINGS, POLICY)
    assert acquire_lease(account.id, "cli:1", ttl_seconds=600)
    assert run(due, clock) is Outcome.BUSY
    state = row(account.id)
    assert (state.slot, state.dispatched_at) == (0, None)
    assert state.next_sync_at == clock.now() + dt.timedelta(seconds=60)
    assert db.session.query(SyncRun).count() == 0


def test_an_account_disconnected_after_hand_out_is_not_synced(shop, clock):
    account, _ = shop
    (due,) = schedule.claim_due(clock.now(), SETTINGS, POLICY)
    account.status = AccountStatus.DISABLED
    db.session.commit()
    assert run(due, clock) is Outcome.INACTIVE
    assert db.session.query(SyncRun).count() == 0


def test_the_sweep_comes_once_per_sweep_interval(shop, clock):
    account, _ = shop
    schedule.add_missing(clock.now(), POLICY)  # connected now: the first sweep is due in 30 minutes
    modes = []
    for _ in range(4):
        clock.advance(16 * 60)
        (due,) = schedule.claim_due(clock.now(), SETTINGS, POLICY)
        modes.append(due.mode)
        run(due, clock)
    assert modes == ["incremental", "sweep", "incremental", "sweep"]
    kinds = [r.kind for r in db.session.query(SyncRun).order_by(SyncRun.id)]
    assert kinds == ["backfill", "sweep", "incremental", "sweep"]


def test_the_most_overdue_accounts_go_first_within_the_batch(app, fake_allegro, clock):
    accounts = [connect_account(fake_allegro)[0] for _ in range(3)]
    schedule.add_missing(clock.now(), POLICY)
    for offset, account in zip((30, 10, 20), accounts, strict=True):
        row(account.id).next_sync_at = clock.now() - dt.timedelta(seconds=offset)
    db.session.commit()
    small = DispatchSettings(batch=2, redispatch_after=SETTINGS.redispatch_after,
                             sweep_every=SETTINGS.sweep_every)
    assert [d.account_id for d in schedule.claim_due(clock.now(), small, POLICY)] == [
        accounts[0].id, accounts[2].id,
    ]


def test_random_jitter_stays_within_the_bounds():
    policy = PollingPolicy(fast_seconds=60, idle_max_seconds=900, backoff_factor=1.5, jitter=0.1)
    rng = random.Random(3)
    for streak in range(20):
        assert 60 <= policy.interval(streak, rng) <= 900


def _back_off_to_idle(account_id, clock):
    for _ in range(6):
        (due,) = schedule.claim_due(clock.now(), SETTINGS, POLICY)
        run(due, clock)
        clock.current = row(account_id).next_sync_at
    clock.advance(-800)  # somewhere inside the longest interval
    assert row(account_id).interval_seconds == 900


def test_a_manual_sync_that_found_news_makes_the_account_fast_at_once(shop, clock, fake_allegro):
    from desk.services.sync.runner import run_sync

    account, seller = shop
    _back_off_to_idle(account.id, clock)
    slot = row(account.id).slot
    fake_allegro.state.add_checkout_form(seller)

    manual = run_sync(get_allegro(), account.id)

    assert schedule.after_manual_sync(manual, clock.now(), POLICY) is True
    moved = row(account.id)
    assert moved.next_sync_at == clock.now() + dt.timedelta(seconds=60)
    assert (moved.interval_seconds, moved.idle_streak, moved.slot) == (60, 0, slot)


def test_a_manual_sync_without_news_leaves_the_schedule_alone(shop, clock):
    from desk.services.sync.runner import run_sync

    account, _ = shop
    _back_off_to_idle(account.id, clock)
    before = row(account.id).next_sync_at

    assert schedule.after_manual_sync(run_sync(get_allegro(), account.id), clock.now(), POLICY) is False
    assert row(account.id).next_sync_at == before
