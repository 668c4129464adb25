"""Who works on an issue: manual assignment and the optional round-robin for new issues."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select, update

from desk.extensions import db
from desk.models import Agent, Role, agent_account
from desk.models.issue import OPEN_LANES, Issue, IssueStateChange
from desk.orm import utcnow
from desk.services.errors import N_, ValidationError
from desk.services.issues.detail import visible_issue

# Only issues first seen this recently are new enough for the round-robin.
NEW_ISSUE_WINDOW = dt.timedelta(days=2)


def eligible_agents(account_id: int) -> list[Agent]:
    """Active people who may work on the account: its agents, owners and administrators."""
    linked = select(agent_account.c.agent_id).where(agent_account.c.account_id == account_id)
    query = (
        select(Agent)
        .where(
            Agent.is_active_flag.is_(True),
            or_(Agent.role.in_((Role.ADMIN, Role.OWNER)), Agent.id.in_(linked)),
        )
        .order_by(Agent.name)
    )
    return list(db.session.scalars(query))


def assign(
    issue_id: int, *, agent_id: int | None, acting_agent_id: int | None, account_ids: set[int] | None,
    now: dt.datetime | None = None,
) -> Issue:
    """Give the issue to an agent (None: to nobody), noted in its history. Commits."""
    issue = visible_issue(issue_id, account_ids)
    target = None
    if agent_id is not None:
        target = next((a for a in eligible_agents(issue.account_id) if a.id == agent_id), None)
        if target is None:
            raise ValidationError(N_("This agent cannot work on this seller account."))
    if issue.assigned_agent_id == agent_id:
        return issue
    now = now or utcnow()
    old = issue.assigned_agent.name if issue.assigned_agent is not None else None
    issue.changes.append(
        IssueStateChange(
            source="agent", field="assignee", old_value=old, new_value=target.name if target else None,
            agent_id=acting_agent_id, at=now,
        )
    )
    issue.assigned_agent_id = agent_id
    issue.assigned_at = now
    db.session.commit()
    return issue


def round_robin_assign(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Assign new, never-assigned open issues to agents in turn, per account. Commits; returns how many.

    "In turn" means the eligible agent (role agent, linked to the account) whose last assignment
    is the oldest; people who were never assigned anything come first. An issue someone
    unassigned on purpose (assigned_at set) is left alone.
    """
    now = now or utcnow()
    issues = db.session.scalars(
        select(Issue)
        .where(
            Issue.assigned_at.is_(None),
            Issue.lane.in_(OPEN_LANES),
            Issue.first_seen_at >= now - NEW_ISSUE_WINDOW,
        )
        .order_by(Issue.first_seen_at, Issue.id)
        .limit(limit)
    ).all()
    done = 0
    turns: dict[int, list[tuple[dt.datetime, int, Agent]]] = {}
    for issue in issues:
        queue = turns.get(issue.account_id)
        if queue is None:
            queue = turns[issue.account_id] = _turn_order(issue.account_id)
        if not queue:
            continue
        _last, _agent_id, agent = queue.pop(0)
        claimed = db.session.execute(
            update(Issue)
            .where(Issue.id == issue.id, Issue.assigned_at.is_(None))
            .values(assigned_agent_id=agent.id, assigned_at=now)
            .execution_options(synchronize_session="fetch")
        )
        if claimed.rowcount != 1:  # another worker got there first
            queue.insert(0, (_last, _agent_id, agent))
            continue
        db.session.add(
            IssueStateChange(issue_id=issue.id, source="auto", field="assignee", new_value=agent.name, at=now)
        )
        queue.append((now, agent.id, agent))
        done += 1
    db.session.commit()
    return done


def _turn_order(account_id: int) -> list[tuple[dt.datetime, int, Agent]]:
    """Agents of the account, least recently assigned first."""
    agents = [a for a in eligible_agents(account_id) if a.role == Role.AGENT]
    if not agents:
        return []
    last = dict(
        db.session.execute(
            select(Issue.assigned_agent_id, func.max(Issue.assigned_at))
            .where(Issue.assigned_agent_id.in_([a.id for a in agents]))
            .group_by(Issue.assigned_agent_id)
        ).all()
    )
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(((last.get(a.id) or never, a.id, a) for a in agents), key=lambda t: (t[0], t[1]))
