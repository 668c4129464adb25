"""Setting an account's unpaid dues off against the COD the broker holds for it (kompensata).

Each offset takes part of one due COD (due or withheld, not yet in a payout) to pay one due: a COD_OFFSET
credit on the account's ledger, keyed by the COD and the due, so the same pair is never set off twice,
with a CodOffset row linking the COD, the due and the entry. The COD's payout shrinks by as much; a COD
wholly set off counts as paid. When no dues remain, the hold they caused is lifted in the same commit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from desk.extensions import db
from desk.models.billing import EntryKind
from desk.models.cod import CodOffset, CodState, PayoutSink, ShipmentCod
from desk.services.billing import dues as dues_area
from desk.services.billing.cod import accounts
from desk.services.billing.ledger import Posting, post
from desk.services.errors import N_, ValidationError
from desk.services.shared.workdays import warsaw_date

OFFSETTABLE = (CodState.DUE, CodState.WITHHELD)


def offsettable(account_id: int) -> list[ShipmentCod]:
    """The account's due COD that may still be set off (not yet in a payout), oldest payout day first."""
    return list(db.session.scalars(
        select(ShipmentCod)
        .where(ShipmentCod.account_id == account_id, ShipmentCod.state.in_(OFFSETTABLE))
        .where(ShipmentCod.payout_id.is_(None), ShipmentCod.sink == PayoutSink.BANK_ACCOUNT)
        .order_by(ShipmentCod.due_on, ShipmentCod.id)
    ))


def set_off(account_id: int, *, now: dt.datetime, actor_id: int | None) -> list[CodOffset]:
    """Pay the account's dues from its due COD, oldest due first (commits); returns the offsets made.
    ValidationError when there is nothing to set off."""
    settings = accounts.lock(account_id, now)
    owed = dues_area.open_dues(account_id, today=warsaw_date(now))
    items = offsettable(account_id)
    if not owed or not items:
        db.session.rollback()
        raise ValidationError(N_("There is nothing to set off: no unpaid dues or no cash on delivery due."))
    made: list[CodOffset] = []
    for due in owed:
        left = due.amount
        for item in items:
            if left <= 0:
                break
            take = min(left, item.payable)
            if take <= 0 or _already(item.id, due):
                continue
            made.append(_offset(item, due, take, now, actor_id))
            left -= take
    accounts.refresh_locked(settings, now)
    db.session.commit()
    return made


def _already(cod_id: int, due: dues_area.Due) -> bool:
    return db.session.scalar(
        select(CodOffset.id).where(
            CodOffset.cod_id == cod_id, CodOffset.due_kind == due.kind, CodOffset.due_id == due.id
        )
    ) is not None


def _offset(item: ShipmentCod, due: dues_area.Due, take: Decimal, now: dt.datetime, actor_id: int | None):
    entry = post(Posting(
        item.account_id,
        EntryKind.COD_OFFSET,
        take,
        key=f"cod_offset:{item.id}:{due.kind}:{due.id}"[:120],
        shipment_id=item.shipment_id,
        reference=f"{due.kind}:{due.id}",
        reason=f"COD of shipment {item.shipment_id} set off against {due.kind} {due.id}",
        actor_id=actor_id,
    ))
    dues_area.settle(due, take, entry.id, today=warsaw_date(now))
    offset = CodOffset(
        cod_id=item.id, account_id=item.account_id, due_kind=due.kind, due_id=due.id, amount=take,
        ledger_entry_id=entry.id, actor_id=actor_id, created_at=now,
    )
    db.session.add(offset)
    item.offset_amount += take
    item.updated_at = now
    if item.payable == 0:  # nothing left to transfer: paid by the offset
        item.state, item.paid_at = CodState.PAID, now
    db.session.flush()
    return offset


def offsets_of(account_id: int, limit: int = 200) -> list[CodOffset]:
    """The account's offsets, newest first."""
    return list(db.session.scalars(
        select(CodOffset).where(CodOffset.account_id == account_id).order_by(CodOffset.id.desc()).limit(limit)
    ))
