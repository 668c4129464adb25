"""Message Center sync against the fake Allegro (HTTP): the three layers, late, held and deleted
messages, 404 on a listed thread, whose turn it is, and what an idle sync costs."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models import Order
from desk.models.issue import SOURCE_MESSAGING, Issue
from desk.orm import utcnow
from desk.services.issues.threads import sync as thread_sync
from desk.services.shared.cursors import set_cursor
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account

LIST = "GET /messaging/threads"
MESSAGES = "GET /messaging/threads/{threadId}/messages"


@pytest.fixture
def shop(app, fake_allegro):
    return connect_account(fake_allegro, name="Sklep A", login="sklep_wiadomosci")


def sync(shop, *, now=None, full=False):
    account, _seller = shop
    client = get_allegro().client_for(account.id)
    return thread_sync.sync_threads(client, account.id, now=now or utcnow(), full=full)


def thread_row(thread_id: str) -> Issue:
    db.session.expire_all()
    return db.session.scalar(
        select(Issue).where(Issue.source == SOURCE_MESSAGING, Issue.allegro_id == thread_id)
    )


def test_first_sync_stores_questions_and_problems_with_their_messages(app, fake_allegro, shop):
    account, seller = shop
    state = fake_allegro.state
    form = state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)  # orders first, so the problem links to its order
    problem = state.add_thread(
        seller, type="POST_PURCHASE_ISSUE", sub_type="PRODUCT_ARRIVED_DAMAGED", order_id=form["id"],
        text="Paczka przyszła zgnieciona, ekran pęknięty.",
    )
    asked = state.now() - dt.timedelta(hours=2)
    question = state.add_thread(
        seller, type="COMMON", buyer_login="ania_k", text="Czy jest rozmiar M?", created_at=asked
    )
    state.add_thread_seller_message(question, "Tak, jest.", created_at=asked + dt.timedelta(minutes=5))

    stats = sync(shop)

    assert stats.layer == "fast" and stats.created == 2 and stats.threads_read == 2  # the first ran empty
    stored = thread_row(problem)
    order = db.session.scalar(select(Order).where(Order.allegro_id == form["id"]))
    assert stored.type == "POST_PURCHASE_ISSUE" and stored.reason_type == "PRODUCT_ARRIVED_DAMAGED"
    assert stored.status == "OPEN" and stored.chat_active and stored.order_id == order.id
    assert stored.buyer_login == form["buyer"]["login"]
    assert stored.lane == "reply" and stored.needs_reply
    assert [(m.author_role, m.text) for m in stored.messages] == [
        ("BUYER", "Paczka przyszła zgnieciona, ekran pęknięty.")
    ]
    answered = thread_row(question)
    assert answered.buyer_login == "ania_k"
    assert [m.author_role for m in answered.messages] == ["BUYER", "SELLER"]
    assert answered.lane == "waiting" and not answered.needs_reply


def test_idle_fast_poll_costs_one_request_and_reads_no_messages(app, fake_allegro, shop):
    account, seller = shop
    now = fake_allegro.state.now()
    for n in range(25):  # more than one page, a few hours apart as on a real account
        fake_allegro.state.add_thread(
            seller, buyer_login=f"kupujacy_{n}", text=f"Pytanie {n}",
            created_at=now - dt.timedelta(hours=3 * n),
        )
    sync(shop)
    before = fake_allegro.state.request_count()

    idle = sync(shop)

    assert idle.layer == "fast"
    assert idle.requests == 1 and fake_allegro.state.request_count() - before == 1
    assert idle.threads_read == 0 and idle.created == idle.updated == 0


def test_a_new_buyer_message_is_read_and_its_clock_starts_when_the_desk_saw_it(app, fake_allegro, shop):
    account, seller = shop
    state = fake_allegro.state
    start = state.now() - dt.timedelta(hours=3)
    thread = state.add_thread(seller, buyer_login="ola", text="Dzień dobry", created_at=start)
    state.add_thread_seller_message(thread, "Dzień dobry, w czym pomóc?", created_at=start)
    sync(shop)
    written = state.now() - dt.timedelta(hours=1)  # written an hour ago, published only now
    state.add_thread_buyer_message(thread, "Kiedy wysyłka?", created_at=written)
    seen = utcnow()

    stats = sync(shop, now=seen)

    assert stats.threads_read == 1 and stats.messages_added == 1
    row = thread_row(thread)
    newest = max(row.messages, key=lambda m: m.id)
    assert newest.created_at == written.replace(microsecond=newest.created_at.microsecond)
    assert newest.seen_at == seen
    assert row.needs_reply and row.needs_reply_since == seen  # not Allegro's createdAt


def test_held_message_appears_once_released(app, fake_allegro, shop):
    account, seller = shop
    state = fake_allegro.state
    thread = state.add_thread(seller, buyer_login="ola", text="Pierwsza")
    sync(shop)
    held = state.add_thread_buyer_message(thread, "W weryfikacji", status="VERIFYING")

    sync(shop)
    assert [m.text for m in thread_row(thread).messages] == ["Pierwsza"]

    state.release_message(held)
    sync(shop, full=True)
    assert [m.text for m in thread_row(thread).messages] == ["Pierwsza", "W weryfikacji"]


def test_reconcile_finds_late_published_and_deleted_messages(app, fake_allegro, shop):
    account, seller = shop
    state = fake_allegro.state
    thread = state.add_thread(seller, buyer_login="ola", text="Stara wiadomość")
    gone = state.add_thread_buyer_message(thread, "Do usunięcia")
    state.add_thread_seller_message(thread, "Odpowiedź")
    sync(shop)
    # a message written before the thread's newest one, published only now: the thread's last
    # message time does not move, so only the reconcile can find it
    state.add_thread_buyer_message(
        thread, "Opóźniona", created_at=state.now() - dt.timedelta(hours=5)
    )
    state.delete_message_silently(gone)

    fast = sync(shop)
    assert fast.layer == "fast" and fast.threads_read == 0

    full = sync(shop, full=True)

    assert full.layer == "reconcile" and full.deleted_found == 1
    row = thread_row(thread)
    texts = {m.text: m for m in row.messages}
    assert "Opóźniona" in texts and texts["Do usunięcia"].deleted_at is not None
    assert texts["Stara wiadomość"].deleted_at is None


def test_sweep_runs_hourly_with_a_wide_overlap(app, fake_allegro, shop):
    account, seller = shop
    fake_allegro.state.add_thread(seller, buyer_login="ola", text="Hej")
    first = sync(shop)
    assert first.layer == "first"
    now = utcnow()
    assert thread_sync.choose_layer(account.id, now) == "fast"
    assert thread_sync.choose_layer(account.id, now + dt.timedelta(minutes=61)) == "sweep"
    set_cursor(account.id, thread_sync.RECONCILE_FEED, (now - dt.timedelta(hours=21)).isoformat())
    db.session.commit()
    assert thread_sync.choose_layer(account.id, now) == "reconcile"


def test_a_listed_thread_that_answers_404_is_kept_and_retried(app, fake_allegro, shop):
    account, seller = shop
    state = fake_allegro.state
    thread = state.add_thread(seller, buyer_login="ola", text="Pierwsza")
    sync(shop)
    state.add_thread_buyer_message(thread, "Druga")
    state.thread_not_found_next(thread, times=1)

    missed = sync(shop)

    assert missed.missing == 1
    row = thread_row(thread)
    assert row is not None and row.missing_count == 1 and row.missing_since is not None
    assert [m.text for m in row.messages] == ["Pierwsza"]

    again = sync(shop)

    assert again.missing == 0 and again.threads_read == 1
    row = thread_row(thread)
    assert row.missing_count == 0 and [m.text for m in row.messages] == ["Pierwsza", "Druga"]


def test_closed_problem_leaves_the_reply_queue(app, fake_allegro, shop):
    account, seller = shop
    state = fake_allegro.state
    thread = state.add_thread(seller, type="POST_PURCHASE_ISSUE", sub_type="NO_REFUND", text="Brak zwrotu")
    sync(shop)
    assert thread_row(thread).lane == "reply"
    state.close_thread(thread)

    sync(shop, full=True)

    row = thread_row(thread)
    assert row.status == "CLOSED" and not row.chat_active and row.lane == "closed"
    assert [c.new_value for c in row.changes if c.field == "status"] == ["OPEN", "CLOSED"]


def test_account_sync_runs_the_messages_step(app, fake_allegro, shop):
    account, seller = shop
    fake_allegro.state.add_thread(seller, type="POST_PURCHASE_ISSUE", text="Uszkodzony towar")

    run = run_sync(get_allegro(), account.id)

    assert run.state == "ok", run.error
    assert run.issues_changed >= 1
    assert db.session.scalar(select(Issue).where(Issue.source == SOURCE_MESSAGING)) is not None
