"""The issue methods of the real client against the fake Allegro: reading, replying, deciding claims."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from integrations.allegro import (
    AllegroClient,
    Conflict,
    IssueAuthor,
    NotFound,
    Price,
    ValidationFailed,
)
from integrations.allegro.fake import FakeAllegroState

from .allegro_doubles import Clock

UTC = dt.UTC


def _ago(clock: Clock, **delta: float) -> dt.datetime:
    return clock() - dt.timedelta(**delta)


def test_list_is_newest_opened_first_with_filters(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    form = state.add_checkout_form(seller_id)
    old = state.add_issue(seller_id, opened_at=_ago(clock, days=3))
    claim = state.add_issue(
        seller_id, type="CLAIM", checkout_form_id=form["id"], opened_at=_ago(clock, days=1)
    )
    new = state.add_issue(seller_id, opened_at=_ago(clock, hours=1))
    state.set_issue_status(old["id"], "DISPUTE_CLOSED")
    state.add_issue(state.add_seller("inny_sklep"))  # another seller's issue stays invisible

    assert [i.id for i in client.list_issues().issues] == [new["id"], claim["id"], old["id"]]
    assert [i.id for i in client.list_issues(offset=1, limit=1).issues] == [claim["id"]]
    open_ones = client.list_issues(statuses=["DISPUTE_ONGOING", "CLAIM_SUBMITTED"]).issues
    assert [i.id for i in open_ones] == [new["id"], claim["id"]]
    assert [i.id for i in client.list_issues(checkout_form_id=form["id"]).issues] == [claim["id"]]
    assert client.list_issues(offset=3).size == 0


def test_claim_from_an_order_carries_its_buyer_offer_and_deadlines(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    form = state.add_checkout_form(seller_id)
    opened = _ago(clock, days=2)
    raw = state.add_issue(
        seller_id, type="CLAIM", checkout_form_id=form["id"], opened_at=opened, text="Pękł ekran"
    )

    issue = client.get_issue(raw["id"])

    assert (issue.type, issue.status, issue.chat_active, issue.return_required) == (
        "CLAIM",
        "CLAIM_SUBMITTED",
        True,
        None,
    )
    assert issue.reference_number and issue.reference_number.endswith(f"/{opened.year}")
    assert issue.opened_date == opened
    assert issue.decision_due_date == issue.status_due_date == opened + dt.timedelta(days=14)
    assert (issue.buyer_id, issue.buyer_login) == (form["buyer"]["id"], form["buyer"]["login"])
    assert issue.checkout_form_id == form["id"]
    assert issue.offer_id == form["lineItems"][0]["offer"]["id"]
    assert issue.reason_type and issue.subject is None and issue.right in ("WARRANTY", "COMPLAINT")
    assert issue.initial_message is not None and issue.initial_message.text == "Pękł ekran"
    assert issue.initial_message.author == IssueAuthor(form["buyer"]["login"], "BUYER")
    assert (issue.messages_count, issue.last_message_status, issue.needs_reply) == (1, "NEW", True)


def test_unknown_issue_is_not_found(client: AllegroClient) -> None:
    with pytest.raises(NotFound):
        client.get_issue("7cf7dba4-d232-4559-972b-edb8bd3d8883")


def test_whole_chat_across_pages_oldest_first(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    issue = state.add_issue(seller_id, opened_at=_ago(clock, days=5))
    for n in range(150):
        state.add_buyer_message(issue["id"], f"wiadomość {n}", at=_ago(clock, days=4, minutes=-n))
    # the chat's order is not promised; this entry comes late but was written early
    state.add_buyer_message(issue["id"], "wcześniejsza", at=_ago(clock, days=4, hours=1))
    state.add_advisor_message(issue["id"], "Doradca Allegro")
    state.set_issue_status(issue["id"], "DISPUTE_UNRESOLVED")

    chat = client.get_issue_chat(issue["id"])

    assert len(chat) == 154
    assert [m.created_at for m in chat] == sorted(m.created_at for m in chat)
    assert [m.text for m in chat[1:3]] == ["wcześniejsza", "wiadomość 0"] and chat[
        151
    ].text == "wiadomość 149"
    assert {m.author for m in chat[-2:]} == {IssueAuthor(None, "ADMIN"), IssueAuthor(None, "SYSTEM")}
    assert len(client.list_issue_chat(issue["id"], offset=100, limit=100)) == 54
    assert state.request_count("GET /sale/issues/{issueId}/chat") == 3


def test_reply_flips_the_last_message_and_the_change_key(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    issue = state.add_issue(seller_id)
    before = client.get_issue(issue["id"])

    sent = client.post_issue_message(issue["id"], text="Dzień dobry, już sprawdzamy.")

    assert (
        sent.author == IssueAuthor("sklep_testowy", "SELLER") and sent.text == "Dzień dobry, już sprawdzamy."
    )
    after = client.get_issue(issue["id"])
    assert (after.last_message_status, after.messages_count, after.needs_reply) == (
        "SELLER_REPLIED",
        2,
        False,
    )
    assert after.change_key != before.change_key
    state.add_buyer_message(issue["id"], "Dziękuję")
    assert client.get_issue(issue["id"]).last_message_status == "BUYER_REPLIED"
    assert client.get_issue_chat(issue["id"])[1].id == sent.id


def test_message_types_must_fit_the_issue(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    dispute = state.add_issue(seller_id)
    claim = state.add_issue(seller_id, type="CLAIM")

    with pytest.raises(ValidationFailed):
        client.post_issue_message(claim["id"], type="END_REQUEST", text="Proszę zamknąć")
    with pytest.raises(ValidationFailed):
        client.post_issue_message(dispute["id"], type="RETURN_NOT_REQUIRED", text="Bez zwrotu")
    client.post_issue_message(dispute["id"], type="END_REQUEST", text="Czy możemy zakończyć dyskusję?")
    client.post_issue_message(claim["id"], type="RETURN_NOT_REQUIRED", text="Nie trzeba odsyłać")

    assert client.get_issue(claim["id"]).return_required is False
    assert len(state.issue_chats[claim["id"]]) == 2


def test_closed_chat_is_a_conflict(client: AllegroClient, state: FakeAllegroState, seller_id: str) -> None:
    issue = state.add_issue(seller_id)
    state.set_issue_status(issue["id"], "DISPUTE_CLOSED")
    assert client.get_issue(issue["id"]).chat_active is False

    with pytest.raises(Conflict) as caught:
        client.post_issue_message(issue["id"], text="Jeszcze jedno")

    assert caught.value.status == 409
    assert [e["author"]["role"] for e in state.issue_chats[issue["id"]]] == ["BUYER", "SYSTEM"]


def test_accepting_a_claim_with_a_partial_refund(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    claim = state.add_issue(seller_id, type="CLAIM")

    result = client.change_claim_status(
        claim["id"],
        status="ACCEPTED_PARTIAL_REFUND",
        message="Zwracamy część kwoty",
        partial_refund=Price(Decimal("25.5"), "PLN"),
    )

    assert result is None
    issue = client.get_issue(claim["id"])
    assert (issue.status, issue.status_due_date) == ("CLAIM_ACCEPTED", None)
    (sent,) = state.requests_for("POST /sale/issues/{issueId}/status")
    assert sent.body["partialRefund"] == {"amount": "25.50", "currency": "PLN"}
    note = client.get_issue_chat(claim["id"])[-1]
    assert note.author.role == "SYSTEM" and "Zwracamy część kwoty" in (note.text or "")
    with pytest.raises(ValidationFailed):  # never a rejection after a decision
        client.change_claim_status(claim["id"], status="REJECTED_OTHER", message="Jednak nie")


def test_a_decision_changes_one_way_only(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    """Accepted -> another acceptance; rejected -> acceptance; never rejected twice or the same again."""
    claim = state.add_issue(seller_id, type="CLAIM")
    client.change_claim_status(claim["id"], status="REJECTED_MINOR_DEFECT", message="Drobna wada")
    assert client.get_issue(claim["id"]).status == "CLAIM_REJECTED"
    with pytest.raises(ValidationFailed):
        client.change_claim_status(claim["id"], status="REJECTED_OTHER", message="Jednak inaczej")

    client.change_claim_status(claim["id"], status="ACCEPTED_REPAIR", message="Naprawimy jednak")
    assert client.get_issue(claim["id"]).status == "CLAIM_ACCEPTED"
    with pytest.raises(ValidationFailed):
        client.change_claim_status(claim["id"], status="ACCEPTED_REPAIR", message="Jeszcze raz")
    client.change_claim_status(claim["id"], status="ACCEPTED_REFUND", message="Zwrot pieniędzy")
    assert client.get_issue(claim["id"]).status == "CLAIM_ACCEPTED"


def test_claim_decisions_are_refused_for_disputes(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    dispute = state.add_issue(seller_id)

    with pytest.raises(ValidationFailed):
        client.change_claim_status(dispute["id"], status="REJECTED_OTHER", message="Nie")

    assert state.issues[dispute["id"]]["currentState"]["status"] == "DISPUTE_ONGOING"
