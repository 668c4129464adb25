"""The issues inbox: queues as index-backed keyset pages, counts, the at-risk list, search.

Every function takes `account_ids`, the seller accounts the caller may see (None means all); an
issue of another account behaves exactly like a missing one.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import logging
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Select, bindparam, func, select, true, tuple_
from sqlalchemy.orm import defer

from desk.extensions import db
from desk.models import Agent, SellerAccount
from desk.models.issue import (
    CONVERSATION_TYPES,
    LANE_CLOSED,
    LANE_DECISION,
    LANE_WAITING,
    OPEN_LANES,
    SOURCE_MESSAGING,
    Issue,
)
from desk.orm import utcnow
from desk.services.issues.deadlines import DeadlinePolicy

log = logging.getLogger(__name__)
MAX_PAGE = 100
AT_RISK_LIMIT = 50  # the nearest deadlines; the list says how many more there are
COUNT_CAP = 1000
SEARCH_LIMIT = 100
SUBJECT_MIN = 3  # shortest search text looked for in thread subjects
# queue -> (label for code, sort column, descending); conditions live in _queue_condition
QUEUES = ("reply", "decision", "waiting", "escalated", "at_risk", "mine", "closed")
PAGED_SORT = {
    "reply": (Issue.needs_reply_since, False),  # longest-waiting buyer first (= earliest reply target)
    "decision": (Issue.due_at, False),  # nearest decision deadline first
    "waiting": (Issue.activity_at, True),
    "escalated": (Issue.activity_at, True),
    "mine": (Issue.activity_at, True),
    "closed": (Issue.activity_at, True),
}
# The inbox never shows these; loading one by accident raises instead of costing a query per row.
_LIST_DEFERRED = (Issue.description, Issue.reason_description, Issue.expectations, Issue.attachments)


@dataclass(frozen=True)
class InboxFilters:
    """What the inbox is narrowed to besides the queue."""

    account_id: int | None = None
    type: str | None = None  # one of CONVERSATION_TYPES: POST_PURCHASE_ISSUE | COMMON | DISPUTE | CLAIM
    assignee: str | None = None  # "me" | "none" | an agent id as text
    query: str = ""


@dataclass(frozen=True)
class InboxRow:
    issue: Issue
    account_name: str
    assignee_name: str | None


@dataclass(frozen=True)
class InboxPage:
    queue: str
    rows: list[InboxRow]
    next_cursor: str | None
    prev_cursor: str | None
    total: int | None = None  # for lists that are not paged (at risk, search)


def _visible(query: Select, account_ids: set[int] | None, filters: InboxFilters, agent_id: int | None):
    """Apply the caller's visibility and the filters; None when nothing can match."""
    if filters.account_id is not None:
        if account_ids is not None and filters.account_id not in account_ids:
            return None
        query = query.where(Issue.account_id == filters.account_id)
    elif account_ids is not None:
        if not account_ids:
            return None
        query = query.where(Issue.account_id.in_(sorted(account_ids)))
    if filters.type in CONVERSATION_TYPES:
        query = query.where(Issue.type == filters.type)
    if filters.assignee == "me" and agent_id is not None:
        query = query.where(Issue.assigned_agent_id == agent_id)
    elif filters.assignee == "none":
        query = query.where(Issue.assigned_agent_id.is_(None))
    elif filters.assignee and filters.assignee.isdigit():
        query = query.where(Issue.assigned_agent_id == int(filters.assignee))
    return query


def _queue_condition(queue: str, agent_id: int | None):
    if queue == "reply":
        return Issue.needs_reply == true()
    if queue == "decision":
        return Issue.lane == LANE_DECISION
    if queue == "waiting":
        return Issue.lane == LANE_WAITING
    if queue == "escalated":
        return Issue.escalated == true()
    if queue == "closed":
        return Issue.lane == LANE_CLOSED
    if queue == "mine":
        return (Issue.assigned_agent_id == agent_id) & Issue.lane.in_(OPEN_LANES)
    raise ValueError(queue)


def list_inbox(
    queue: str,
    *,
    filters: InboxFilters,
    account_ids: set[int] | None,
    agent_id: int | None,
    policy: DeadlinePolicy,
    after: str | None = None,
    limit: int = 50,
    now: dt.datetime | None = None,
) -> InboxPage:
    """One page of a queue (keyset on the queue's index, never OFFSET), or the at-risk list, or a search."""
    queue = queue if queue in QUEUES else "reply"
    limit = max(1, min(limit, MAX_PAGE))
    base = select(Issue).options(*(defer(c, raiseload=True) for c in _LIST_DEFERRED))
    base = _visible(base, account_ids, filters, agent_id)
    if base is None:
        return InboxPage(queue, [], None, None, 0)
    if filters.query:
        return _search(queue, base, filters.query)
    if queue == "at_risk":
        return _at_risk(base, policy, now or utcnow())
    column, descending = PAGED_SORT[queue]
    base = base.where(_queue_condition(queue, agent_id))
    cursor = _decode(after, queue)
    backward = cursor is not None and cursor[0]
    issues = _fetch(base, column, descending != backward, cursor, limit + 1)
    if backward:
        if len(issues) <= limit:
            return list_inbox(queue, filters=filters, account_ids=account_ids, agent_id=agent_id,
                              policy=policy, limit=limit, now=now)
        issues, has_prev, has_next = issues[:limit][::-1], True, True
    else:
        issues, has_prev, has_next = issues[:limit], cursor is not None, len(issues) > limit
    return InboxPage(
        queue,
        _rows(issues),
        _encode(queue, False, issues[-1], column) if has_next and issues else None,
        _encode(queue, True, issues[0], column) if has_prev and issues else None,
    )


