"""Every example the spec gives for the `/sale/issues*` answers parses into our issue DTOs.

Whole-body examples come from the responses' `examples`; more bodies are assembled from property
examples (once with every property, once with only the required ones) as in test_spec_examples.
Property examples carry malformed timestamps such as `2025-06-29T18:12:12.000.019Z`, which must
still be read.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from integrations.allegro import (
    AllegroResponseError,
    Issue,
    IssueAttachment,
    IssueAuthor,
    IssueExpectation,
    IssueMessage,
    Price,
    _parse_issues,
)

from .test_spec_examples import examples_of

UTC = dt.UTC
ENDPOINTS = [
    ("get", "/sale/issues"),
    ("get", "/sale/issues/{issueId}"),
    ("get", "/sale/issues/{issueId}/chat"),
    ("post", "/sale/issues/{issueId}/message"),
    ("post", "/sale/issues/attachments"),
    ("put", "/sale/issues/attachments/{attachmentId}"),
]
CASES = [
    pytest.param(method, path, status, body, id=f"{method.upper()} {path} {status} {label}")
    for method, path in ENDPOINTS
    for status, label, body in examples_of(method, path)
    if status.startswith("2")
]


def _loose_time(value: str) -> dt.datetime:
    """What the spec's timestamps mean: '...:12.000.019Z' is taken as '...:12.019Z'."""
    head, _, rest = value.partition(".")
    fraction = rest.rstrip("Z").rsplit(".", 1)[-1] if rest else "0"
    return dt.datetime.fromisoformat(f"{head}.{fraction}+00:00").astimezone(UTC)


def _optional_time(value: str | None) -> dt.datetime | None:
    return None if value is None else _loose_time(value)


def check_attachments(found: tuple[IssueAttachment, ...], raw: list[dict[str, Any]]) -> None:
    assert found == tuple(
        IssueAttachment(a["url"].rsplit("/", 1)[-1], a.get("fileName", a["url"].rsplit("/", 1)[-1]), a["url"])
        for a in raw
    )


def check_message(message: IssueMessage, raw: dict[str, Any]) -> None:
    assert isinstance(message, IssueMessage)
    assert (message.id, message.text) == (raw["id"], raw.get("text"))
    assert message.author == IssueAuthor(raw["author"].get("login"), raw["author"]["role"])
    assert message.created_at == _loose_time(raw["createdAt"]) and message.created_at.tzinfo is UTC
    check_attachments(message.attachments, raw.get("attachments", []))


def check_issue(issue: Issue, raw: dict[str, Any]) -> None:
    assert isinstance(issue, Issue)
    state, chat = raw["currentState"], raw["chat"]
    assert (issue.id, issue.type, issue.reference_number) == (
        raw["id"],
        raw["type"],
        raw.get("referenceNumber"),
    )
    assert (issue.status, issue.chat_active, issue.return_required) == (
        state["status"],
        state["chatActive"],
        state.get("returnRequired"),
    )
    assert issue.status_due_date == _optional_time(state.get("statusDueDate"))
    assert issue.decision_due_date == _optional_time(raw.get("decisionDueDate"))
    assert issue.opened_date == _loose_time(raw["openedDate"])
    assert (issue.subject, issue.description, issue.right) == (
        raw.get("subject"),
        raw.get("description"),
        raw.get("right"),
    )
    assert (issue.reason_type, issue.reason_description) == (
        (raw.get("reason") or {}).get("type"),
        (raw.get("reason") or {}).get("description"),
    )
    assert (issue.buyer_id, issue.buyer_login) == (raw["buyer"]["id"], raw["buyer"]["login"])
    assert issue.checkout_form_id == raw["checkoutForm"]["id"]
    offer = raw.get("offer") or {}
    assert (issue.offer_id, issue.quantity) == (offer.get("id"), offer.get("quantity"))
    assert issue.expectations == tuple(
        IssueExpectation(
            e.get("name"),
            Price(Decimal(e["refund"]["amount"]), e["refund"]["currency"]) if e.get("refund") else None,
        )
        for e in raw["expectations"]
    )
    assert issue.messages_count == chat.get("messagesCount", 0)
    assert issue.last_message_status == chat["lastMessage"]["status"]
    assert issue.last_message_at == _loose_time(chat["lastMessage"]["createdAt"])
    assert issue.initial_message is not None
    check_message(issue.initial_message, chat["initialMessage"])
    check_attachments(issue.attachments, raw.get("attachments", []))


