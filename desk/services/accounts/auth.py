"""Desk sign-in: agent accounts, argon2 password hashes, the sign-in throttle and known devices.

Passwords and hashes never reach a log line or an exception message.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desk.config import Config
from desk.extensions import db
from desk.models import Agent, Role, SellerAccount
from desk.orm import utcnow
from desk.services.accounts import devices, throttle
from desk.services.accounts.passwords import MAX_LENGTH, check_password
from desk.services.accounts.throttle import LoginPolicy
from desk.services.errors import (
    N_,
    ConflictError,
    NotFoundError,
    PermissionDenied,
    ValidationError,
)

log = logging.getLogger(__name__)

LOCALES = ("pl", "en")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_hashers: dict[str, PasswordHasher] = {}
_dummy_hashes: dict[str, str] = {}


# Callers pass the app's argon2 profile (settings().password_profile): tests use argon2's CHEAPEST,
# production keeps RFC 9106. The default is Config's, for scripts that have no app settings.
DEFAULT_PROFILE = Config.ARGON2_PROFILE


def _hasher(name: str) -> PasswordHasher:
    if name not in _hashers:
        _hashers[name] = PasswordHasher.from_parameters(getattr(profiles, name))
    return _hashers[name]


def _dummy_hash(name: str) -> str:
    """A hash of a random secret, so unknown e-mails cost as much as known ones."""
    if name not in _dummy_hashes:
        _dummy_hashes[name] = _hasher(name).hash(secrets.token_urlsafe(24))
    return _dummy_hashes[name]


def hash_password(password: str, profile: str = DEFAULT_PROFILE) -> str:
    """Return an argon2id hash of `password` with the current parameters."""
    return _hasher(profile).hash(password)


def normalize_email(email: str) -> str:
    """E-mail addresses are compared trimmed and lower-cased."""
    return (email or "").strip().lower()


def create_agent(
    *, email: str, name: str, password: str, role: Role | str, account_ids: Iterable[int] = (),
    profile: str = DEFAULT_PROFILE,
) -> Agent:
    """Create a desk agent; raises ValidationError, ConflictError or NotFoundError (unknown account)."""
    email = _valid_email(email)
    name = (name or "").strip()
    if not name:
        raise ValidationError(N_("Enter the agent's name."))
    check_password(password, email=email)
    role = _parse_role(role)
    accounts = _accounts(account_ids)
    if db.session.scalar(select(Agent.id).where(Agent.email == email)) is not None:
        raise ConflictError(N_("An agent with the e-mail address %(email)s already exists."), email=email)
    agent = Agent(
        email=email, name=name, password_hash=hash_password(password, profile), role=role, accounts=accounts
    )
    db.session.add(agent)
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent create won the race for the unique e-mail
        db.session.rollback()
        raise ConflictError(
            N_("An agent with the e-mail address %(email)s already exists."), email=email
        ) from None
    log.info("agent %s created with role %s", agent.id, agent.role.value)
    return agent


def set_password(*, email: str, password: str, profile: str = DEFAULT_PROFILE) -> Agent:
    """Replace an agent's password; raises NotFoundError.

    Every session and every known device of the agent ends, and the e-mail's sign-in limits are lifted.
    """
    agent = _agent_by_email(email)
    check_password(password, email=agent.email)
    agent.password_hash = hash_password(password, profile)
    agent.session_generation += 1  # every session signed in with the old password ends
    devices.forget_all(agent.id)
    throttle.forget_email(agent.email)
    db.session.commit()
    log.info("password changed for agent %s", agent.id)
    return agent


@dataclass(frozen=True)
class SignIn:
    """A successful sign-in: the agent, and the token that makes this browser one of their known devices."""

    agent: Agent
    device_token: str


def authenticate(
    email: str,
    password: str,
    *,
    remote_addr: str | None,
    device_token: str | None = None,
    policy: LoginPolicy = LoginPolicy(),
    profile: str = DEFAULT_PROFILE,
) -> SignIn:
    """Check the e-mail and password, record the sign-in and remember the device.

    The throttle (throttle.py) goes first and raises RateLimitedError even for the right password.
    `device_token` (from the browser's cookie, if any) may name one of the agent's known devices,
    which passes the locks of the address and of the e-mail, though not its own growing delay.
    Wrong credentials raise ValidationError, a disabled account PermissionDenied.
    """
    email = normalize_email(email)
    now = utcnow()
    agent = db.session.scalar(select(Agent).where(Agent.email == email))
    known = agent is not None and _is_known_device(agent, device_token, now=now, policy=policy)
    throttle.check(email, remote_addr, device_known=known, policy=policy, now=now)
    if not _password_matches(agent, password, profile):
        throttle.record_failure(email, remote_addr, now)
        db.session.commit()
        # Agents are named by id, never by the typed e-mail: people paste passwords into it.
        who = f"agent {agent.id}" if agent else "an unknown e-mail"
        log.info("sign-in failed for %s from %s", who, remote_addr)
        raise ValidationError(N_("Wrong e-mail address or password."))
    if not agent.is_active:
        db.session.commit()  # keep the clean-up of expired rows
        raise PermissionDenied(N_("This account is disabled. Ask an administrator to enable it."))
    if _hasher(profile).check_needs_rehash(agent.password_hash):
        agent.password_hash = hash_password(password, profile)
    agent.last_login_at = now
    throttle.forget_pair(email, remote_addr)
    token = devices.remember(agent.id, device_token, now=now, days=policy.known_device_days)
    db.session.commit()
    log.info("agent %s signed in from %s%s", agent.id, remote_addr, " (known device)" if known else "")
    return SignIn(agent=agent, device_token=token)


def get_agent(agent_id: int) -> Agent | None:
    """The agent with this id, or None."""
    return db.session.get(Agent, agent_id)


def list_agents() -> list[Agent]:
    """All agents, ordered by e-mail."""
    return list(db.session.scalars(select(Agent).order_by(Agent.email)))


def account_ids_for_names(names: Iterable[str]) -> list[int]:
    """Ids of the seller accounts with these names; raises NotFoundError for an unknown name."""
    wanted = list(dict.fromkeys(names))
    rows = db.session.execute(
        select(SellerAccount.name, SellerAccount.id).where(SellerAccount.name.in_(wanted))
    )
    found = {name: account_id for name, account_id in rows}
    for name in wanted:
        if name not in found:
            raise NotFoundError(N_("There is no seller account named %(name)s."), name=name)
    return [found[name] for name in wanted]


def visible_accounts(agent: Agent) -> list[SellerAccount]:
    """Seller accounts this agent may work on: all for admins and owners, assigned ones otherwise."""
    query = select(SellerAccount).order_by(SellerAccount.name)
    if not agent.sees_all_accounts:
        ids = [account.id for account in agent.accounts]
        query = query.where(SellerAccount.id.in_(ids))
    return list(db.session.scalars(query))


def end_sessions(agent_id: int) -> None:
    """End every session of the agent on every device (sign-out). Commits."""
    agent = db.session.get(Agent, agent_id)
    if agent is not None:
        agent.session_generation += 1
        db.session.commit()


def set_agent_locale(agent_id: int, locale: str) -> None:
    """Remember the agent's language so the next sign-in starts in it."""
    if locale not in LOCALES:
        raise ValidationError(N_("Unsupported language."))
    agent = db.session.get(Agent, agent_id)
    if agent is None:
        raise NotFoundError(N_("No such agent."))
    agent.locale = locale
    db.session.commit()


def _is_known_device(agent: Agent, token: str | None, *, now: dt.datetime, policy: LoginPolicy) -> bool:
    return devices.find(agent.id, token, now=now, days=policy.known_device_days) is not None


def _password_matches(agent: Agent | None, password: str, profile: str) -> bool:
    if not password or len(password) > MAX_LENGTH:
        return False
    try:
        _hasher(profile).verify(agent.password_hash if agent else _dummy_hash(profile), password)
    except InvalidHashError:
        log.error("stored password hash of agent %s is unreadable", agent.id if agent else "?")
        return False
    except VerificationError:
        return False
    return agent is not None


def _valid_email(email: str) -> str:
    email = normalize_email(email)
    if len(email) > 254 or not _EMAIL_RE.match(email):
        raise ValidationError(N_("Enter a valid e-mail address."))
    return email


def _parse_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ValidationError(N_("Unknown role: %(role)s."), role=str(role)) from None


def _accounts(account_ids: Iterable[int]) -> list[SellerAccount]:
    ids = list(dict.fromkeys(account_ids))
    if not ids:
        return []
    accounts = list(db.session.scalars(select(SellerAccount).where(SellerAccount.id.in_(ids))))
    if len(accounts) != len(ids):
        raise NotFoundError(N_("One of the chosen seller accounts does not exist."))
    return accounts


def _agent_by_email(email: str) -> Agent:
    agent = db.session.scalar(select(Agent).where(Agent.email == normalize_email(email)))
    if agent is None:
        raise NotFoundError(N_("There is no agent with the e-mail address %(email)s."), email=email)
    return agent
