"""Issues and their chats decoded by msgspec, in C, straight from the answer's bytes.

As in `_wire.py`, the structs mirror Allegro's JSON and the functions only move values into the
DTOs of `models_issues.py`; every judgement is `_parse_issues.py`'s. A value that parser reads in
its own way (the spec's malformed times such as `...:12.000.019Z`, a number for an id, an empty
object) makes msgspec or these functions miss, and the answer is read again by that parser.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from integrations.allegro import _parse_issues
from integrations.allegro._parse_issues import attachment_id
from integrations.allegro._records import Unusual, fast_or_lenient, utc
from integrations.allegro.models import Price
from integrations.allegro.models_issues import (
    OPEN_ISSUE_STATUSES,
    Issue,
    IssueAttachment,
    IssueAuthor,
    IssueExpectation,
    IssueMessage,
    IssuePage,
)


class _Wire(msgspec.Struct, rename="camel", gc=False):
    """A part of Allegro's JSON, read once and dropped."""


class _Ref(_Wire):
    id: str | None = None


class _Party(_Wire):
    id: str | None = None
    login: str | None = None


class _Attachment(_Wire):
    file_name: str | None = None
    url: str | None = None


class _Author(_Wire):
    login: str | None = None
    role: str | None = None


class _Message(_Wire):
    id: str | None = None
    created_at: dt.datetime | None = None
    text: str | None = None
    author: _Author | None = None
    attachments: tuple[_Attachment, ...] = ()


class _Chat(_Wire):
    chat: tuple[_Message, ...] = ()


class _State(_Wire):
    status: str | None = None
    status_due_date: dt.datetime | None = None
    chat_active: bool | None = None
    return_required: bool | None = None


class _LastMessage(_Wire):
    status: str | None = None
    created_at: dt.datetime | None = None


class _ChatSummary(_Wire):
    messages_count: int | None = None
    last_message: _LastMessage | None = None
    initial_message: _Message | None = None


class _Reason(_Wire):
    type: str | None = None
    description: str | None = None


class _Offer(_Wire):
    id: str | None = None
    quantity: int | None = None


class _Expectation(_Wire):
    name: str | None = None
    refund: Price | None = None


class _Issue(_Wire):
    id: str
    type: str
    reference_number: str | None = None
    current_state: _State | None = None
    decision_due_date: dt.datetime | None = None
    opened_date: dt.datetime | None = None
    subject: str | None = None
    reason: _Reason | None = None
    description: str | None = None
    right: str | None = None
    buyer: _Party | None = None
    checkout_form: _Ref | None = None
    offer: _Offer | None = None
    expectations: tuple[_Expectation, ...] = ()
    chat: _ChatSummary | None = None
    attachments: tuple[_Attachment, ...] = ()


class _IssuePage(_Wire):
    issues: tuple[_Issue, ...] = ()


_NO_REF = _Ref()
_NO_PARTY = _Party()
_NO_AUTHOR = _Author()
_NO_STATE = _State()
_NO_LAST = _LastMessage()
_NO_CHAT = _ChatSummary()
_NO_REASON = _Reason()
_NO_OFFER = _Offer()

_ISSUE = msgspec.json.Decoder(_Issue)
_ISSUE_PAGE = msgspec.json.Decoder(_IssuePage)
_CHAT = msgspec.json.Decoder(_Chat)


def issue_page(content: bytes) -> IssuePage:
    """GET /sale/issues, from the answer's bytes."""
    return IssuePage(issues=tuple(map(_issue, _ISSUE_PAGE.decode(content).issues)))


def issue(content: bytes) -> Issue:
    """GET /sale/issues/{issueId}, from the answer's bytes."""
    return _issue(_ISSUE.decode(content))


def issue_chat(content: bytes) -> list[IssueMessage]:
    """GET /sale/issues/{issueId}/chat, from the answer's bytes."""
    return list(map(_message, _CHAT.decode(content).chat))


def _issue(w: _Issue) -> Issue:
    if not (w.id and w.type):
        raise Unusual
    state, chat = w.current_state or _NO_STATE, w.chat or _NO_CHAT
    buyer, offer, reason = w.buyer or _NO_PARTY, w.offer or _NO_OFFER, w.reason or _NO_REASON
    last = chat.last_message or _NO_LAST
    return Issue(
        id=w.id,
        type=w.type,
        reference_number=w.reference_number,
        status=state.status,
        status_due_date=utc(state.status_due_date),
        decision_due_date=utc(w.decision_due_date),
        # see _parse_issues.parse_issue
        chat_active=state.status in OPEN_ISSUE_STATUSES if state.chat_active is None else state.chat_active,
        return_required=state.return_required,
        opened_date=utc(w.opened_date),
        subject=w.subject,
        reason_type=reason.type,
        reason_description=reason.description,
        description=w.description,
        right=w.right,
        buyer_id=buyer.id,
        buyer_login=buyer.login,
        checkout_form_id=(w.checkout_form or _NO_REF).id,
        offer_id=offer.id,
        quantity=offer.quantity,
        expectations=tuple(IssueExpectation(name=e.name, refund=e.refund) for e in w.expectations),
        messages_count=chat.messages_count or 0,
        last_message_status=last.status,
        last_message_at=utc(last.created_at),
        initial_message=_initial_message(chat.initial_message),
        attachments=_attachments(w.attachments),
    )


def _message(w: _Message) -> IssueMessage:
    if not w.id or w.created_at is None:
        raise Unusual  # the lenient parser refuses the message
    author = w.author or _NO_AUTHOR
    return IssueMessage(
        id=w.id,
        text=w.text,
        author=IssueAuthor(login=author.login, role=author.role or "SYSTEM"),
        created_at=utc(w.created_at),
        attachments=_attachments(w.attachments),
    )


def _initial_message(w: _Message | None) -> IssueMessage | None:
    # a preview: one without its id or time is dropped (see _parse_issues._initial_message)
    if w is None or not w.id or w.created_at is None:
        return None
    return _message(w)


def _attachments(found: tuple[_Attachment, ...]) -> tuple[IssueAttachment, ...]:
    kept = []
    for w in found:
        key = attachment_id(w.url) if w.url else None
        if key:  # see _parse_issues.parse_attachments
            kept.append(IssueAttachment(key, w.file_name or key, w.url))
    return tuple(kept)


# --- read again by the lenient parser ------------------------------------------------------------

read_issue = fast_or_lenient(_Issue, _issue, _parse_issues.parse_issue)


def lenient_issue_page(body) -> IssuePage:
    """The page read by the lenient parser, each issue still tried fast first."""
    return _parse_issues.parse_issues(body, parse=read_issue)
