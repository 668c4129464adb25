"""Who else has an issue open: the "someone else is replying" warning.

Each page view records "viewing"; choosing a template or sending records "writing". Without a
heartbeat a view ages out after a while, so the warning names only recent activity.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models import Agent
from desk.models.issue import IssueView
from desk.orm import utcnow

VIEWING, WRITING = "viewing", "writing"
TTL = {VIEWING: dt.timedelta(minutes=10), WRITING: dt.timedelta(minutes=30)}


@dataclass(frozen=True)
class Presence:
    agent_id: int
    agent_name: str
    state: str  # viewing | writing
    since: dt.datetime


def touch(issue_id: int, agent_id: int, *, state: str = VIEWING, now: dt.datetime | None = None) -> None:
    """Record that the agent has the issue open (or is writing). Commits.

    A page view does not downgrade a recent "writing": the agent may have reloaded mid-reply.
    After a send the caller passes VIEWING through `done_writing`.
    """
    now = now or utcnow()
    row = db.session.get(IssueView, (issue_id, agent_id))
    if row is None:
        db.session.add(IssueView(issue_id=issue_id, agent_id=agent_id, state=state, since=now, seen_at=now))
        try:
            db.session.commit()
        except IntegrityError:  # the same agent in two tabs at once
            db.session.rollback()
        return
    still_writing = row.state == WRITING and row.seen_at >= now - TTL[WRITING]
    if state == VIEWING and still_writing:
        row.seen_at = now
    else:
        if row.state != state or row.seen_at < now - TTL[row.state]:
            row.since = now
        row.state = state
        row.seen_at = now
    db.session.commit()


def done_writing(issue_id: int, agent_id: int, *, now: dt.datetime | None = None) -> None:
    """The agent's reply went out: back to merely viewing. Commits."""
    now = now or utcnow()
    row = db.session.get(IssueView, (issue_id, agent_id))
    if row is not None:
        row.state, row.since, row.seen_at = VIEWING, now, now
        db.session.commit()


def others(issue_id: int, agent_id: int | None, *, now: dt.datetime | None = None) -> list[Presence]:
    """Other agents recently on this issue, writers first."""
    now = now or utcnow()
    rows = db.session.execute(
        select(IssueView, Agent.name)
        .join(Agent, Agent.id == IssueView.agent_id)
        .where(IssueView.issue_id == issue_id, IssueView.seen_at >= now - TTL[WRITING])
    ).all()
    found = [
        Presence(view.agent_id, name, view.state, view.since)
        for view, name in rows
        if view.agent_id != agent_id and view.seen_at >= now - TTL[view.state]
    ]
    return sorted(found, key=lambda p: (p.state != WRITING, p.since))
