"""Issue sync against the fake Allegro: what is stored, when chats are re-read, what an idle cycle costs."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Order
from desk.models.issue import Issue, IssueMessage, IssueStateChange
from desk.orm import utcnow
from desk.services.issues.sync import sync_issues
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account

LIST = "GET /sale/issues"
CHAT = "GET /sale/issues/{issueId}/chat"
ONE = "GET /sale/issues/{issueId}"


@pytest.fixture
def shop(app, fake_allegro):
    return connect_account(fake_allegro, name="Sklep A")


def sync(shop, *, full=False):
    account, _seller = shop
    return sync_issues(get_allegro().client_for(account.id), account.id, full=full, now=utcnow())


def issue_of(allegro_id: str) -> Issue:
    db.session.expire_all()
    return db.session.scalar(select(Issue).where(Issue.allegro_id == allegro_id))


def test_first_sync_stores_issues_messages_and_links_the_order(app, fake_allegro, shop):
    account, seller = shop
    form = fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    claim = fake_allegro.state.add_issue(seller, type="CLAIM", checkout_form_id=form["id"], text="Pękł ekran")
    dispute = fake_allegro.state.add_issue(seller, type="DISPUTE", text="Gdzie paczka?")

    stats = sync(shop)

    assert (stats.created, stats.chats_fetched) == (2, 2)
    stored = issue_of(claim["id"])
    order = db.session.scalar(select(Order).where(Order.allegro_id == form["id"]))
    assert stored.order_id == order.id
    assert stored.type == "CLAIM" and stored.status == "CLAIM_SUBMITTED"
    assert stored.reference_number == claim["referenceNumber"]
    assert stored.decision_due_at is not None and stored.due_at == stored.decision_due_at
    assert stored.lane == "decision" and stored.needs_reply
    assert stored.buyer_login == claim["buyer"]["login"]
    assert [(m.author_role, m.text) for m in stored.messages] == [("BUYER", "Pękł ekran")]
    other = issue_of(dispute["id"])
    assert other.lane == "reply" and other.needs_reply_since == other.messages[0].created_at
    assert other.last_message_preview == "Gdzie paczka?"
    assert other.changes[0].field == "status"


def test_idle_cycle_makes_only_the_list_requests(app, fake_allegro, shop):
    _account, seller = shop
    for _ in range(3):
        fake_allegro.state.add_issue(seller)
    sync(shop)
    before = fake_allegro.state.request_count()

    stats = sync(shop)

    assert (stats.created, stats.updated, stats.chats_fetched, stats.reread) == (0, 0, 0, 0)
    assert fake_allegro.state.request_count() - before == stats.requests == 2  # open + recently closed lists
    assert fake_allegro.state.request_count(CHAT) == 3  # only the first sync read chats


def test_a_new_buyer_message_rereads_only_that_chat(app, fake_allegro, shop):
    _account, seller = shop
    quiet = fake_allegro.state.add_issue(seller)
    busy = fake_allegro.state.add_issue(seller)
    sync(shop)
    fake_allegro.state.add_buyer_message(busy["id"], "Halo, jest tam ktoś?")
    chats = fake_allegro.state.request_count(CHAT)

    stats = sync(shop)

    assert (stats.chats_fetched, stats.updated) == (1, 1)
    assert fake_allegro.state.request_count(CHAT) == chats + 1
    assert [m.text for m in issue_of(busy["id"]).messages][-1] == "Halo, jest tam ktoś?"
    assert len(issue_of(quiet["id"]).messages) == 1


def test_our_reply_moves_the_issue_to_waiting_and_a_buyer_answer_back(app, fake_allegro, shop):
    _account, seller = shop
    issue = fake_allegro.state.add_issue(seller)
    fake_allegro.state.add_seller_message(issue["id"], "Sprawdzamy.")
    sync(shop)
    assert issue_of(issue["id"]).lane == "waiting"
    assert not issue_of(issue["id"]).needs_reply

    first = fake_allegro.state.add_buyer_message(issue["id"], "Dziękuję")
    fake_allegro.state.add_buyer_message(issue["id"], "A kiedy?")
    sync(shop)

    stored = issue_of(issue["id"])
    assert stored.lane == "reply" and stored.needs_reply
    # the reply clock starts at the first message after ours, not at the latest one
    assert stored.needs_reply_since == dt.datetime.fromisoformat(first["createdAt"].replace("Z", "+00:00"))


def test_status_change_is_recorded_in_history_and_closed_issue_leaves_the_open_lanes(app, fake_allegro, shop):
    _account, seller = shop
    issue = fake_allegro.state.add_issue(seller)
    fake_allegro.state.add_seller_message(issue["id"], "Zwrot wysłany.")
    sync(shop)
    fake_allegro.state.set_issue_status(issue["id"], "DISPUTE_CLOSED")

    stats = sync(shop)

    stored = issue_of(issue["id"])
    assert stats.updated == 1
    assert (stored.lane, stored.chat_active, stored.closed_at is not None) == ("closed", False, True)
    fields = [(c.field, c.old_value, c.new_value) for c in stored.changes]
    assert ("status", "DISPUTE_ONGOING", "DISPUTE_CLOSED") in fields
    assert ("chat_active", "True", "False") in fields
    assert stored.messages[-1].author_role == "SYSTEM"


def test_issue_closed_long_after_opening_is_reread_alone(app, fake_allegro, shop, monkeypatch):
    from desk.services.issues import sync as issue_sync

    monkeypatch.setattr(issue_sync, "PAGE", 2)
    _account, seller = shop
    now = utcnow()
    recent = fake_allegro.state.add_issue(seller, opened_at=now - dt.timedelta(days=1))
    older = fake_allegro.state.add_issue(seller, opened_at=now - dt.timedelta(days=45))
    for closed in (recent, older):
        fake_allegro.state.set_issue_status(closed["id"], "DISPUTE_CLOSED")
    old = fake_allegro.state.add_issue(seller, opened_at=now - dt.timedelta(days=60))
    sync(shop)
    assert issue_of(old["id"]).lane == "reply"
    fake_allegro.state.set_issue_status(old["id"], "DISPUTE_CLOSED")
    singles = fake_allegro.state.request_count(ONE)

    stats = sync(shop)  # the closed list stops at the 30-day horizon, before the old issue

    assert stats.reread == 1
    assert fake_allegro.state.request_count(ONE) == singles + 1
    assert issue_of(old["id"]).lane == "closed"
    # it closed just now, so the next cycles list closed issues back to its opening: no single read
    sync(shop)
    assert fake_allegro.state.request_count(ONE) == singles + 1


def test_advisor_message_marks_the_issue_escalated(app, fake_allegro, shop):
    _account, seller = shop
    issue = fake_allegro.state.add_issue(seller)
    fake_allegro.state.add_seller_message(issue["id"], "Odpowiedź")
    fake_allegro.state.add_advisor_message(issue["id"], "Prosimy o wyjaśnienia.")
    sync(shop)
    stored = issue_of(issue["id"])
    assert stored.escalated and stored.needs_reply and stored.last_message_role == "ADMIN"


def test_full_reconcile_rereads_open_chats_whatever_the_counters_say(app, fake_allegro, shop):
    _account, seller = shop
    issue = fake_allegro.state.add_issue(seller)
    sync(shop)
    # Allegro's counters are known to lag: a message appears while the summary stays the same
    with fake_allegro.state.lock:
        summary = dict(fake_allegro.state.issues[issue["id"]]["chat"])
        fake_allegro.state.add_buyer_message(issue["id"], "Wiadomość, której licznik nie pokazał")
        fake_allegro.state.issues[issue["id"]] = {**fake_allegro.state.issues[issue["id"]], "chat": summary}
    assert sync(shop).chats_fetched == 0

    stats = sync(shop, full=True)

    assert stats.chats_fetched == 1
    texts = [m.text for m in issue_of(issue["id"]).messages]
    assert "Wiadomość, której licznik nie pokazał" in texts


def test_sync_pages_through_many_issues_and_is_idempotent(app, fake_allegro, shop):
    _account, seller = shop
    for _ in range(130):
        fake_allegro.state.add_issue(seller)
    first = sync(shop)
    second = sync(shop)
    assert first.created == 130 and first.listed == 130
    assert (second.created, second.updated, second.chats_fetched) == (0, 0, 0)
    assert second.requests == 3  # two pages of open issues, one of closed ones
    assert db.session.scalar(select(func.count()).select_from(Issue)) == 130
    assert db.session.scalar(select(func.count()).select_from(IssueMessage)) == 130
    assert db.session.scalar(select(func.count()).select_from(IssueStateChange)) == 130


def test_sync_of_one_account_never_touches_another(app, fake_allegro, shop):
    other_account, other_seller = connect_account(fake_allegro, name="Sklep B")
    _account, seller = shop
    fake_allegro.state.add_issue(seller)
    fake_allegro.state.add_issue(other_seller)
    sync(shop)
    assert {i.account_id for i in db.session.scalars(select(Issue))} == {shop[0].id}


def test_first_sync_imports_old_closed_issues_later_cycles_only_recent_ones(app, fake_allegro, shop):
    _account, seller = shop
    old = fake_allegro.state.add_issue(seller, opened_at=utcnow() - dt.timedelta(days=200))
    fake_allegro.state.set_issue_status(old["id"], "DISPUTE_CLOSED")
    first = sync(shop)
    assert first.full and first.created == 1
    assert issue_of(old["id"]).lane == "closed"
    second = sync(shop)
    assert not second.full and second.requests == 2
    assert sync(shop, full=True).full


def test_full_reconcile_runs_first_then_nightly_then_when_overdue(app, shop):
    from desk.services.issues.deadlines import WARSAW
    from desk.services.issues.sync import FULL_FEED, full_reconcile_due
    from desk.services.shared.cursors import set_cursor

    account, _ = shop
    assert full_reconcile_due(account.id, utcnow())  # never reconciled

    def at(day, hour):
        return dt.datetime(2026, 11, day, hour, 30, tzinfo=WARSAW)

    set_cursor(account.id, FULL_FEED, at(20, 2).astimezone(dt.UTC).isoformat())
    db.session.commit()
    assert not full_reconcile_due(account.id, at(20, 14))  # same day, afternoon
    assert not full_reconcile_due(account.id, at(21, 0))  # not yet night
    assert full_reconcile_due(account.id, at(21, 2))  # the next night
    assert not full_reconcile_due(account.id, at(21, 23))
    assert full_reconcile_due(account.id, at(22, 3))  # the desk slept through the night: overdue