def _fetch(base: Select, column, descending: bool, cursor, n: int) -> list[Issue]:
    query = base.where(column.is_not(None))
    if cursor is not None:
        _backward, value, issue_id = cursor
        left = tuple_(column, Issue.id)
        query = query.where(left < (value, issue_id) if descending else left > (value, issue_id))
    order = (column.desc(), Issue.id.desc()) if descending else (column.asc(), Issue.id.asc())
    return list(db.session.scalars(query.order_by(*order).limit(n)))


def _at_risk(base: Select, policy: DeadlinePolicy, now: dt.datetime) -> InboxPage:
    """Open issues whose reply target or Allegro deadline is near or missed, nearest first (capped)."""
    bounds = (policy.reply_risk_bound(now), policy.allegro_risk_bound(now))
    reply_risk, allegro_risk = _at_risk_conditions(*bounds)
    reply, allegro = base.where(reply_risk), base.where(allegro_risk)
    found: dict[int, Issue] = {}
    queries = (reply.order_by(Issue.needs_reply_since, Issue.id), allegro.order_by(Issue.due_at, Issue.id))
    for query in queries:
        for issue in db.session.scalars(query.limit(AT_RISK_LIMIT)):
            found.setdefault(issue.id, issue)
    issues = sorted(found.values(), key=lambda i: (nearest_deadline(i, policy, now), i.id))[:AT_RISK_LIMIT]
    return InboxPage("at_risk", _rows(issues), None, None, _at_risk_count(base, policy, now))


def _at_risk_conditions(reply_bound, allegro_bound):
    """Reply target near or missed, Allegro deadline near or missed (bounds: values or parameters)."""
    reply = (Issue.needs_reply == true()) & (Issue.needs_reply_since <= reply_bound)
    allegro = Issue.lane.in_(OPEN_LANES) & (Issue.due_at <= allegro_bound)
    return reply, allegro


def _at_risk_count(base: Select, policy: DeadlinePolicy, now: dt.datetime) -> int:
    """|reply risk| + |Allegro risk without reply risk|: two index ranges, no UNION to materialise."""
    bounds = (policy.reply_risk_bound(now), policy.allegro_risk_bound(now))
    return db.session.scalar(select(_at_risk_counter(base, *bounds))) or 0


def _at_risk_counter(base: Select, reply_bound, allegro_bound):
    reply, allegro = _at_risk_conditions(reply_bound, allegro_bound)
    return _capped(base.where(reply)) + _capped(base.where(allegro, ~reply))


def capped_count(query: Select) -> int:
    """How many rows the query gives, counting at most COUNT_CAP + 1 of them.

    The navigation shows "1000+" beyond the cap, so a count costs the same at any volume.
    """
    return db.session.scalar(select(_capped(query))) or 0


def _capped(query: Select, cap: int | None = None):
    """capped_count as a scalar subquery, so that several counts share one statement."""
    limit = (COUNT_CAP if cap is None else cap) + 1
    limited = query.with_only_columns(Issue.id).order_by(None).limit(limit).subquery()
    return select(func.count()).select_from(limited).scalar_subquery()


def nearest_deadline(issue: Issue, policy: DeadlinePolicy, now: dt.datetime) -> dt.datetime:
    """The earliest of the issue's reply target and Allegro deadline (far future when none)."""
    candidates = []
    if issue.needs_reply and issue.needs_reply_since is not None:
        candidates.append(policy.reply_target(issue.needs_reply_since))
    if issue.due_at is not None and issue.lane in OPEN_LANES:
        candidates.append(issue.due_at)
    return min(candidates, default=dt.datetime.max.replace(tzinfo=dt.UTC))


