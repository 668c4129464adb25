"""Turn `/sale/issues*` JSON objects into the DTOs of `models_issues.py`: the lenient parser.

Tolerant like `_parse.py`: the spec declares no required field on these schemas, so only what
identifies an entry (issue id and type, message id and time) is demanded. Issues and chats are
first read by msgspec (`_wire_issues.py`); this parser reads what that reader leaves to it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from integrations.allegro._records import parse_each
from integrations.allegro._values import (
    Json,
    boolean,
    integer,
    items,
    obj,
    price,
    required_text,
    text,
    timestamp,
)
from integrations.allegro.errors import AllegroResponseError
from integrations.allegro.models_issues import (
    OPEN_ISSUE_STATUSES,
    Issue,
    IssueAttachment,
    IssueAuthor,
    IssueExpectation,
    IssueMessage,
    IssuePage,
)

# date and time to the second, any run of ".digits" groups, then the zone
_LOOSE_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})((?:\.\d+)*)(Z|[+-]\d{2}:?\d{2})?$")


def lenient_timestamp(value: Any) -> dt.datetime | None:
    """An ISO-8601 date-time as tz-aware UTC, also from the spec's malformed `...:12.000.019Z` examples."""
    parsed = timestamp(value)
    if parsed is not None or not isinstance(value, str):
        return parsed
    match = _LOOSE_TIMESTAMP.match(value.strip())
    if match is None:
        return None
    seconds, fractions, zone = match.groups()
    # of several fraction groups only the last reads like milliseconds (".000.019" -> ".019")
    fraction = fractions[fractions.rfind(".") :][:7] if fractions else ""
    return timestamp(seconds + fraction + (zone or "Z"))


def attachment_id(url: str) -> str:
    """The attachment id in an attachment URL: its last path segment."""
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def parse_attachments(value: Any) -> tuple[IssueAttachment, ...]:
    """A list of PostPurchaseIssueAttachment; entries without a URL cannot be downloaded and are skipped."""
    found = []
    for data in items(value):
        url = text(data.get("url"))
        if not url or not attachment_id(url):
            continue
        found.append(
            IssueAttachment(attachment_id(url), text(data.get("fileName")) or attachment_id(url), url)
        )
    return tuple(found)


def parse_author(value: Any) -> IssueAuthor:
    """PostPurchaseIssueMessageAuthor; an entry without an author is a notification, hence SYSTEM."""
    data = obj(value)
    return IssueAuthor(login=text(data.get("login")), role=text(data.get("role")) or "SYSTEM")


def parse_issue_message(data: Json) -> IssueMessage:
    """A chat entry (PostPurchaseIssueChatMessage, PostPurchaseIssueMessage, the initial message)."""
    message_id = required_text(data, "id", "issue message")
    created_at = lenient_timestamp(data.get("createdAt"))
    if created_at is None:
        raise AllegroResponseError(f"issue message {message_id}: missing or unreadable 'createdAt'")
    return IssueMessage(
        id=message_id,
        text=text(data.get("text")),
        author=parse_author(data.get("author")),
        created_at=created_at,
        attachments=parse_attachments(data.get("attachments")),
    )


def parse_issue_chat(body: Json) -> list[IssueMessage]:
    """GET /sale/issues/{issueId}/chat (one page, in the order Allegro sent it)."""
    return [parse_issue_message(entry) for entry in items(body.get("chat"))]


def parse_issue(data: Json) -> Issue:
    """GET /sale/issues/{issueId} (and each element of the list)."""
    issue_id = required_text(data, "id", "issue")
    state, chat = obj(data.get("currentState")), obj(data.get("chat"))
    buyer, offer, reason = obj(data.get("buyer")), obj(data.get("offer")), obj(data.get("reason"))
    last = obj(chat.get("lastMessage"))
    status = text(state.get("status"))
    chat_active = boolean(state.get("chatActive"))
    return Issue(
        id=issue_id,
        type=required_text(data, "type", f"issue {issue_id}"),
        reference_number=text(data.get("referenceNumber")),
        status=status,
        status_due_date=lenient_timestamp(state.get("statusDueDate")),
        decision_due_date=lenient_timestamp(data.get("decisionDueDate")),
        # issues read before Allegro added chatActive (Dec 2025) could be answered while open
        chat_active=chat_active if chat_active is not None else status in OPEN_ISSUE_STATUSES,
        return_required=boolean(state.get("returnRequired")),
        opened_date=lenient_timestamp(data.get("openedDate")),
        subject=text(data.get("subject")),
        reason_type=text(reason.get("type")),
        reason_description=text(reason.get("description")),
        description=text(data.get("description")),
        right=text(data.get("right")),
        buyer_id=text(buyer.get("id")),
        buyer_login=text(buyer.get("login")),
        checkout_form_id=text(obj(data.get("checkoutForm")).get("id")),
        offer_id=text(offer.get("id")),
        quantity=integer(offer.get("quantity")),
        expectations=tuple(_expectation(e) for e in items(data.get("expectations"))),
        messages_count=integer(chat.get("messagesCount")) or 0,
        last_message_status=text(last.get("status")),
        last_message_at=lenient_timestamp(last.get("createdAt")),
        initial_message=_initial_message(chat.get("initialMessage")),
        attachments=parse_attachments(data.get("attachments")),
    )


def parse_issues(body: Json, parse: Callable[[Json], Issue] | None = None) -> IssuePage:
    """GET /sale/issues (one page; the answer carries no totals); unreadable issues are set aside.

    `parse` reads one issue (parse_issue unless given)."""
    issues, rejected = parse_each(body.get("issues"), parse or parse_issue, "issue")
    return IssuePage(issues=issues, rejected=rejected)


def _expectation(data: Json) -> IssueExpectation:
    return IssueExpectation(name=text(data.get("name")), refund=price(data.get("refund")))


def _initial_message(value: Any) -> IssueMessage | None:
    data = obj(value)
    # a preview only: the chat holds the same message, so a partial one is dropped, not fatal
    if not text(data.get("id")) or lenient_timestamp(data.get("createdAt")) is None:
        return None
    return parse_issue_message(data)
