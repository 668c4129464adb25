"""Known devices: browsers an agent has signed in on, recognised by a random token kept in a cookie.

Only the token's SHA-256 is stored, so the table alone lets nobody pass for a device. A new password
or a deactivation forgets every device of the agent; signing out does not.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select

from desk.extensions import db
from desk.models import KnownDevice

# Per agent; beyond this the least recently used are forgotten (every cookie-less sign-in adds one).
MAX_DEVICES_PER_AGENT = 20


def find(agent_id: int, token: str | None, *, now: dt.datetime, days: int) -> KnownDevice | None:
    """The agent's device holding `token`, if it has signed in within the last `days` days."""
    if not token:
        return None
    return db.session.scalar(
        select(KnownDevice).where(
            KnownDevice.token_hash == _digest(token),
            KnownDevice.agent_id == agent_id,
            KnownDevice.last_used_at >= now - dt.timedelta(days=days),
        )
    )


def remember(agent_id: int, token: str | None, *, now: dt.datetime, days: int) -> str:
    """Mark the agent's device holding `token` as used now, or remember a new device.

    Returns the token the browser keeps from now on. Flushes; the caller commits.
    """
    device = find(agent_id, token, now=now, days=days)
    if device is None:
        token = secrets.token_urlsafe(32)
        device = KnownDevice(agent_id=agent_id, token_hash=_digest(token), created_at=now)
        db.session.add(device)
    device.last_used_at = now
    db.session.flush()
    _forget_stale(agent_id, since=now - dt.timedelta(days=days))
    return token


def forget_all(agent_id: int) -> None:
    """Forget every device of the agent (new password, deactivation). The caller commits."""
    forget = delete(KnownDevice).where(KnownDevice.agent_id == agent_id)
    db.session.execute(forget.execution_options(synchronize_session=False))


def _forget_stale(agent_id: int, *, since: dt.datetime) -> None:
    recent = (
        select(KnownDevice.id)
        .where(KnownDevice.agent_id == agent_id, KnownDevice.last_used_at >= since)
        .order_by(KnownDevice.last_used_at.desc(), KnownDevice.id.desc())
        .limit(MAX_DEVICES_PER_AGENT)
    )
    db.session.execute(
        delete(KnownDevice)
        .where(KnownDevice.agent_id == agent_id, KnownDevice.id.not_in(recent))
        .execution_options(synchronize_session=False)
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
