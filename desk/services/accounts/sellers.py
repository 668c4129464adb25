"""Seller accounts: connecting through the OAuth device flow or with imported tokens, and token health."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from desk.extensions import db
from desk.models import AccountStatus, DeviceAuthorization, SellerAccount
from desk.orm import utcnow
from desk.services.errors import N_, ConflictError, NotFoundError, ValidationError
from desk.services.ports import AllegroGateway
from integrations.allegro import (
    AccessDenied,
    AuthorizationPending,
    DeviceCodeExpired,
    SlowDown,
    TokenPair,
)


@dataclass(frozen=True)
class TokenHealth:
    """What the account page shows about the stored tokens."""

    access_expires_at: dt.datetime | None
    refresh_expires_at: dt.datetime | None
    refreshed_at: dt.datetime | None
    access_valid: bool
    refresh_valid: bool


def get_account(account_id: int) -> SellerAccount:
    account = db.session.get(SellerAccount, account_id)
    if account is None:
        raise NotFoundError(N_("Account not found."))
    return account


def find_account(name: str) -> SellerAccount:
    account = db.session.scalar(select(SellerAccount).where(SellerAccount.name == name))
    if account is None:
        raise NotFoundError(N_("There is no account named %(name)s."), name=name)
    return account


def _new_account(name: str) -> SellerAccount:
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError(N_("The account name must have 1 to 80 characters."))
    if db.session.scalar(select(SellerAccount.id).where(SellerAccount.name == name)):
        raise ConflictError(N_("An account named %(name)s already exists."), name=name)
    account = SellerAccount(name=name, status=AccountStatus.PENDING)
    db.session.add(account)
    db.session.flush()
    return account


def start_device_connection(
    gateway: AllegroGateway, *, name: str | None = None, account_id: int | None = None
) -> DeviceAuthorization:
    """Begin connecting a new (name) or existing (account_id, reconnect) account; commits.

    Returns the pending authorisation whose user code and URL the operator opens at Allegro.
    """
    account = get_account(account_id) if account_id else _new_account(name or "")
    code = gateway.oauth.start_device_flow()
    now = utcnow()
    auth = DeviceAuthorization(
        account_id=account.id,
        device_code_enc=gateway.cipher.encrypt(code.device_code),
        user_code=code.user_code,
        verification_uri=code.verification_uri,
        verification_uri_complete=code.verification_uri_complete,
        interval=code.interval,
        expires_at=now + dt.timedelta(seconds=code.expires_in),
        next_poll_at=now,
    )
    db.session.add(auth)
    db.session.commit()
    return auth


def poll_device_connection(gateway: AllegroGateway, auth_id: int) -> DeviceAuthorization:
    """Poll Allegro once if the interval allows; on approval store tokens and activate. Commits."""
    auth = db.session.get(DeviceAuthorization, auth_id)
    if auth is None:
        raise NotFoundError(N_("This connection attempt does not exist."))
    now = utcnow()
    if auth.state != "pending" or now < auth.next_poll_at:
        return auth
    if now >= auth.expires_at:
        auth.state = "expired"
        db.session.commit()
        return auth
    try:
        pair = gateway.oauth.poll_device_token(gateway.cipher.decrypt(auth.device_code_enc))
    except AuthorizationPending:
        auth.next_poll_at = now + dt.timedelta(seconds=auth.interval)
    except SlowDown:
        auth.interval += 5
        auth.next_poll_at = now + dt.timedelta(seconds=auth.interval)
    except DeviceCodeExpired:
        auth.state = "expired"
    except AccessDenied:
        auth.state = "denied"
    else:
        activate_with_tokens(gateway, auth.account_id, pair, commit=False)
        auth.state = "approved"
    db.session.commit()
    return auth


def activate_with_tokens(
    gateway: AllegroGateway, account_id: int, pair: TokenPair, *, commit: bool = True
) -> None:
    """Store a token pair (encrypted, before any use), read /me and mark the account active."""
    store = gateway.token_store(account_id)
    store.save(pair)
    me = gateway.client_for(account_id).me()
    account = get_account(account_id)
    other = db.session.scalar(
        select(SellerAccount).where(SellerAccount.allegro_user_id == me.id, SellerAccount.id != account_id)
    )
    if other is not None:
        raise ConflictError(
            N_("Allegro user %(login)s is already connected as %(name)s."), login=me.login, name=other.name
        )
    account.allegro_user_id = me.id
    account.allegro_login = me.login
    account.status = AccountStatus.ACTIVE
    account.status_reason = None
    if commit:
        db.session.commit()


def add_account_with_tokens(
    gateway: AllegroGateway,
    *,
    name: str,
    access_token: str,
    refresh_token: str,
    expires_in: int | None = None,
) -> SellerAccount:
    """Register an account from tokens obtained elsewhere (migration from another tool). Commits."""
    if not access_token or not refresh_token:
        raise ValidationError(N_("Both the access token and the refresh token are required."))
    account = _new_account(name)
    now = utcnow()
    # Unknown expiry: treat the access token as nearly expired so the first call refreshes it.
    lifetime = dt.timedelta(seconds=expires_in) if expires_in else dt.timedelta(minutes=5)
    pair = TokenPair(
        access_token=access_token,
        refresh_token=refresh_token,
        access_expires_at=now + lifetime,
        refresh_expires_at=now + dt.timedelta(days=90),
        scope=None,
    )
    db.session.commit()
    activate_with_tokens(gateway, account.id, pair)
    return account


def mark_needs_reconnect(account_id: int, reason: str, *, commit: bool = True) -> None:
    """The refresh token is dead: stop syncing the account until an operator reconnects it."""
    account = get_account(account_id)
    account.status = AccountStatus.NEEDS_RECONNECT
    account.status_reason = reason[:500]
    if commit:
        db.session.commit()


def token_health(account: SellerAccount, *, now: dt.datetime | None = None) -> TokenHealth:
    now = now or utcnow()
    token = account.token
    if token is None:
        return TokenHealth(None, None, None, False, False)
    refresh_ok = account.status != AccountStatus.NEEDS_RECONNECT and (
        token.refresh_expires_at is None or token.refresh_expires_at > now
    )
    return TokenHealth(
        access_expires_at=token.access_expires_at,
        refresh_expires_at=token.refresh_expires_at,
        refreshed_at=token.refreshed_at,
        access_valid=token.access_expires_at > now,
        refresh_valid=refresh_ok,
    )


def list_accounts() -> list[SellerAccount]:
    return list(db.session.scalars(select(SellerAccount).order_by(SellerAccount.name)))
