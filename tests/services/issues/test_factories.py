"""Issues built straight in the database (fast, for inbox and page tests), plus a check that they are sane.

Imported by the other issue tests; its one test keeps the builder honest.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from desk.extensions import db
from desk.models.issue import Issue, IssueMessage
from desk.orm import utcnow
from desk.services.issues.store import apply_conversation, derive

_seq = itertools.count(1)


def make_issue(
    account_id: int,
    *,
    type: str = "DISPUTE",
    status: str | None = None,
    last: str = "BUYER",
    at: dt.datetime | None = None,
    chat_active: bool = True,
    buyer_login: str | None = None,
    messages: list[tuple[str, str]] | None = None,
    commit: bool = True,
    **columns,
) -> Issue:
    """An issue whose chat ends with a message by `last` (BUYER, SELLER or ADMIN) at `at`."""
    n = next(_seq)
    at = at or utcnow() - dt.timedelta(hours=1)
    status = status or ("CLAIM_SUBMITTED" if type == "CLAIM" else "DISPUTE_ONGOING")
    issue = Issue(
        account_id=account_id,
        allegro_id=str(uuid.uuid4()),
        type=type,
        status=status,
        chat_active=chat_active,
        opened_at=columns.pop("opened_at", at - dt.timedelta(hours=1)),
        buyer_login=buyer_login or f"kupujacy_{n}",
        buyer_allegro_id=str(90000 + n),
        reference_number=f"{n}/2026" if type == "CLAIM" else None,
        last_message_at=at,
        last_message_status={"BUYER": "BUYER_REPLIED", "SELLER": "SELLER_REPLIED"}.get(
            last, "ALLEGRO_ADVISOR_REPLIED"
        ),
        messages_count=1,
        first_seen_at=at,
        updated_at=at,
        synced_at=at,
        activity_at=at,
        chat_key=f"key-{n}",
        **columns,
    )
    texts = messages or [(last, f"Wiadomość {n}")]
    for offset, (role, text) in enumerate(texts):
        created = at - dt.timedelta(minutes=len(texts) - 1 - offset)
        issue.messages.append(
            IssueMessage(allegro_id=str(uuid.uuid4()), author_role=role, text=text, created_at=created)
        )
    apply_conversation(issue, issue.messages)
    derive(issue, utcnow())
    db.session.add(issue)
    if commit:
        db.session.commit()
    return issue


def test_builder_makes_issues_in_the_right_lanes(app):
    from desk.models import SellerAccount

    account = SellerAccount(name="Sklep F")
    db.session.add(account)
    db.session.commit()
    assert make_issue(account.id).lane == "reply"
    assert make_issue(account.id, last="SELLER").lane == "waiting"
    assert make_issue(account.id, type="CLAIM").lane == "decision"
    closed = make_issue(account.id, status="DISPUTE_CLOSED", last="SELLER", chat_active=False)
    assert closed.lane == "closed"
    assert make_issue(account.id, last="ADMIN").escalated
