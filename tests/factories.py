"""Factory helpers for tests: valid defaults, overridable."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from desk.extensions import db
from desk.models import Agent, Order, Role, SellerAccount
from desk.models.issue import PROBLEM, SOURCE_MESSAGING, Issue, IssueMessage
from desk.orm import utcnow
from desk.services.accounts.sellers import activate_with_tokens
from desk.services.issues.store import derive
from desk.services.issues.threads.store import apply_turn
from desk.wiring import get_allegro
from integrations.allegro import TokenPair

_seq = itertools.count(1)
# argon2 hashing is slow on purpose; tests share one precomputed hash of PASSWORD.
PASSWORD = "correct horse battery"
_HASH: list[str] = []


def password_hash() -> str:
    if not _HASH:
        from argon2 import PasswordHasher

        _HASH.append(PasswordHasher().hash(PASSWORD))
    return _HASH[0]


def make_agent(*, role: Role = Role.AGENT, accounts: list[SellerAccount] = (), **overrides) -> Agent:
    n = next(_seq)
    agent = Agent(
        email=overrides.pop("email", f"agent{n}@example.pl"),
        name=overrides.pop("name", f"Agent {n}"),
        password_hash=password_hash(),
        role=role,
        **overrides,
    )
    agent.accounts = list(accounts)
    db.session.add(agent)
    db.session.commit()
    return agent


def connect_account(fake, *, name: str | None = None, login: str | None = None, **token_args):
    """A seller in the fake and its connected desk account; returns (account, seller_id)."""
    n = next(_seq)
    seller_id = fake.state.add_seller(login or f"sklep_{n}")
    account = SellerAccount(name=name or f"Sklep {n}")
    db.session.add(account)
    db.session.commit()
    pair = TokenPair.from_response(fake.state.issue_token(seller_id, **token_args), utcnow())
    activate_with_tokens(get_allegro(), account.id, pair)
    return account, seller_id


def make_thread(
    account_id: int,
    *,
    type: str = PROBLEM,  # noqa: A002  (the column's name)
    sub_type: str | None = "PRODUCT_ARRIVED_DAMAGED",
    status: str = "OPEN",
    buyer_login: str | None = None,
    order: Order | None = None,
    messages: list[dict] | None = None,
    at: dt.datetime | None = None,
    **columns,
) -> Issue:
    """A Message Center thread stored straight in the database, as the sync would store it.

    `messages`: dicts with `role` (BUYER / SELLER / ADMIN / SYSTEM), `text`, and optionally
    `created_at`, `seen_at`, `status`, `message_type`, `subject`, `attachments`, `deleted_at`;
    by default one buyer message an hour ago.
    """
    n = next(_seq)
    at = at or utcnow() - dt.timedelta(hours=1)
    issue = Issue(
        account_id=account_id,
        allegro_id=columns.pop("allegro_id", f"Th{n}-{uuid.uuid4().hex[:12]}"),
        source=SOURCE_MESSAGING,
        type=type,
        status=status,
        chat_active=status != "CLOSED",
        reason_type=sub_type if type == PROBLEM else None,
        opened_at=columns.pop("opened_at", at - dt.timedelta(hours=1)),
        buyer_login=buyer_login or f"kupujacy_{n}",
        order_id=order.id if order is not None else None,
        checkout_form_id=order.allegro_id if order is not None else columns.pop("checkout_form_id", None),
        allegro_read=columns.pop("allegro_read", True),
        first_seen_at=at,
        updated_at=at,
        synced_at=at,
        **columns,
    )
    for entry in messages or [{"role": "BUYER", "text": f"Wiadomość w wątku {n}"}]:
        created = entry.get("created_at", at)
        issue.messages.append(IssueMessage(
            allegro_id=f"M{next(_seq)}-{uuid.uuid4().hex[:8]}",
            author_role=entry["role"],
            author_login=entry.get("login"),
            text=entry.get("text"),
            created_at=created,
            seen_at=entry.get("seen_at", created),
            status=entry.get("status", "DELIVERED"),
            message_type=entry.get("message_type", "MESSAGE_CENTER"),
            subject=entry.get("subject"),
            attachments=entry.get("attachments"),
            deleted_at=entry.get("deleted_at"),
        ))
    issue.last_message_at = max(m.created_at for m in issue.messages)
    issue.messages_count = len(issue.messages)
    apply_turn(issue)
    derive(issue, utcnow())
    db.session.add(issue)
    db.session.commit()
    return issue
