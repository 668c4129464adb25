"""Exactly-once replies and claim decisions through the outbox, with faults injected in the fake Allegro."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Order, OutboxMessage, OutboxState
from desk.models.issue import Issue, IssueMessage
from desk.orm import utcnow
from desk.services import outbox, outbox_kinds
from desk.services.errors import DeskError, NotFoundError, ValidationError
from desk.services.issues.claims import allowed_decisions, decide_claim
from desk.services.issues.replies import Upload, pending_writes, send_reply
from desk.services.issues.sync import sync_issues
from desk.services.issues.writes import MESSAGE
from desk.services.outbox_kinds import HANDLERS as ALL_KINDS
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account, make_agent

POST = "POST /sale/issues/{issueId}/message"
STATUS = "POST /sale/issues/{issueId}/status"
DECLARE = "POST /sale/issues/attachments"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def shop(app, fake_allegro):
    return connect_account(fake_allegro, name="Sklep A")


@pytest.fixture
def agent(app, shop):
    return make_agent(accounts=[shop[0]])


def sync(shop):
    account, _ = shop
    sync_issues(get_allegro().client_for(account.id), account.id, full=False, now=utcnow())


def stored(allegro_id: str) -> Issue:
    db.session.expire_all()
    return db.session.scalar(select(Issue).where(Issue.allegro_id == allegro_id))


@pytest.fixture
def dispute(fake_allegro, shop):
    _account, seller = shop
    issue = fake_allegro.state.add_issue(seller, type="DISPUTE", text="Gdzie jest moja paczka?")
    sync(shop)
    return stored(issue["id"])


def seller_messages(fake, issue: Issue, text: str | None = None) -> list[dict]:
    return [
        entry
        for entry in fake.state.issue_chats[issue.allegro_id]
        if entry["author"]["role"] == "SELLER" and (text is None or entry.get("text") == text)
    ]


def reply(
    issue: Issue, agent, text="Paczka jest w drodze.", *, key="k1", seen=None, uploads=(), type="REGULAR"
):
    return send_reply(
        get_allegro(),
        issue_id=issue.id,
        agent_id=agent.id,
        text=text,
        message_type=type,
        uploads=list(uploads),
        seen_key=seen if seen is not None else issue.chat_key,
        idempotency_key=key,
        account_ids=None,
    )


def test_reply_is_sent_credited_to_the_agent_and_moves_the_issue_to_waiting(
    app, fake_allegro, dispute, agent
):
    outcome = reply(dispute, agent, "Dzień dobry,\r\npaczka jest w drodze.  ")

    assert outcome.message.state is OutboxState.SENT
    sent = seller_messages(fake_allegro, dispute)
    assert [m["text"] for m in sent] == ["Dzień dobry,\npaczka jest w drodze."]
    issue = stored(dispute.allegro_id)
    ours = issue.messages[-1]
    assert (ours.allegro_id, ours.author_role, ours.sent_by_agent_id) == (sent[0]["id"], "SELLER", agent.id)
    assert ours.outbox_id == outcome.message.id
    assert (issue.lane, issue.needs_reply) == ("waiting", False)
    assert issue.chat_key is not None and issue.last_message_role == "SELLER"


def test_double_click_and_browser_retry_send_once(app, fake_allegro, dispute, agent):
    for _ in range(3):
        outcome = reply(dispute, agent, key="same")
    assert outcome.message.state is OutboxState.SENT
    assert fake_allegro.state.request_count(POST) == 1
    assert len(seller_messages(fake_allegro, dispute)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_connection_drop_after_allegro_stored_the_message_is_confirmed_not_resent(
    app, fake_allegro, dispute, agent
):
    fake_allegro.state.drop_after_commit(POST)
    outcome = reply(dispute, agent)
    assert outcome.message.state is OutboxState.UNKNOWN
    assert len(seller_messages(fake_allegro, dispute)) == 1  # Allegro has it

    message = outbox.deliver(get_allegro(), outcome.message.id, ALL_KINDS)

    assert message.state is OutboxState.SENT and message.result["confirmed"]
    assert fake_allegro.state.request_count(POST) == 1
    assert len(seller_messages(fake_allegro, dispute)) == 1
    assert stored(dispute.allegro_id).messages[-1].outbox_id == message.id


def test_5xx_after_the_message_was_stored_is_confirmed_by_reading_the_chat(app, fake_allegro, dispute, agent):
    row = outbox.enqueue(
        account_id=dispute.account_id,
        kind=MESSAGE,
        target_id=dispute.allegro_id,
        payload={"issue_id": dispute.id, "type": "REGULAR", "text": "Zwrot zlecony.", "attachment_ids": []},
        idempotency_key="five",
        agent_id=agent.id,
    )
    # Allegro stores the message, then its gateway answers 500
    fake_allegro.state.add_seller_message(dispute.allegro_id, "Zwrot zlecony.")
    fake_allegro.state.fail_next(POST, 500)
    first = outbox.deliver(get_allegro(), row.id, ALL_KINDS)
    assert first.state is OutboxState.UNKNOWN  # never resent blindly after a 5xx

    second = outbox.deliver(get_allegro(), row.id, ALL_KINDS)

    assert second.state is OutboxState.SENT and second.result["confirmed"]
    assert fake_allegro.state.request_count(POST) == 1
    assert len(seller_messages(fake_allegro, dispute, "Zwrot zlecony.")) == 1


def test_5xx_without_the_message_stored_is_sent_after_the_check(app, fake_allegro, dispute, agent):
    fake_allegro.state.fail_next(POST, 503)
    outcome = reply(dispute, agent, "Sprawdzimy to.")
    assert outcome.message.state is OutboxState.UNKNOWN
    message = outbox.deliver(get_allegro(), outcome.message.id, ALL_KINDS)
    assert message.state is OutboxState.SENT
    assert len(seller_messages(fake_allegro, dispute, "Sprawdzimy to.")) == 1


def test_crash_after_allegro_accepted_is_confirmed_by_the_scheduler(app, fake_allegro, dispute, agent):
    row = outbox.enqueue(
        account_id=dispute.account_id,
        kind=MESSAGE,
        target_id=dispute.allegro_id,
        payload={"issue_id": dispute.id, "type": "REGULAR", "text": "Wysłaliśmy.", "attachment_ids": []},
        idempotency_key="crash",
        agent_id=agent.id,
    )
    # the process claimed the row, Allegro accepted the message, the process died before recording it
    get_allegro().client_for(dispute.account_id).post_issue_message(dispute.allegro_id, text="Wysłaliśmy.")
    row.state, row.attempts = OutboxState.SENDING, 1
    row.next_attempt_at = utcnow() - dt.timedelta(hours=1)
    db.session.commit()

    assert outbox_kinds.deliver_due(get_allegro()) == {"sent": 1}
    assert len(seller_messages(fake_allegro, dispute, "Wysłaliśmy.")) == 1
    assert fake_allegro.state.request_count(POST) == 1


def test_same_text_sent_twice_on_purpose_is_not_confirmed_by_the_first_copy(
    app, fake_allegro, dispute, agent
):
    reply(dispute, agent, "Dziękujemy.", key="one")
    issue = stored(dispute.allegro_id)
    fake_allegro.state.drop_before(POST)  # the second attempt never reaches Allegro

    outcome = reply(issue, agent, "Dziękujemy.", key="two")
    assert outcome.message.state in (OutboxState.UNKNOWN, OutboxState.PENDING)
    message = outbox.deliver(get_allegro(), outcome.message.id, ALL_KINDS)

    assert message.state is OutboxState.SENT
    assert len(seller_messages(fake_allegro, dispute, "Dziękujemy.")) == 2  # both intended copies
    first, second = [m for m in stored(dispute.allegro_id).messages if m.text == "Dziękujemy."]
    assert first.outbox_id != second.outbox_id


def test_closed_chat_409_fails_in_polish_terms_and_keeps_the_draft(app, fake_allegro, dispute, agent):
    # Allegro closed the chat after our last sync (the change key does not move)
    fake_allegro.state.set_issue_status(dispute.allegro_id, "DISPUTE_ONGOING", chat_active=False)

    outcome = reply(dispute, agent, "Nasza propozycja: zwrot 50 zł.")

    message = outcome.message
    assert message.state is OutboxState.FAILED
    assert message.last_error_code == "CONFLICT"
    assert message.payload["text"] == "Nasza propozycja: zwrot 50 zł."
    assert seller_messages(fake_allegro, dispute) == []
    issue = stored(dispute.allegro_id)
    assert not issue.chat_active  # re-read, so the page stops offering the form
    assert [w.id for w in pending_writes(issue)] == [message.id]  # the draft is offered again
    with pytest.raises(ValidationError):
        reply(issue, agent, "Jeszcze raz", key="again")


def test_rate_limit_waits_and_sends_later_once(app, fake_allegro, dispute, agent):
    fake_allegro.state.fail_next(POST, 429, retry_after=0)
    outcome = reply(dispute, agent, "Odpowiemy jutro.")
    assert outcome.message.state is OutboxState.PENDING
    assert outcome.message.last_error_code
    outcome.message.next_attempt_at = None
    db.session.commit()

    assert outbox_kinds.deliver_due(get_allegro()) == {"sent": 1}
    assert len(seller_messages(fake_allegro, dispute, "Odpowiemy jutro.")) == 1


def test_chat_changed_since_the_page_was_opened_sends_nothing(app, fake_allegro, dispute, agent):
    seen = dispute.chat_key
    fake_allegro.state.add_buyer_message(dispute.allegro_id, "Już nieaktualne, paczka doszła!")

    outcome = reply(dispute, agent, "Paczka jest w drodze.", seen=seen)

    assert outcome.chat_changed and outcome.message is None
    assert fake_allegro.state.request_count(POST) == 0
    issue = stored(dispute.allegro_id)
    assert issue.messages[-1].text == "Już nieaktualne, paczka doszła!"
    assert issue.chat_key != seen
    # having read it, the agent sends: the check passes with the new key
    assert reply(issue, agent, "Cieszymy się!", key="k2").message.state is OutboxState.SENT


def test_message_types_follow_the_issue_type(app, fake_allegro, shop, dispute, agent):
    assert (
        reply(dispute, agent, "Czy możemy zamknąć dyskusję?", type="END_REQUEST").message.state
        is OutboxState.SENT
    )
    with pytest.raises(ValidationError):
        reply(stored(dispute.allegro_id), agent, "x", type="RETURN_NOT_REQUIRED", key="k2")
    _account, seller = shop
    claim = fake_allegro.state.add_issue(seller, type="CLAIM")
    sync(shop)
    issue = stored(claim["id"])
    with pytest.raises(ValidationError):
        reply(issue, agent, "x", type="END_REQUEST", key="k3")
    assert (
        reply(issue, agent, "Prosimy o odesłanie.", type="RETURN_REQUIRED_CUSTOM", key="k4").message.state
        is OutboxState.SENT
    )
    assert fake_allegro.state.issues[claim["id"]]["currentState"]["returnRequired"] is True


def test_attachment_is_checked_uploaded_and_cited(app, fake_allegro, dispute, agent):
    outcome = reply(
        dispute, agent, "Zdjęcie etykiety w załączniku.", uploads=[Upload("C:\\zdjęcia\\etykieta.png", PNG)]
    )
    assert outcome.message.state is OutboxState.SENT
    entry = seller_messages(fake_allegro, dispute)[0]
    assert [a["fileName"] for a in entry["attachments"]] == ["etykieta.png"]
    ours = stored(dispute.allegro_id).messages[-1]
    assert ours.attachments == [
        {"id": entry["attachments"][0]["url"].rsplit("/", 1)[1], "file_name": "etykieta.png"}
    ]


@pytest.mark.parametrize(
    ("upload", "fragment"),
    [
        (Upload("notatka.txt", b"just text"), "PDF"),
        (Upload("udaje.png", b"MZ\x90\x00 not really a png"), "PDF"),
        (Upload("duze.jpg", b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024)), "2 MB"),
        (Upload("pusty.pdf", b""), "empty"),
    ],
)
def test_bad_attachments_are_refused_before_anything_is_sent(
    app, fake_allegro, dispute, agent, upload, fragment
):
    with pytest.raises(ValidationError) as error:
        reply(dispute, agent, "Plik", uploads=[upload])
    assert fragment in str(error.value)
    assert fake_allegro.state.request_count(DECLARE) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_attachment_only_message_and_empty_message(app, fake_allegro, dispute, agent):
    with pytest.raises(ValidationError):
        reply(dispute, agent, "   ")
    pdf = Upload("faktura.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n")
    assert reply(dispute, agent, "", uploads=[pdf], key="k2").message.state is OutboxState.SENT


def test_unfilled_template_gaps_block_sending(app, fake_allegro, dispute, agent):
    with pytest.raises(ValidationError) as error:
        reply(dispute, agent, "Numer przesyłki: {tracking_number}")
    assert "{tracking_number}" in str(error.value)
    assert fake_allegro.state.request_count(POST) == 0


def test_issue_of_an_invisible_account_is_not_found(app, fake_allegro, dispute, agent):
    with pytest.raises(NotFoundError):
        send_reply(
            get_allegro(),
            issue_id=dispute.id,
            agent_id=agent.id,
            text="x",
            message_type="REGULAR",
            uploads=[],
            seen_key=dispute.chat_key,
            idempotency_key="k",
            account_ids={dispute.account_id + 1},
        )


def test_upload_refused_by_allegro_sends_nothing(app, fake_allegro, dispute, agent):
    fake_allegro.state.fail_next(
        DECLARE,
        422,
        body={"errors": [{"code": "ATTACHMENT_ERROR", "message": "x", "userMessage": "Za duży"}]},
    )
    with pytest.raises(DeskError) as error:
        reply(dispute, agent, "Plik", uploads=[Upload("a.png", PNG)])
    assert "a.png" in str(error.value)
    assert fake_allegro.state.request_count(POST) == 0


# --- claim decisions ----------------------------------------------------------------------------


@pytest.fixture
def claim(fake_allegro, shop):
    account, seller = shop
    form = fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    issue = fake_allegro.state.add_issue(seller, type="CLAIM", checkout_form_id=form["id"])
    sync(shop)
    return stored(issue["id"])


def decide(issue, agent, decision, message="Uznajemy reklamację.", amount=None, key="d1"):
    return decide_claim(
        get_allegro(),
        issue_id=issue.id,
        decision=decision,
        message=message,
        refund_amount=amount,
        agent_id=agent.id,
        idempotency_key=key,
        account_ids=None,
    )


def test_partial_refund_needs_an_amount_within_the_order_total(app, fake_allegro, claim, agent):
    total = db.session.get(Order, claim.order_id).total_amount
    with pytest.raises(ValidationError):
        decide(claim, agent, "ACCEPTED_PARTIAL_REFUND")
    with pytest.raises(ValidationError):
        decide(claim, agent, "ACCEPTED_PARTIAL_REFUND", amount=str(total + 1))
    with pytest.raises(ValidationError):
        decide(claim, agent, "ACCEPTED_PARTIAL_REFUND", amount="12,345")
    with pytest.raises(ValidationError):
        decide(claim, agent, "ACCEPTED_REFUND", message="  ")
    assert fake_allegro.state.request_count(STATUS) == 0

    row = decide(claim, agent, "ACCEPTED_PARTIAL_REFUND", amount="10,50")

    assert row.state is OutboxState.SENT
    body = fake_allegro.state.requests_for(STATUS)[0].body
    assert body["partialRefund"] == {"amount": "10.50", "currency": "PLN"}
    issue = stored(claim.allegro_id)
    assert (issue.status, issue.lane, issue.decision) == (
        "CLAIM_ACCEPTED",
        "closed",
        "ACCEPTED_PARTIAL_REFUND",
    )
    assert issue.decided_by_agent_id == agent.id
    change = [c for c in issue.changes if c.field == "decision"][0]
    assert (change.agent_id, change.new_value) == (agent.id, "ACCEPTED_PARTIAL_REFUND 10.50 PLN")


def test_decision_whose_answer_was_lost_is_confirmed_not_resent(app, fake_allegro, claim, agent):
    fake_allegro.state.drop_after_commit(STATUS)
    row = decide(claim, agent, "REJECTED_PRODUCT_CONFORMS_TO_CONTRACT", message="Produkt jest sprawny.")
    assert row.state is OutboxState.UNKNOWN
    row = outbox.deliver(get_allegro(), row.id, ALL_KINDS)
    assert row.state is OutboxState.SENT
    assert fake_allegro.state.request_count(STATUS) == 1
    assert stored(claim.allegro_id).status == "CLAIM_REJECTED"


def test_decisions_offered_follow_the_claim_state(app, fake_allegro, claim, dispute, agent):
    assert "REJECTED_OTHER" in allowed_decisions(claim)
    assert allowed_decisions(dispute) == ()
    with pytest.raises(ValidationError):
        decide(dispute, agent, "ACCEPTED_REFUND")
    decide(claim, agent, "REJECTED_MINOR_DEFECT", message="Wada nieistotna.")
    rejected = stored(claim.allegro_id)
    # a rejection can only become an acceptance, never another rejection
    assert allowed_decisions(rejected) and all(d.startswith("ACCEPTED_") for d in allowed_decisions(rejected))
    with pytest.raises(ValidationError):
        decide(rejected, agent, "REJECTED_OTHER", key="d2")
    row = decide(rejected, agent, "ACCEPTED_EXCHANGE", message="Jednak wymienimy towar.", key="d3")
    assert row.state is OutboxState.SENT
    accepted = stored(claim.allegro_id)
    assert (accepted.status, accepted.decision) == ("CLAIM_ACCEPTED", "ACCEPTED_EXCHANGE")
    assert "ACCEPTED_EXCHANGE" not in allowed_decisions(accepted)
    assert fake_allegro.state.request_count(STATUS) == 2


def test_pending_and_failed_writes_are_listed_until_a_later_one_goes_through(
    app, fake_allegro, dispute, agent
):
    fake_allegro.state.fail_next(POST, 422, body={"errors": [{"code": "VALIDATION_ERROR", "message": "Bad"}]})
    failed = reply(dispute, agent, "Pierwsza wersja").message
    assert failed.state is OutboxState.FAILED
    issue = stored(dispute.allegro_id)
    assert [w.id for w in pending_writes(issue)] == [failed.id]
    reply(issue, agent, "Druga wersja", key="k2")
    assert pending_writes(stored(dispute.allegro_id)) == []
    assert (
        db.session.scalar(
            select(func.count()).select_from(IssueMessage).where(IssueMessage.outbox_id.is_not(None))
        )
        == 1
    )
