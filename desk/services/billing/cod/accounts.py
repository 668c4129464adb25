"""An account's COD settings and payout hold, and the account's COD lock.

The hold is a flag with its reason: set by the desk while the account has unpaid dues (and lifted when
they are gone), or by an administrator with a reason typed by hand (lifted only by hand). While held, the
account's due COD is `withheld`: no payout batch takes it. Every change of an account's COD money first
takes `lock` (a row lock on PostgreSQL, the database write lock on SQLite), so a payout, an offset and a
hold of the same account never interleave.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from desk.extensions import db
from desk.models.account import SellerAccount
from desk.models.cod import TIERS, CodAccount, CodState, HoldSource, ShipmentCod
from desk.services.billing import dues as dues_area
from desk.services.errors import N_, NotFoundError, ValidationError
from desk.services.shared.workdays import warsaw_date

DEFAULT_TIER = 5
REASON_MAX = 500


def settings_of(account_id: int) -> CodAccount | None:
    """The account's COD settings row, if it has one (read only)."""
    return db.session.get(CodAccount, account_id)


def default_tier(account_id: int, fallback: int = DEFAULT_TIER) -> int:
    """The payout tier the account's COD shipments get unless the form says otherwise."""
    found = settings_of(account_id)
    return found.default_tier if found is not None else fallback


def parse_tier(text: str | int | None) -> int:
    """1, 5 or 10 from a form; ValidationError otherwise."""
    try:
        tier = int(str(text).strip())
    except (TypeError, ValueError):
        tier = 0
    if tier not in TIERS:
        raise ValidationError(N_("Choose 1, 5 or 10 working days."))
    return tier


def ensure(account_id: int) -> CodAccount:
    """The account's settings row, created with the defaults on first use (flushes)."""
    found = settings_of(account_id)
    if found is not None:
        return found
    if db.session.get(SellerAccount, account_id) is None:
        raise NotFoundError(N_("Account not found."))
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(CodAccount).values(account_id=account_id).on_conflict_do_nothing())
    return db.session.get(CodAccount, account_id)


def lock(account_id: int, now: dt.datetime) -> CodAccount:
    """Take the account's COD lock for the rest of the transaction; returns its settings as they are now."""
    found = _bump(account_id, now)
    if found is None:  # the account's first COD work: its settings row is made first
        ensure(account_id)
        found = _bump(account_id, now)
    assert found is not None
    return found


def _bump(account_id: int, now: dt.datetime) -> CodAccount | None:
    return db.session.scalars(
        update(CodAccount)
        .where(CodAccount.account_id == account_id)
        .values(lock_count=CodAccount.lock_count + 1, updated_at=now)
        .returning(CodAccount),
        execution_options={"populate_existing": True},
    ).one_or_none()


def set_default_tier(account_id: int, tier_text: str, *, now: dt.datetime) -> CodAccount:
    """Change the account's default payout tier (commits); ValidationError for anything but 1, 5, 10."""
    tier = parse_tier(tier_text)
    found = lock(account_id, now)
    found.default_tier = tier
    db.session.commit()
    return found


def hold(account_id: int, reason: str, *, now: dt.datetime, actor_id: int | None) -> CodAccount:
    """Hold the account's payouts by hand with a reason (commits)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(N_("Say why the payouts are held."))
    if len(reason) > REASON_MAX:
        raise ValidationError(N_("At most %(max)s characters."), max=REASON_MAX)
    found = lock(account_id, now)
    _set(found, HoldSource.MANUAL, reason, now, actor_id)
    db.session.commit()
    return found


def release(account_id: int, *, now: dt.datetime, actor_id: int | None) -> CodAccount:
    """Lift a hand-made hold (commits); unpaid dues keep the payouts held, now for that reason."""
    found = lock(account_id, now)
    _clear(found)
    refresh_locked(found, now)
    db.session.commit()
    return found


def refresh(account_id: int, *, now: dt.datetime) -> CodAccount:
    """Hold or free the account's payouts as its dues say now (commits)."""
    found = lock(account_id, now)
    refresh_locked(found, now)
    db.session.commit()
    return found


def refresh_locked(found: CodAccount, now: dt.datetime) -> bool:
    """Under the account's lock: set the dues hold while there are dues, lift it when there are none (a
    hand-made hold stays); returns whether payouts are held. Flushes, never commits."""
    owed = dues_area.open_dues(found.account_id, today=warsaw_date(now))
    if found.held and found.hold_source is HoldSource.MANUAL:
        _withhold(found.account_id, now)  # money that became due since the hold was set
    elif owed and not found.held:
        _set(found, HoldSource.DUES, "", now, None)
    elif owed:
        _withhold(found.account_id, now)
    elif found.held:
        _clear(found)
    db.session.flush()
    return found.held


def _set(found: CodAccount, source: HoldSource, reason: str, now: dt.datetime, actor_id: int | None) -> None:
    found.held, found.hold_source, found.hold_reason = True, source, reason
    found.held_at, found.held_by = now, actor_id
    _withhold(found.account_id, now)


def _withhold(account_id: int, now: dt.datetime) -> None:
    """The held account's due money not yet in a payout becomes withheld."""
    db.session.execute(
        update(ShipmentCod)
        .where(ShipmentCod.account_id == account_id, ShipmentCod.state == CodState.DUE)
        .where(ShipmentCod.payout_id.is_(None))
        .values(state=CodState.WITHHELD, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def _clear(found: CodAccount) -> None:
    if not found.held:
        return
    found.held, found.hold_source, found.hold_reason = False, None, ""
    found.held_at, found.held_by = None, None
    db.session.execute(
        update(ShipmentCod)
        .where(ShipmentCod.account_id == found.account_id, ShipmentCod.state == CodState.WITHHELD)
        .values(state=CodState.DUE)
        .execution_options(synchronize_session=False)
    )
