"""Per-account leases: one sync of an account at a time, across processes and machines."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, Update, case, or_, select, update
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models import SyncLease
from desk.orm import utcnow


def acquire_lease(account_id: int, holder: str, *, ttl_seconds: int) -> bool:
    """Take the account's lease if it is free or expired; commits. False when someone else holds it.

    On PostgreSQL the row is read with `FOR UPDATE SKIP LOCKED`, so a contender never waits
    on another worker's transaction; everywhere the final conditional UPDATE is what decides.
    """
    _ensure_row(account_id)
    now = utcnow()
    if db.engine.dialect.name == "postgresql":
        row = db.session.execute(
            select(SyncLease.account_id)
            .where(SyncLease.account_id == account_id)
            .with_for_update(skip_locked=True)
        ).first()
        if row is None:
            db.session.rollback()
            return False
    result = db.session.execute(
        update(SyncLease)
        .where(
            SyncLease.account_id == account_id,
            or_(SyncLease.holder.is_(None), SyncLease.holder == holder, SyncLease.expires_at < now),
        )
        .values(
            holder=holder,
            acquired_at=case((SyncLease.holder == holder, SyncLease.acquired_at), else_=now),
            expires_at=now + dt.timedelta(seconds=ttl_seconds),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def lease_of(account_id: int) -> SyncLease | None:
    """The account's lease row as stored now (who holds it, since and until when)."""
    return db.session.scalar(
        select(SyncLease).where(SyncLease.account_id == account_id).execution_options(populate_existing=True)
    )


def renew_lease(account_id: int, holder: str, *, ttl_seconds: float) -> bool:
    """Extend a held lease in the session's transaction; flushes only (the caller's page commit
    makes it durable). False when the lease is no longer `holder`'s."""
    result = db.session.execute(
        _extension(account_id, holder, ttl_seconds).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def extend_lease(engine: Engine, account_id: int, holder: str, *, ttl_seconds: float) -> bool:
    """Extend a held lease in a transaction of its own on `engine`, apart from any session; commits.

    False when the lease is no longer `holder`'s (another process took it after it expired).
    """
    with engine.begin() as connection:
        return connection.execute(_extension(account_id, holder, ttl_seconds)).rowcount == 1


def release_lease(account_id: int, holder: str) -> None:
    """Give the lease back; commits."""
    db.session.execute(
        update(SyncLease)
        .where(SyncLease.account_id == account_id, SyncLease.holder == holder)
        .values(holder=None, acquired_at=None, expires_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _ensure_row(account_id: int) -> None:
    if db.session.get(SyncLease, account_id) is not None:
        return
    db.session.add(SyncLease(account_id=account_id))
    try:
        db.session.commit()
    except IntegrityError:  # another process inserted it first: fine
        db.session.rollback()


def _extension(account_id: int, holder: str, ttl_seconds: float) -> Update:
    return (
        update(SyncLease)
        .where(SyncLease.account_id == account_id, SyncLease.holder == holder)
        .values(expires_at=utcnow() + dt.timedelta(seconds=ttl_seconds))
    )
