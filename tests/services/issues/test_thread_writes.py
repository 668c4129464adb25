"""Replies, new threads and the read flag of Message Center threads, exactly once, with faults
injected in the fake Allegro (HTTP, no mocks)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, OutboxMessage, OutboxState
from desk.models.issue import SOURCE_MESSAGING, Issue, ReplyFile
from desk.orm import utcnow
from desk.services import outbox, outbox_kinds
from desk.services.errors import ValidationError
from desk.services.issues.replies import Upload, pending_writes, retry_write, send_reply
from desk.services.issues.threads import outreach, reading
from desk.services.issues.threads import sync as thread_sync
from desk.services.issues.threads.rules import check_text
from desk.services.issues.threads.writes import REPLY
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account, make_agent

REPLY_ROUTE = "POST /messaging/threads/{threadId}/messages"
NEW_ROUTE = "POST /messaging/messages"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def shop(app, fake_allegro):
    return connect_account(fake_allegro, name="Sklep A", login="sklep_mc")


@pytest.fixture
def agent(app, shop):
    return make_agent(accounts=[shop[0]])


def sync(shop):
    account, _ = shop
    thread_sync.sync_threads(get_allegro().client_for(account.id), account.id, now=utcnow(), full=True)


def thread_row(thread_id: str) -> Issue:
    db.session.expire_all()
    query = select(Issue).where(Issue.source == SOURCE_MESSAGING, Issue.allegro_id == thread_id)
    return db.session.scalar(query)


@pytest.fixture
def problem(fake_allegro, shop):
    _account, seller = shop
    thread = fake_allegro.state.add_thread(
        seller, type="POST_PURCHASE_ISSUE", sub_type="PRODUCT_ARRIVED_DAMAGED",
        created_at=fake_allegro.state.now() - dt.timedelta(hours=1), text="Towar uszkodzony",
    )
    sync(shop)
    return thread_row(thread)


def reply(issue: Issue, agent, text: str, *, key: str = "form-1", files=()):
    return send_reply(
        get_allegro(), issue_id=issue.id, agent_id=agent.id, text=text, message_type="REGULAR",
        uploads=list(files), seen_key=None, idempotency_key=key, account_ids=None,
    )


def sent(fake, shop) -> list[dict]:
    return fake.state.messaging_sent(shop[1])


def test_reply_with_a_file_is_sent_once_and_shown_as_ours(app, fake_allegro, shop, agent, problem):
    outcome = reply(problem, agent, "Przepraszamy, proszę o zdjęcie.", files=[Upload("zdjecie.png", PNG)])

    assert outcome.message.state is OutboxState.SENT
    [entry] = sent(fake_allegro, shop)
    assert entry["text"] == "Przepraszamy, proszę o zdjęcie." and len(entry["attachment_ids"]) == 1
    row = thread_row(problem.allegro_id)
    ours = [m for m in row.messages if m.author_role == "SELLER"]
    assert len(ours) == 1 and ours[0].sent_by_agent_id == agent.id and ours[0].outbox_id == outcome.message.id
    assert ours[0].attachments[0]["file_name"] == "zdjecie.png"
    assert not row.needs_reply and row.lane == "waiting"

    again = reply(problem, agent, "Przepraszamy, proszę o zdjęcie.", files=[Upload("zdjecie.png", PNG)])

    assert again.message.id == outcome.message.id and len(sent(fake_allegro, shop)) == 1  # same form key


@pytest.mark.parametrize("fault", ["fail_after_commit", "drop_after_commit"])
def test_an_unknown_outcome_is_confirmed_by_reading_never_sent_twice(
    app, fake_allegro, shop, agent, problem, fault
):
    getattr(fake_allegro.state, fault)(REPLY_ROUTE)

    outcome = reply(problem, agent, "Odpowiedź")

    assert outcome.message.state is OutboxState.UNKNOWN
    assert len(sent(fake_allegro, shop)) == 1
    db.session.get(OutboxMessage, outcome.message.id).next_attempt_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()

    outbox_kinds.deliver_due(get_allegro())

    row = db.session.get(OutboxMessage, outcome.message.id)
    assert row.state is OutboxState.SENT and row.result["confirmed"] is True
    assert len(sent(fake_allegro, shop)) == 1


def test_a_process_killed_between_send_and_commit_is_confirmed_not_resent(
    app, fake_allegro, shop, agent, problem
):
    account, _ = shop
    message = outbox.enqueue(
        account_id=account.id, kind=REPLY, target_id=problem.allegro_id,
        payload={"issue_id": problem.id, "text": "Zabity proces", "own_login": "sklep_mc"},
        idempotency_key="kill-1", agent_id=agent.id,
    )
    # the dead process claimed the row and Allegro took the message; the commit never happened
    get_allegro().client_for(account.id).reply_in_thread(problem.allegro_id, text="Zabity proces")
    message.state = OutboxState.SENDING
    message.attempts = 1
    message.next_attempt_at = utcnow() - outbox.STUCK_AFTER - dt.timedelta(minutes=1)
    db.session.commit()

    outbox_kinds.deliver_due(get_allegro())

    row = db.session.get(OutboxMessage, message.id)
    assert row.state is OutboxState.SENT and row.result["confirmed"] is True
    assert [e["text"] for e in sent(fake_allegro, shop)] == ["Zabity proces"]


def test_sends_of_one_account_are_paced_to_one_per_second(app, fake_allegro, shop, agent):
    _account, seller = shop
    state = fake_allegro.state
    threads = [state.add_thread(seller, buyer_login=f"kupujacy_{n}", text=f"Pytanie {n}") for n in range(3)]
    sync(shop)

    for n, thread_id in enumerate(threads):
        outcome = reply(thread_row(thread_id), agent, f"Odpowiedź {n}", key=f"form-{n}")
        assert outcome.message.state is OutboxState.SENT  # never a 429 from Allegro

    times = [entry["at"] for entry in sent(fake_allegro, shop)]
    assert len(times) == 3
    gaps = [(later - earlier).total_seconds() for earlier, later in zip(times, times[1:], strict=False)]
    assert all(gap >= 0.99 for gap in gaps), gaps


def test_a_429_waits_for_retry_after_and_sends_nothing(app, fake_allegro, shop, agent, problem):
    fake_allegro.state.fail_next(REPLY_ROUTE, 429, retry_after=30)

    outcome = reply(problem, agent, "Za szybko")

    row = db.session.get(OutboxMessage, outcome.message.id)
    assert row.state is OutboxState.PENDING and row.next_attempt_at >= utcnow() + dt.timedelta(seconds=25)
    assert sent(fake_allegro, shop) == []


def test_a_refused_send_keeps_the_draft_and_its_files_for_a_retry(app, fake_allegro, shop, agent, problem):
    refusal = {"errors": [{"code": "VALIDATION_ERROR", "message": "x", "userMessage": "Błąd"}]}
    fake_allegro.state.fail_next(REPLY_ROUTE, 422, body=refusal)

    outcome = reply(problem, agent, "Szkic z plikiem", files=[Upload("faktura.pdf", b"%PDF-1.4 test")])

    assert outcome.message.state is OutboxState.FAILED
    issue = thread_row(problem.allegro_id)
    [draft] = pending_writes(issue)
    assert draft.payload["text"] == "Szkic z plikiem"
    kept = db.session.scalars(select(ReplyFile).where(ReplyFile.outbox_id == draft.id)).all()
    assert [(f.file_name, f.data) for f in kept] == [("faktura.pdf", b"%PDF-1.4 test")]

    retried = retry_write(get_allegro(), issue_id=issue.id, message_id=draft.id, account_ids=None)

    assert retried.state is OutboxState.SENT
    [entry] = sent(fake_allegro, shop)
    assert entry["text"] == "Szkic z plikiem" and len(entry["attachment_ids"]) == 1


def test_closed_problem_and_long_text_are_refused_before_anything_is_sent(
    app, fake_allegro, shop, agent, problem
):
    with pytest.raises(ValidationError):
        reply(problem, agent, "x" * 2001)
    fake_allegro.state.close_thread(problem.allegro_id)
    sync(shop)
    with pytest.raises(ValidationError):
        reply(thread_row(problem.allegro_id), agent, "Za późno")
    assert sent(fake_allegro, shop) == []


def test_a_new_thread_warns_on_notification_like_text_and_sends_when_confirmed(
    app, fake_allegro, shop, agent
):
    account, seller = shop
    form = fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    order = db.session.scalar(select(Order).where(Order.allegro_id == form["id"]))
    args = dict(order_id=order.id, agent_id=agent.id, uploads=[], account_ids=None)

    warned = outreach.start_thread(
        get_allegro(), text="Paczka została wysłana, numer przesyłki 123", idempotency_key="n-1",
        acknowledged=False, **args,
    )
    assert warned.message is None and {f.code for f in warned.findings} == {"shipped", "tracking"}
    assert sent(fake_allegro, shop) == []

    done = outreach.start_thread(
        get_allegro(), text="Czy możemy wymienić kolor na czerwony?", idempotency_key="n-2",
        acknowledged=False, **args,
    )

    assert done.message.state is OutboxState.SENT and done.findings == ()
    [entry] = sent(fake_allegro, shop)
    assert entry["order_id"] == form["id"] and entry["recipient_login"] == order.buyer_login
    thread = thread_row(done.message.result["thread_id"])
    assert thread is not None and thread.order_id == order.id


def test_bulk_messages_that_repeat_allegro_notifications_are_refused(app, fake_allegro, shop, agent):
    account, seller = shop
    for _ in range(2):
        fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    ids = list(db.session.scalars(select(Order.id)))

    refused = outreach.start_threads_bulk(
        get_allegro(), order_ids=ids, agent_id=agent.id, text="Prosimy o wystawienie oceny!",
        idempotency_key="b-1", account_ids=None,
    )
    assert refused.sent == 0 and refused.refused and sent(fake_allegro, shop) == []

    ok = outreach.start_threads_bulk(
        get_allegro(), order_ids=ids, agent_id=agent.id, text="Od poniedziałku mamy nowe godziny kontaktu.",
        idempotency_key="b-2", account_ids=None,
    )
    assert (ok.sent, ok.queued) == (1, 1) and len(sent(fake_allegro, shop)) == 1  # never waits on pacing
    outbox_kinds.deliver_due(get_allegro())
    assert len(sent(fake_allegro, shop)) == 2


def test_rules_read_polish_text_in_any_inflection():
    assert {f.code for f in check_text("W załączeniu FAKTURA VAT")} == {"invoice"}
    assert {f.code for f in check_text("Wpłata zaksięgowana, dziękujemy")} == {"payment"}
    assert check_text("Czy rozmiar M będzie pasował?") == ()


def test_opening_an_unread_thread_marks_it_read_on_allegro(app, fake_allegro, shop, problem):
    assert problem.allegro_read is False

    reading.mirror_read(problem, enabled=True)
    assert fake_allegro.state.threads[problem.allegro_id].read is False  # the page never waits on Allegro
    outbox_kinds.deliver_due(get_allegro())

    assert fake_allegro.state.threads[problem.allegro_id].read is True
    assert thread_row(problem.allegro_id).allegro_read is True
    before = fake_allegro.state.request_count("PUT /messaging/threads/{threadId}/read")
    reading.mirror_read(thread_row(problem.allegro_id), enabled=True)
    outbox_kinds.deliver_due(get_allegro())
    assert fake_allegro.state.request_count("PUT /messaging/threads/{threadId}/read") == before


def test_the_read_flag_is_left_alone_when_the_setting_is_off(app, fake_allegro, shop, problem):
    reading.mirror_read(problem, enabled=False)
    outbox_kinds.deliver_due(get_allegro())
    assert fake_allegro.state.threads[problem.allegro_id].read is False
