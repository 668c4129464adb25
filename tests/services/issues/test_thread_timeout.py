"""A reply whose request times out and reaches Allegro only afterwards is confirmed by reading,
never sent a second time (the desk's read timeout is short here; the fake answers late)."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from desk.extensions import db
from desk.models import OutboxMessage, OutboxState
from desk.orm import utcnow
from desk.services import outbox_kinds
from desk.services.issues.replies import send_reply
from desk.services.issues.threads import sync as thread_sync
from desk.wiring import get_allegro
from tests.conftest import desk_app
from tests.factories import connect_account, make_agent

REPLY_ROUTE = "POST /messaging/threads/{threadId}/messages"


@pytest.fixture
def app(fake_allegro, database_url):
    with desk_app(fake_allegro, database_url, ALLEGRO_TIMEOUT=1.0) as app:
        yield app


def test_a_timed_out_reply_that_lands_later_is_confirmed_not_resent(app, fake_allegro):
    account, seller = connect_account(fake_allegro, name="Sklep A", login="sklep_timeout")
    agent = make_agent(accounts=[account])
    thread_id = fake_allegro.state.add_thread(seller, type="POST_PURCHASE_ISSUE", text="Gdzie zwrot?")
    thread_sync.sync_threads(get_allegro().client_for(account.id), account.id, now=utcnow())
    issue_id = thread_sync.load_threads(account.id, [thread_id])[thread_id].id
    fake_allegro.state.delay(REPLY_ROUTE, 2.5)  # longer than the desk's 1 s read timeout

    outcome = send_reply(
        get_allegro(), issue_id=issue_id, agent_id=agent.id, text="Zwrot wysłaliśmy wczoraj.",
        message_type="REGULAR", uploads=[], seen_key=None, idempotency_key="t-1", account_ids=None,
    )

    assert outcome.message.state is OutboxState.UNKNOWN
    deadline = time.monotonic() + 10
    while not fake_allegro.state.messaging_sent(seller) and time.monotonic() < deadline:
        time.sleep(0.1)  # the request is still on its way to Allegro
    row = db.session.get(OutboxMessage, outcome.message.id)
    row.next_attempt_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()

    outbox_kinds.deliver_due(get_allegro())

    db.session.expire_all()
    row = db.session.get(OutboxMessage, outcome.message.id)
    assert row.state is OutboxState.SENT and row.result["confirmed"] is True
    assert [m["text"] for m in fake_allegro.state.messaging_sent(seller)] == ["Zwrot wysłaliśmy wczoraj."]
