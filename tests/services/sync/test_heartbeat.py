"""The lease heartbeat: renews on its own connection, notices a take-over, survives failed beats."""

from __future__ import annotations

import datetime as dt
import logging
import time

import pytest
from sqlalchemy import create_engine, insert, select, update

from desk.extensions import db
from desk.models import SyncLease
from desk.orm import utcnow
from desk.services.sync.heartbeat import Heartbeat, LeaseLost
from desk.services.sync.lease import acquire_lease, lease_of
from tests.factories import connect_account

HOLDER = "this-worker:1"


@pytest.fixture
def account(app, fake_allegro):
    return connect_account(fake_allegro)[0]


def _wait_for(condition, seconds: float = 3) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_heartbeat_keeps_the_lease_beyond_its_ttl(account):
    assert acquire_lease(account.id, HOLDER, ttl_seconds=1)
    with Heartbeat(db.engine, account.id, HOLDER, ttl_seconds=1):
        time.sleep(2)
        assert lease_of(account.id).expires_at > utcnow()
        assert not acquire_lease(account.id, "other-worker:2", ttl_seconds=1)
    assert lease_of(account.id).holder == HOLDER


def test_a_heartbeat_that_finds_the_lease_taken_over_stops_and_says_so(account):
    assert acquire_lease(account.id, HOLDER, ttl_seconds=1)
    heartbeat = Heartbeat(db.engine, account.id, HOLDER, ttl_seconds=1)
    with heartbeat:
        until = utcnow() + dt.timedelta(seconds=600)
        with db.engine.begin() as connection:
            connection.execute(update(SyncLease).values(holder="thief:3", expires_at=until))
        assert _wait_for(lambda: heartbeat.lost)
        with pytest.raises(LeaseLost, match="^lease_lost: "):
            heartbeat.check()
    lease = lease_of(account.id)
    assert (lease.holder, lease.expires_at) == ("thief:3", until)


def test_a_failed_beat_is_logged_and_the_next_one_retries(tmp_path, caplog):
    """A database that cannot answer yet (here: its table is missing) fails beats without
    stopping the heartbeat; once it answers, the lease is renewed."""
    engine = create_engine(f"sqlite:///{tmp_path / 'late.db'}")
    heartbeat = Heartbeat(engine, 1, HOLDER, ttl_seconds=0.3)
    try:
        with caplog.at_level(logging.WARNING, logger="desk.services.sync.heartbeat"), heartbeat:
            assert _wait_for(lambda: len(caplog.records) >= 2)
            SyncLease.__table__.create(engine)
            with engine.begin() as connection:
                connection.execute(insert(SyncLease).values(account_id=1, holder=HOLDER, expires_at=utcnow()))
            expiry = select(SyncLease.expires_at)
            first = _scalar(engine, expiry)
            assert _wait_for(lambda: _scalar(engine, expiry) > first)
            assert not heartbeat.lost
        assert "renewing the sync lease of account 1 failed" in caplog.records[0].getMessage()
    finally:
        engine.dispose()


def _scalar(engine, statement):
    with engine.connect() as connection:
        return connection.scalar(statement)
