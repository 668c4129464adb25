"""Deleting or disconnecting a seller account: at once its sync stops and its tokens are deleted; its data
stays for the grace period (the owner can still download it, or change their mind), then the daily purge
removes it (purge.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update

from desk.extensions import db
from desk.models import (
    AccountOffboarding,
    AccountStatus,
    AllegroToken,
    DeviceAuthorization,
    OffboardingKind,
    OffboardingState,
    OutboxMessage,
    OutboxState,
    SellerAccount,
    SyncSchedule,
)
from desk.models.offboarding import OPEN_STATES
from desk.services.errors import N_, ConflictError, NotFoundError

STOPPED_CODE = "account_offboarded"


def open_offboarding(account_id: int) -> AccountOffboarding | None:
    """The account's deletion or disconnection still waiting for (or in) its purge, if any."""
    return db.session.scalar(
        select(AccountOffboarding).where(
            AccountOffboarding.account_id == account_id, AccountOffboarding.state.in_(OPEN_STATES)
        )
    )


def schedule_offboarding(
    account_id: int, *, kind: OffboardingKind, agent_id: int | None, now: dt.datetime, grace_days: int
) -> AccountOffboarding:
    """Stop the account's sync, delete its tokens and schedule the purge of its data. Commits.

    `grace_days` (the setting for deletions or for disconnections) sets when the purge is due.
    """
    account = db.session.get(SellerAccount, account_id)
    if account is None:
        raise NotFoundError(N_("Account not found."))
    if open_offboarding(account_id) is not None:
        raise ConflictError(N_("The account is already scheduled for deletion."))
    if grace_days < 0:
        raise ConflictError(N_("The grace period cannot be negative."))
    request = AccountOffboarding(
        account_id=account.id, account_name=account.name, kind=kind, state=OffboardingState.SCHEDULED,
        requested_by=agent_id, requested_at=now, purge_due_at=now + dt.timedelta(days=grace_days), counts={},
    )
    db.session.add(request)
    stop_account(account)
    db.session.commit()
    return request


def stop_account(account: SellerAccount) -> None:
    """No more syncs or Allegro calls for the account: disabled, tokens and pending device codes deleted,
    no sync planned, no write-back left to send (the account page tells why from the offboarding row).
    Flushes only."""
    account.status = AccountStatus.DISABLED
    account.status_reason = None
    db.session.execute(delete(AllegroToken).where(AllegroToken.account_id == account.id))
    db.session.execute(delete(DeviceAuthorization).where(DeviceAuthorization.account_id == account.id))
    db.session.execute(delete(SyncSchedule).where(SyncSchedule.account_id == account.id))
    # write-backs waiting to go to Allegro cannot go without tokens: stop them rather than retry for ever
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.account_id == account.id,
            OutboxMessage.state.in_((OutboxState.PENDING, OutboxState.UNKNOWN)),
        )
        .values(state=OutboxState.FAILED, last_error="account disconnected", last_error_code=STOPPED_CODE)
    )
    db.session.expire(account, ["token"])
    db.session.flush()


def cancel_offboarding(account_id: int, *, agent_id: int | None, now: dt.datetime) -> AccountOffboarding:
    """Keep the account after all (before its purge has started). It stays disconnected: the tokens are
    gone, so it is connected again through Allegro. Commits."""
    request = open_offboarding(account_id)
    if request is None:
        raise NotFoundError(N_("The account is not scheduled for deletion."))
    if request.state != OffboardingState.SCHEDULED:
        raise ConflictError(N_("The purge of this account has already started."))
    request.state = OffboardingState.CANCELLED
    request.cancelled_at, request.cancelled_by = now, agent_id
    db.session.commit()
    return request


def receipts(account_id: int | None = None) -> list[AccountOffboarding]:
    """Deletion requests and receipts, newest first (of one account id, or all)."""
    query = select(AccountOffboarding).order_by(AccountOffboarding.requested_at.desc(), AccountOffboarding.id)
    if account_id is not None:
        query = query.where(AccountOffboarding.account_id == account_id)
    return list(db.session.scalars(query))
