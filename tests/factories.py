"""Factory helpers for tests: valid defaults, overridable."""

from __future__ import annotations

import itertools

from desk.extensions import db
from desk.models import Agent, Role, SellerAccount
from desk.services.accounts.sellers import activate_with_tokens
from desk.wiring import get_allegro
from integrations.allegro import TokenPair
from integrations.allegro.auth import utcnow

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
