"""The msgspec readers of issues, chats and ratings agree with the lenient parsers, or leave the
record to them (the contract of test_wire_orders)."""

from __future__ import annotations

from typing import Any

import pytest

from integrations.allegro import _parse_issues, _parse_ratings, _wire_issues, _wire_ratings
from integrations.allegro.fake import FakeAllegroState
from integrations.allegro.fake.demo.generator import DemoGenerator
from integrations.allegro.fake.routes.ratings import beta_rating

from .test_issues_unit import ISSUE_ID
from .test_ratings_parse import public_rating
from .test_spec_examples import examples_of
from .test_wire_orders import outcome


@pytest.fixture(scope="module")
def shop() -> FakeAllegroState:
    """A demo shop with discussions, claims (some closed, some with photos) and ratings."""
    state = FakeAllegroState(seed=11)
    DemoGenerator(state, seed=11).populate(state.add_seller("sklep_demo"), orders=200)
    return state


def test_the_demo_shops_issues_and_chats_are_read_fast(shop: FakeAllegroState) -> None:
    issues = list(shop.issues.values())
    assert len(issues) >= 5 and {issue["type"] for issue in issues} == {"DISPUTE", "CLAIM"}
    assert outcome(_wire_issues.issue_page, _parse_issues.parse_issues, {"issues": issues}) == "read"
    for issue in issues:
        assert outcome(_wire_issues.issue, _parse_issues.parse_issue, issue) == "read"
        chat = {"chat": shop.issue_chats[issue["id"]]}
        assert outcome(_wire_issues.issue_chat, _parse_issues.parse_issue_chat, chat) == "read"


def test_the_demo_shops_ratings_are_read_fast_in_both_representations(shop: FakeAllegroState) -> None:
    ratings = list(shop.ratings.values())
    assert len(ratings) >= 20 and any(r.get("answer") for r in ratings)
    betas = [beta_rating(r, shop.rating_extras(r["id"])) for r in ratings]
    for body in ({"ratings": ratings}, {"ratings": betas}):
        assert outcome(_wire_ratings.rating_page, _parse_ratings.parse_ratings, body) == "read"


@pytest.mark.parametrize(
    ("path", "fast", "lenient"),
    [
        ("/sale/issues", _wire_issues.issue_page, _parse_issues.parse_issues),
        ("/sale/issues/{issueId}", _wire_issues.issue, _parse_issues.parse_issue),
        ("/sale/issues/{issueId}/chat", _wire_issues.issue_chat, _parse_issues.parse_issue_chat),
    ],
)
def test_issue_spec_examples_are_read_alike(path: str, fast, lenient) -> None:
    bodies = [body for status, _, body in examples_of("get", path) if status == "200"]
    assert bodies
    for body in bodies:
        assert outcome(fast, lenient, body) in {"read", "missed"}


def _issue(**changes: Any) -> dict[str, Any]:
    issue = {
        "id": ISSUE_ID,
        "type": "CLAIM",
        "currentState": {"status": "CLAIM_SUBMITTED", "statusDueDate": "2026-03-16T10:00:00Z"},
        "chat": {
            "lastMessage": {"status": "NEW", "createdAt": "2026-03-02T10:00:00.000Z"},
            "messagesCount": 1,
            "initialMessage": {"id": "m1", "createdAt": "2026-03-02T10:00:00.000Z", "text": "Zepsute"},
        },
        "expectations": [{"name": "REFUND", "refund": {"amount": "12.50", "currency": "PLN"}}],
        "attachments": [{"fileName": "a.png", "url": "https://api.allegro.pl/sale/issues/attachments/a1"}],
    }
    issue.update(changes)
    return issue


ODD_ISSUES = {
    "the spec's malformed time": {"openedDate": "2025-06-29T18:12:12.000.019Z"},
    "no chatActive": {"currentState": {"status": "DISPUTE_CLOSED"}},
    "an initial message without its id": {"chat": {"initialMessage": {"createdAt": "2026-03-02T10:00:00Z"}}},
    "an initial message without an author": {
        "chat": {"initialMessage": {"id": "m", "createdAt": "2026-03-02T10:00:00Z", "author": None}}
    },
    "an attachment without a url": {"attachments": [{"fileName": "a.png"}]},
    "a refund without currency": {"expectations": [{"name": "REFUND", "refund": {"amount": "1"}}]},
    "messages counted in text": {"chat": {"messagesCount": "3"}},
    "an empty type": {"type": ""},
    "an id as a number": {"id": 7},
}


@pytest.mark.parametrize("changes", ODD_ISSUES.values(), ids=ODD_ISSUES.keys())
def test_odd_issues_are_read_alike_or_left_to_the_lenient_parser(changes: dict[str, Any]) -> None:
    assert outcome(_wire_issues.issue, _parse_issues.parse_issue, _issue(**changes)) in {"read", "missed"}


ODD_RATINGS = {
    "empty rates": {"rates": {}},
    "rates of nulls": {"rates": {"delivery": None}},
    "an answer without its time": {"answer": {"message": "x"}},
    "a beta answer": {"answer": {"createdAt": "2026-02-20T12:00:00Z", "text": "Dzięki"}},
    "a comment object": {"comment": {"text": "ok", "language": "pl-PL"}},
    "a comment as a number": {"comment": 5},
    "a buyer without login": {"buyer": {"id": "7"}},
    "an exclusion object": {"exclusion": {"reason": "Ocena nie jest unikalna"}},
    "recommended as text": {"recommended": "false"},
    "an offer without id": {"order": {"offers": [{"title": "x"}]}},
    "a removal request without time": {"removal": {"request": {"message": "m"}}},
    "a naive time": {"createdAt": "2026-02-20T10:00:00"},
}


@pytest.mark.parametrize("changes", ODD_RATINGS.values(), ids=ODD_RATINGS.keys())
def test_odd_ratings_are_read_alike_or_left_to_the_lenient_parser(changes: dict[str, Any]) -> None:
    body = public_rating(**changes)
    assert outcome(_wire_ratings.rating, _parse_ratings.parse_rating, body) in {"read", "missed"}
