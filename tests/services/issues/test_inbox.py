"""The inbox: queues, counts, keyset pages, at-risk, visibility; templates, assignment, presence."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from desk.extensions import db
from desk.models import Role, SellerAccount
from desk.models.issue import Issue
from desk.orm import utcnow
from desk.services.errors import ConflictError, NotFoundError, ValidationError
from desk.services.issues import assignment as issue_assignment
from desk.services.issues import detail as issue_detail
from desk.services.issues import inbox as issues
from desk.services.issues import presence as issue_presence
from desk.services.issues import templates as issue_templates
from desk.services.issues.deadlines import DeadlinePolicy
from tests.factories import make_agent
from tests.services.issues.test_factories import make_issue

RULES = DeadlinePolicy(reply_hours=8, reply_soon_hours=2, allegro_soon_hours=48)


@pytest.fixture
def accounts(app):
    made = [SellerAccount(name="Sklep A"), SellerAccount(name="Sklep B")]
    db.session.add_all(made)
    db.session.commit()
    return made


def inbox(queue, *, account_ids=None, agent_id=None, after=None, limit=50, **filters):
    return issues.list_inbox(
        queue,
        filters=issues.InboxFilters(**filters),
        account_ids=account_ids,
        agent_id=agent_id,
        policy=RULES,
        after=after,
        limit=limit,
    )


def ids(page) -> list[int]:
    return [row.issue.id for row in page.rows]


def test_each_queue_holds_what_its_name_says(app, accounts):
    a = accounts[0].id
    ours = make_issue(a)
    waiting = make_issue(a, last="SELLER")
    claim = make_issue(a, type="CLAIM", decision_due_at=utcnow() + dt.timedelta(days=3))
    answered_claim = make_issue(
        a, type="CLAIM", last="SELLER", decision_due_at=utcnow() + dt.timedelta(days=1)
    )
    advisor = make_issue(a, last="ADMIN")
    unresolved = make_issue(a, status="DISPUTE_UNRESOLVED", last="SELLER")
    closed = make_issue(a, status="DISPUTE_CLOSED", last="SELLER", chat_active=False)

    assert set(ids(inbox("reply"))) == {ours.id, claim.id, advisor.id}
    assert set(ids(inbox("waiting"))) == {waiting.id, unresolved.id}  # escalated is a flag across lanes
    assert ids(inbox("decision")) == [answered_claim.id, claim.id]  # nearest deadline first
    assert set(ids(inbox("escalated"))) == {advisor.id, unresolved.id}
    assert ids(inbox("closed")) == [closed.id]
    counts = issues.queue_counts(account_ids=None, agent_id=None, policy=RULES)
    assert (counts["reply"], counts["waiting"], counts["decision"], counts["escalated"]) == (3, 2, 2, 2)
    assert "closed" not in counts


def test_reply_queue_puts_the_longest_waiting_buyer_first(app, accounts):
    now = utcnow()
    newer = make_issue(accounts[0].id, at=now - dt.timedelta(hours=1))
    older = make_issue(accounts[0].id, at=now - dt.timedelta(days=2))
    assert ids(inbox("reply")) == [older.id, newer.id]


def test_keyset_pages_cover_every_issue_once_even_with_equal_times(app, accounts):
    same = utcnow() - dt.timedelta(hours=3)
    made = [make_issue(accounts[0].id, last="SELLER", at=same, commit=False) for _ in range(7)]
    made += [make_issue(accounts[0].id, last="SELLER", commit=False) for _ in range(5)]
    db.session.commit()
    seen, after, pages = [], None, 0
    while True:
        page = inbox("waiting", after=after, limit=5)
        seen += ids(page)
        pages += 1
        if not page.next_cursor:
            break
        after = page.next_cursor
    assert sorted(seen) == sorted(i.id for i in made) and len(seen) == 12 and pages == 3
    back = inbox("waiting", after=page.prev_cursor, limit=5)
    assert ids(back) == seen[5:10]


def test_damaged_or_foreign_cursor_gives_the_first_page(app, accounts):
    make_issue(accounts[0].id)
    first = ids(inbox("reply"))
    assert ids(inbox("reply", after="not-a-cursor")) == first
    other = inbox("waiting", limit=1).next_cursor
    assert ids(inbox("reply", after=other)) == first


def test_an_agent_sees_only_issues_of_their_accounts(app, accounts):
    mine = make_issue(accounts[0].id)
    make_issue(accounts[1].id)
    assert ids(inbox("reply", account_ids={accounts[0].id})) == [mine.id]
    assert ids(inbox("reply", account_ids=set())) == []
    assert ids(inbox("reply", account_ids={accounts[0].id}, account_id=accounts[1].id)) == []
    assert issues.queue_counts(account_ids={accounts[0].id}, agent_id=None, policy=RULES)["reply"] == 1
    with pytest.raises(NotFoundError):
        issue_detail.issue_detail(mine.id + 1, {accounts[0].id})


def test_filters_by_type_assignee_and_search(app, accounts):
    agent = make_agent()
    claim = make_issue(accounts[0].id, type="CLAIM", buyer_login="Jan_Kowalski")
    dispute = make_issue(accounts[0].id, assigned_agent_id=agent.id)
    assert ids(inbox("reply", type="CLAIM")) == [claim.id]
    assert ids(inbox("reply", assignee="me", agent_id=agent.id)) == [dispute.id]
    assert ids(inbox("reply", assignee="none")) == [claim.id]
    assert ids(inbox("mine", agent_id=agent.id)) == [dispute.id]
    assert ids(inbox("reply", query="Jan_Kowalski")) == [claim.id]
    assert ids(inbox("closed", query=claim.reference_number)) == [claim.id]  # search spans every queue


def test_at_risk_lists_near_and_missed_deadlines_nearest_first(app, accounts):
    now = utcnow()
    a = accounts[0].id
    relaxed = make_issue(a, at=now - dt.timedelta(minutes=5))
    missed_reply = make_issue(a, at=now - dt.timedelta(days=4))
    claim_due_soon = make_issue(a, type="CLAIM", last="SELLER", decision_due_at=now + dt.timedelta(hours=5))
    make_issue(a, type="CLAIM", last="SELLER", decision_due_at=now + dt.timedelta(days=10))
    page = inbox("at_risk")
    assert ids(page) == [missed_reply.id, claim_due_soon.id]
    assert page.total == 2 and relaxed.id not in ids(page)
    assert issues.queue_counts(account_ids=None, agent_id=None, policy=RULES)["at_risk"] == 2


def test_inbox_page_costs_a_fixed_number_of_queries(app, accounts):
    for n in range(30):
        make_issue(
            accounts[n % 2].id, assigned_agent_id=make_agent().id if n % 3 == 0 else None, commit=False
        )
    db.session.commit()
    db.session.expire_all()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = inbox("reply", limit=25)
        for row in page.rows:  # what the row template reads
            _ = (row.issue.buyer_login, row.issue.last_message_preview, row.account_name, row.assignee_name)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(page.rows) == 25
    assert len(statements) <= 3, statements


# --- templates ----------------------------------------------------------------------------------


def test_templates_validate_placeholders_and_names(app, accounts):
    owner = make_agent(role=Role.OWNER)
    with pytest.raises(ValidationError) as error:
        issue_templates.save_template(
            None, name="Zły", body="Dzień dobry {imie}", kind="both", agent_id=owner.id
        )
    assert "{imie}" in str(error.value)
    saved = issue_templates.save_template(
        None,
        name="Przesyłka",
        body="Dzień dobry {buyer_login}, numer: {tracking_number}.",
        kind="dispute",
        agent_id=owner.id,
    )
    with pytest.raises(ConflictError):
        issue_templates.save_template(None, name="Przesyłka", body="x", kind="both", agent_id=owner.id)
    assert issue_templates.list_templates("DISPUTE") == [saved]
    assert issue_templates.list_templates("CLAIM") == []


def test_fill_keeps_gaps_visible():
    filled = issue_templates.fill(
        "Dzień dobry {buyer_login}, zamówienie {order_number}, paczka {tracking_number}. {unknown}",
        {"buyer_login": "anna_k", "order_number": "abc", "tracking_number": None},
    )
    assert filled.text == "Dzień dobry anna_k, zamówienie abc, paczka {tracking_number}. {unknown}"
    assert filled.missing == ("tracking_number",)
    assert issue_templates.unfilled_placeholders(filled.text) == ["{tracking_number}"]


# --- assignment and presence --------------------------------------------------------------------


def test_manual_assignment_checks_who_may_work_on_the_account(app, accounts):
    issue = make_issue(accounts[0].id)
    theirs = make_agent(accounts=[accounts[0]])
    stranger = make_agent(accounts=[accounts[1]])
    issue_assignment.assign(issue.id, agent_id=theirs.id, acting_agent_id=theirs.id, account_ids=None)
    assert issue.assigned_agent_id == theirs.id and issue.changes[-1].field == "assignee"
    with pytest.raises(ValidationError):
        issue_assignment.assign(issue.id, agent_id=stranger.id, acting_agent_id=theirs.id, account_ids=None)
    issue_assignment.assign(issue.id, agent_id=None, acting_agent_id=theirs.id, account_ids=None)
    assert issue.assigned_agent_id is None and issue.assigned_at is not None


def test_round_robin_takes_turns_and_respects_unassigned_issues(app, accounts):
    anna = make_agent(name="Anna", accounts=[accounts[0]])
    bartek = make_agent(name="Bartek", accounts=[accounts[0]])
    make_agent(role=Role.OWNER)  # owners are not dealt issues
    made = [make_issue(accounts[0].id, at=utcnow() - dt.timedelta(minutes=10 - n)) for n in range(4)]
    nobody = make_issue(accounts[1].id)  # no agent works on account B
    left_alone = make_issue(accounts[0].id, assigned_at=utcnow())

    assert issue_assignment.round_robin_assign() == 4

    db.session.expire_all()
    owners = [db.session.get(Issue, i.id).assigned_agent_id for i in made]
    assert sorted(owners) == sorted([anna.id, anna.id, bartek.id, bartek.id])
    assert owners[0] != owners[1]
    assert db.session.get(Issue, nobody.id).assigned_agent_id is None
    assert db.session.get(Issue, left_alone.id).assigned_agent_id is None
    assert issue_assignment.round_robin_assign() == 0


def test_presence_warns_about_other_agents_writing_first(app, accounts):
    issue = make_issue(accounts[0].id)
    me, anna, bartek = make_agent(), make_agent(name="Anna"), make_agent(name="Bartek")
    now = utcnow()
    issue_presence.touch(issue.id, me.id, now=now)
    issue_presence.touch(issue.id, bartek.id, now=now - dt.timedelta(minutes=2))
    issue_presence.touch(issue.id, anna.id, state="writing", now=now - dt.timedelta(minutes=1))
    issue_presence.touch(issue.id, anna.id, now=now)  # a reload does not hide that she is writing
    others = issue_presence.others(issue.id, me.id, now=now)
    assert [(p.agent_name, p.state) for p in others] == [("Anna", "writing"), ("Bartek", "viewing")]
    later = now + dt.timedelta(minutes=15)
    assert [p.agent_name for p in issue_presence.others(issue.id, me.id, now=later)] == ["Anna"]
    issue_presence.done_writing(issue.id, anna.id, now=later)
    assert issue_presence.others(issue.id, me.id, now=later)[0].state == "viewing"


def test_counts_stop_just_past_the_cap(app, accounts, monkeypatch):
    monkeypatch.setattr(issues, "COUNT_CAP", 3)
    for _ in range(6):
        make_issue(accounts[0].id, commit=False)
    db.session.commit()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        counts = issues.queue_counts(account_ids=None, agent_id=None, policy=RULES)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert counts["reply"] == 4  # "3+" on screen; the count never reads more than cap + 1 rows
    assert counts["waiting"] == 0
    assert len(statements) == 1  # every queue's capped count in one statement
    assert issues.needs_reply_count(None) == 4