def check_issue_one(raw: dict[str, Any]) -> None:
    if "id" not in raw:
        # nothing is required by the schema, but an issue without an id cannot be tracked
        with pytest.raises(AllegroResponseError, match="'id'"):
            _parse_issues.parse_issue(raw)
        return
    check_issue(_parse_issues.parse_issue(raw), raw)


def check_issue_list(raw: dict[str, Any]) -> None:
    issues = _parse_issues.parse_issues(raw).issues
    assert len(issues) == len(raw.get("issues", []))
    for issue, source in zip(issues, raw.get("issues", []), strict=True):
        check_issue(issue, source)


def check_chat(raw: dict[str, Any]) -> None:
    messages = _parse_issues.parse_issue_chat(raw)
    assert len(messages) == len(raw.get("chat", []))
    for message, source in zip(messages, raw.get("chat", []), strict=True):
        check_message(message, source)


def check_posted_message(raw: dict[str, Any]) -> None:
    if "id" not in raw:
        with pytest.raises(AllegroResponseError, match="'id'"):
            _parse_issues.parse_issue_message(raw)
        return
    check_message(_parse_issues.parse_issue_message(raw), raw)


def check_attachment_id(raw: dict[str, Any]) -> None:
    # the client reads only `id` of these answers; it is the one required property
    assert isinstance(raw["id"], str) and raw["id"]


CHECKERS = {
    ("get", "/sale/issues"): check_issue_list,
    ("get", "/sale/issues/{issueId}"): check_issue_one,
    ("get", "/sale/issues/{issueId}/chat"): check_chat,
    ("post", "/sale/issues/{issueId}/message"): check_posted_message,
    ("post", "/sale/issues/attachments"): check_attachment_id,
    ("put", "/sale/issues/attachments/{attachmentId}"): check_attachment_id,
}


def test_every_json_endpoint_has_a_success_example() -> None:
    covered = {(c.values[0], c.values[1]) for c in CASES}
    assert covered == set(ENDPOINTS)


def test_literal_examples_are_collected() -> None:
    labels = {c.id.rsplit(" ", 1)[-1] for c in CASES}
    assert {"examples.issue-list", "examples.dispute", "examples.claim", "examples.chat"} <= labels
    assert {"examples.message", "examples.attachment"} <= labels


@pytest.mark.parametrize(("method", "path", "status", "body"), CASES)
def test_example_parses(method: str, path: str, status: str, body: dict[str, Any]) -> None:
    CHECKERS[(method, path)](body)


def _assembled(method: str, path: str, status: str = "200") -> dict[str, Any]:
    return next(b for s, label, b in examples_of(method, path) if s == status and label == "assembled")


def test_assembled_issue_reads_the_malformed_timestamps() -> None:
    raw = _assembled("get", "/sale/issues/{issueId}")
    assert raw["openedDate"] == "2025-06-15T18:12:12.000.019Z"  # the spec's own, malformed value

    issue = _parse_issues.parse_issue(raw)

    assert issue.opened_date == dt.datetime(2025, 6, 15, 18, 12, 12, 19000, tzinfo=UTC)
    assert issue.decision_due_date == dt.datetime(2025, 6, 29, 18, 12, 12, 19000, tzinfo=UTC)
    assert issue.status_due_date == dt.datetime(2025, 6, 15, 12, 12, 12, 19000, tzinfo=UTC)
    assert (issue.type, issue.reference_number, issue.right) == ("CLAIM", "123/2024", "WARRANTY")
    assert issue.expectations == (IssueExpectation("REPAIR", Price(Decimal("2.50"), "PLN")),)
    assert (issue.reason_type, issue.reason_description) == (
        "NO_PRODUCT_IN_PARCEL",
        "Missing product in parcel",
    )


def test_claim_example_values() -> None:
    raw = next(b for s, label, b in examples_of("get", "/sale/issues/{issueId}") if label == "examples.claim")

    issue = _parse_issues.parse_issue(raw)

    assert issue.expectations == (IssueExpectation("PARTIAL_REFUND", Price(Decimal("50.00"), "PLN")),)
    assert issue.attachments == (
        IssueAttachment(
            "eeed0007-4404-4176-a1eb-11d26f056c0d",
            "broken.png",
            "https://api.allegro.pl/sale/issues/attachments/eeed0007-4404-4176-a1eb-11d26f056c0d",
        ),
    )
    assert issue.needs_reply and issue.last_message_status == "BUYER_REPLIED"
    assert issue.change_key == ("CLAIM_SUBMITTED", 2, dt.datetime(2025, 6, 10, 14, 6, 11, 19000, tzinfo=UTC))
