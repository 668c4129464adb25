"""Moving COD on without anybody clicking: delivered parcels' money is `collected` (from tracking), its
payout day is computed, received money becomes `due` on that day (or `withheld` while the account is
held), returned and cancelled parcels close; holds follow the accounts' dues.

Dates are Polish working days: the payout day is the tier-th working day counted from the day after
delivery (delivered on Wednesday 23 Dec 2026 with tier 1: Monday 28 Dec, as 24-27 Dec are days off).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, or_, select, update

from desk.extensions import db
from desk.models.cod import CodAccount, CodState, HoldSource, PayoutSink, ShipmentCod
from desk.models.shipment import Shipment, ShipmentEvent, ShipmentStatus
from desk.services.billing.cod import accounts, records
from desk.services.shared.workdays import add_working_days, warsaw_date

DELIVERED, RETURNED = "delivered", "returned"
GONE = (ShipmentStatus.FAILED, ShipmentStatus.CANCELLED)
HAS_MONEY = (CodState.COLLECTED, CodState.RECEIVED, CodState.DUE, CodState.WITHHELD)


def due_date(delivered_on: dt.date, tier: int) -> dt.date:
    """The payout day: the `tier`-th Polish working day counted from the day after delivery."""
    return add_working_days(delivered_on, tier)


def collect(record: ShipmentCod, delivered_at: dt.datetime, now: dt.datetime) -> None:
    """The carrier has the buyer's money: note when, and the payout day it gives (no commit)."""
    record.delivered_at = delivered_at
    if record.sink is PayoutSink.BANK_ACCOUNT:  # Allegro pays the wallet on its own terms
        record.due_on = due_date(warsaw_date(delivered_at), record.tier)
    if record.state is CodState.TO_COLLECT:
        record.state = CodState.COLLECTED
    record.updated_at = now


def follow_tracking(*, now: dt.datetime, limit: int = 1000) -> dict[str, int]:
    """COD still to collect whose parcel was delivered, returned, cancelled or refused, and waybills the
    carrier has given since; returns counts by what happened (commits)."""
    rows = db.session.execute(
        select(ShipmentCod, Shipment)
        .join(Shipment, Shipment.id == ShipmentCod.shipment_id)
        .where(ShipmentCod.state == CodState.TO_COLLECT)
        .where(
            or_(
                Shipment.tracking_state.in_((DELIVERED, RETURNED)),
                Shipment.status.in_(GONE),
                ShipmentCod.waybill.is_(None) & Shipment.tracking_next_at.is_not(None),
            )
        )
        .order_by(ShipmentCod.id)
        .limit(limit)
    ).all()
    counts: Counter[str] = Counter()
    for record, shipment in rows:
        if record.waybill is None and shipment.waybills:
            record.waybill = str(shipment.waybills[0])[:64]
            counts["waybills"] += 1
        if shipment.tracking_state == DELIVERED:
            collect(record, _delivered_at(shipment), now)
            counts["collected"] += 1
        elif shipment.tracking_state == RETURNED or shipment.status in GONE:
            record.state = CodState.RETURNED if shipment.tracking_state == RETURNED else CodState.CANCELLED
            record.closed_at = now
            counts[record.state.value] += 1
    db.session.commit()
    return dict(counts)


def _delivered_at(shipment: Shipment) -> dt.datetime:
    """When the carrier said it was delivered (the newest such event; else the newest event)."""
    at = db.session.scalar(
        select(func.max(ShipmentEvent.at)).where(
            ShipmentEvent.shipment_id == shipment.id, ShipmentEvent.state == DELIVERED
        )
    )
    return at or shipment.tracking_at or shipment.created_at


def promote_due(*, today: dt.date, now: dt.datetime) -> int:
    """Received money whose payout day has come becomes due (withheld for held accounts); commits."""
    held = select(CodAccount.account_id).where(CodAccount.held.is_(True))
    ready = (
        update(ShipmentCod)
        .where(ShipmentCod.state == CodState.RECEIVED, ShipmentCod.due_on <= today)
        .where(ShipmentCod.sink == PayoutSink.BANK_ACCOUNT)
        .execution_options(synchronize_session=False)
    )
    withheld = db.session.execute(
        ready.where(ShipmentCod.account_id.in_(held)).values(state=CodState.WITHHELD, updated_at=now)
    ).rowcount
    due = db.session.execute(
        ready.where(ShipmentCod.account_id.not_in(held)).values(state=CodState.DUE, updated_at=now)
    ).rowcount
    db.session.commit()
    return withheld + due


def refresh_holds(*, now: dt.datetime) -> dict[str, int]:
    """Hold the payouts of accounts with money waiting and unpaid dues; free those whose dues are paid."""
    with_money = select(ShipmentCod.account_id).where(ShipmentCod.state.in_(HAS_MONEY)).distinct()
    held_for_dues = select(CodAccount.account_id).where(
        CodAccount.held.is_(True), CodAccount.hold_source == HoldSource.DUES
    )
    account_ids = set(db.session.scalars(with_money)) | set(db.session.scalars(held_for_dues))
    counts: Counter[str] = Counter()
    for account_id in sorted(account_ids):
        counts["held" if accounts.refresh(account_id, now=now).held else "free"] += 1
    return dict(counts)


def run(*, now: dt.datetime) -> dict[str, int]:
    """The COD job: new records, tracking, holds, then what became due today."""
    counts: Counter[str] = Counter()
    counts["opened"] += records.open_missing(now=now)
    counts.update(follow_tracking(now=now))
    counts.update(refresh_holds(now=now))
    counts["due"] += promote_due(today=warsaw_date(now), now=now)
    return {key: value for key, value in counts.items() if value}