def _search(queue: str, base: Select, text: str) -> InboxPage:
    """Conversations whose buyer login, claim number or Allegro ids (issue, thread, order) match,
    newest activity first, capped; when none does, threads whose subject contains the text.

    The exact matches are index lookups. No index serves a subject (one would need a migration),
    so that look costs a scan of the visible conversations: it runs only when the exact one found
    nothing, for texts of at least SUBJECT_MIN characters.
    """
    term = text.strip()
    lowered = term.lower()
    condition = (
        (Issue.buyer_login == term)
        | (Issue.buyer_login == lowered)
        | (Issue.reference_number == term)
        | (Issue.allegro_id == term)  # thread ids are case-sensitive
        | (Issue.allegro_id == lowered)
        | (Issue.checkout_form_id == lowered)
    )
    newest = (Issue.activity_at.desc(), Issue.id.desc())
    issues = list(db.session.scalars(base.where(condition).order_by(*newest).limit(SEARCH_LIMIT)))
    if not issues and len(term) >= SUBJECT_MIN:
        subject = (Issue.source == SOURCE_MESSAGING) & func.lower(Issue.subject).like(
            _like_contains(lowered), escape="\\"
        )
        issues = list(db.session.scalars(base.where(subject).order_by(*newest).limit(SEARCH_LIMIT)))
    return InboxPage(queue, _rows(issues), None, None, len(issues))


def _like_contains(term: str) -> str:
    """A LIKE pattern finding `term` anywhere, its own % and _ taken literally."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _rows(issues: list[Issue]) -> list[InboxRow]:
    """Rows with account and assignee names: two small queries per page, not one per issue."""
    if not issues:
        return []
    names = dict(db.session.execute(select(SellerAccount.id, SellerAccount.name)).all())
    agent_ids = {i.assigned_agent_id for i in issues if i.assigned_agent_id}
    agents = dict(db.session.execute(select(Agent.id, Agent.name).where(Agent.id.in_(agent_ids))).all()) \
        if agent_ids else {}
    return [InboxRow(i, names.get(i.account_id, "?"), agents.get(i.assigned_agent_id)) for i in issues]


def _encode(queue: str, backward: bool, issue: Issue, column) -> str:
    value = getattr(issue, column.key)
    raw = json.dumps([queue, backward, value.isoformat(), issue.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str | None, queue: str):
    """(backward, value, id) or None (the first page) for a missing, foreign or damaged cursor."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        token_queue, backward, text, issue_id = json.loads(raw)
        value = dt.datetime.fromisoformat(text)
    except (ValueError, TypeError):
        return None
    if token_queue != queue or not isinstance(issue_id, int) or value.tzinfo is None:
        return None
    return bool(backward), value, issue_id


# --- counts -------------------------------------------------------------------------------------


def queue_counts(
    *,
    account_ids: set[int] | None,
    agent_id: int | None,
    policy: DeadlinePolicy,
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """How many issues each working queue holds, each counted up to COUNT_CAP + 1 (closed: not counted)."""
    if account_ids is not None and not account_ids:
        return dict.fromkeys((*_COUNTED, "at_risk"), 0)
    now = now or utcnow()
    params = {"reply_bound": policy.reply_risk_bound(now), "allegro_bound": policy.allegro_risk_bound(now)}
    if agent_id is not None:
        params["agent_id"] = agent_id
    if account_ids is not None:
        params["account_ids"] = sorted(account_ids)
    statement = _counts_statement(account_ids is not None, agent_id is not None, COUNT_CAP)
    row = db.session.execute(statement, params).one()
    return dict(zip((*_COUNTED, "at_risk"), (count or 0 for count in row), strict=True))


def needs_reply_count(account_ids: set[int] | None) -> int:
    """Issues waiting for our answer (for the navigation badge), up to COUNT_CAP + 1."""
    if account_ids is not None and not account_ids:
        return 0
    params = {"account_ids": sorted(account_ids)} if account_ids is not None else {}
    return db.session.scalar(_badge_statement(account_ids is not None, COUNT_CAP), params) or 0


# Every page counts; the count statements are built once, with parameters for what changes, so
# a request neither rebuilds nor re-keys them for SQLAlchemy's compiled-statement cache.
_COUNTED = ("reply", "decision", "waiting", "escalated", "mine")


def _counted_issues(scoped: bool) -> Select:
    query = select(Issue.id)
    return query.where(Issue.account_id.in_(bindparam("account_ids", expanding=True))) if scoped else query


@lru_cache(maxsize=8)
def _counts_statement(scoped: bool, with_agent: bool, cap: int) -> Select:
    """queue_counts' one statement of capped subqueries: each still walks only its own index range."""
    base = _counted_issues(scoped)
    agent = bindparam("agent_id") if with_agent else None
    counters = [_capped(base.where(_queue_condition(queue, agent)), cap) for queue in _COUNTED]
    reply, allegro = _at_risk_conditions(bindparam("reply_bound"), bindparam("allegro_bound"))
    counters.append(_capped(base.where(reply), cap) + _capped(base.where(allegro, ~reply), cap))
    return select(*counters)


@lru_cache(maxsize=4)
def _badge_statement(scoped: bool, cap: int) -> Select:
    return select(_capped(_counted_issues(scoped).where(Issue.needs_reply == true()), cap))
