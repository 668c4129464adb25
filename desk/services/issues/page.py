"""The issue page in one call: everything it shows, read from the database only.

A GET of the page writes nothing but the agent's presence and never waits on Allegro: the chat,
the order and its tracking numbers are the synced copies (the page's "refresh" re-reads them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from desk.extensions import db
from desk.models import Agent, OrderLine, OutboxMessage, OutboxState
from desk.models.issue import ReplyFile, ReplyTemplate
from desk.orm import utcnow
from desk.services.issues import assignment, claims, presence, replies, templates
from desk.services.issues.deadlines import Deadline, DeadlinePolicy
from desk.services.issues.detail import IssueDetail, issue_detail, order_lines_for
from desk.services.issues.threads.writes import REPLY as THREAD_REPLY
from desk.services.issues.writes import MESSAGE

MESSAGE_KINDS = (MESSAGE, THREAD_REPLY)  # writes that are messages to the buyer (not decisions)


@dataclass(frozen=True)
class IssuePage:
    detail: IssueDetail
    now: dt.datetime
    rules: DeadlinePolicy
    reply_deadline: Deadline | None  # our own reply target, while the buyer waits for us
    allegro_deadline: Deadline | None  # Allegro's deadline of the issue, while it is open
    others: list[presence.Presence]  # other agents on the page now
    writes: list[OutboxMessage]  # not yet known as sent
    draft_text: str  # the text of a refused message, to edit and send again
    kept_files: dict[int, list[str]]  # outbox id -> names of the files kept with a failed message
    message_types: tuple[str, ...]
    decisions: tuple[str, ...]
    templates: list[ReplyTemplate]
    agents: list[Agent]  # who the issue may be assigned to
    lines: list[OrderLine]  # the order lines the issue is about
    shipments: list[dict] | None  # tracking numbers as last synced; None: not read yet
    shipments_read_at: dt.datetime | None


def issue_page(
    issue_id: int, account_ids: set[int] | None, *, agent_id: int, writing: bool, rules: DeadlinePolicy,
    now: dt.datetime | None = None,
) -> IssuePage:
    """Everything the issue page shows; records that `agent_id` is viewing (or writing). Commits
    the presence only. NotFoundError when the issue is missing or not visible to the caller."""
    detail = issue_detail(issue_id, account_ids)
    issue, order = detail.issue, detail.order
    now = now or utcnow()
    presence.touch(issue.id, agent_id, state=presence.WRITING if writing else presence.VIEWING, now=now)
    writes = replies.pending_writes(issue)
    failed = [w for w in writes if w.kind in MESSAGE_KINDS and w.state is OutboxState.FAILED]
    draft = failed[0] if failed else None
    return IssuePage(
        detail=detail,
        now=now,
        rules=rules,
        reply_deadline=rules.reply_deadline(issue.needs_reply_since, now) if issue.needs_reply else None,
        allegro_deadline=_allegro_deadline(issue, rules, now),
        others=presence.others(issue.id, agent_id, now=now),
        writes=writes,
        draft_text=draft.payload.get("text", "") if draft else "",
        kept_files=_kept_files([w.id for w in failed]),
        message_types=replies.allowed_message_types(issue),
        decisions=claims.allowed_decisions(issue),
        templates=templates.list_templates(issue.type),
        agents=assignment.eligible_agents(issue.account_id),
        lines=order_lines_for(issue),
        shipments=order.shipments if order is not None else [],
        shipments_read_at=order.shipments_read_at if order is not None else None,
    )


def _allegro_deadline(issue, rules: DeadlinePolicy, now: dt.datetime) -> Deadline | None:
    if issue.is_closed or issue.due_at is None:
        return None
    estimated = issue.lane == "decision" and not (issue.decision_due_at or issue.status_due_at)
    return rules.allegro_deadline(issue.due_at, now, estimated=estimated)


def _kept_files(outbox_ids: list[int]) -> dict[int, list[str]]:
    """The names of the files the desk keeps for these writes (a thread reply keeps its files until
    Allegro has the message), oldest first; one query."""
    if not outbox_ids:
        return {}
    rows = db.session.execute(
        select(ReplyFile.outbox_id, ReplyFile.file_name)
        .where(ReplyFile.outbox_id.in_(outbox_ids))
        .order_by(ReplyFile.id)
    )
    kept: dict[int, list[str]] = {}
    for outbox_id, name in rows:
        kept.setdefault(outbox_id, []).append(name)
    return kept
