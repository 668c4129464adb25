"""Unclaimed parcels the carrier brought back to the broker. The desk notices them from tracking (a parcel
whose journey ends `returned`), tells the seller at once (the notice on its pages) with 14 days to say what
to do, and records what was decided and when the broker did it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from desk.extensions import db
from desk.models.complaint import ParcelReturn, ReturnInstruction
from desk.models.shipment import Shipment
from desk.services.complaints import clocks, forms
from desk.services.complaints.errors import refuse_if_any
from desk.services.errors import N_, ConflictError, NotFoundError
from desk.services.shared.workdays import warsaw_date
from integrations.carriers import TrackingState

INSTRUCTIONS = tuple(item.value for item in ReturnInstruction)


def record(shipment: Shipment, *, returned_at: dt.datetime, now: dt.datetime) -> ParcelReturn:
    """The parcel is back (once per shipment); the seller is notified now (flushes)."""
    found = db.session.scalar(select(ParcelReturn).where(ParcelReturn.shipment_id == shipment.id))
    if found is not None:
        return found
    parcel = ParcelReturn(
        account_id=shipment.account_id,
        shipment_id=shipment.id,
        order_id=shipment.order_id,
        returned_at=returned_at,
        notified_at=now,
        instructions_due_on=clocks.return_instructions_due_on(returned_at),
        created_at=now,
    )
    db.session.add(parcel)
    db.session.flush()
    return parcel


def detect(*, now: dt.datetime, limit: int = 200) -> dict[str, int]:
    """Record the parcels whose tracking says they came back and that have no return yet."""
    found = db.session.scalars(
        select(Shipment)
        .where(Shipment.tracking_state == TrackingState.RETURNED.value)
        .where(~select(ParcelReturn.id).where(ParcelReturn.shipment_id == Shipment.id).exists())
        .order_by(Shipment.id)
        .limit(limit)
    ).all()
    for shipment in found:
        record(shipment, returned_at=shipment.tracking_at or now, now=now)
    db.session.commit()
    return {"returned": len(found)} if found else {}


def find(return_id: int, account_ids: set[int] | None) -> ParcelReturn:
    parcel = db.session.get(ParcelReturn, return_id)
    if parcel is None or (account_ids is not None and parcel.account_id not in account_ids):
        raise NotFoundError(N_("Returned parcel not found."))
    return parcel


def instruct(
    return_id: int,
    account_ids: set[int] | None,
    values: dict[str, str],
    *,
    actor_id: int | None,
    now: dt.datetime,
) -> ParcelReturn:
    """What to do with the parcel (the seller's instruction, or the broker's decision after the 14 days)."""
    parcel = find(return_id, account_ids)
    if parcel.handled_at is not None:
        raise ConflictError(N_("The broker has already done what was decided."))
    problems: dict[str, tuple[str, dict]] = {}
    decision, problem = forms.choice(values.get("decision", ""), INSTRUCTIONS)
    if problem:
        problems["decision"] = problem
    note, problem = forms.text(
        values.get("note", ""), required=decision == ReturnInstruction.RESEND, limit=1000
    )
    if problem:
        problems["note"] = (N_("Write where and how to send it."), {}) if decision == "resend" else problem
    refuse_if_any(problems)
    parcel.decision, parcel.decision_note = ReturnInstruction(decision), note
    parcel.decided_at, parcel.decided_by = now, actor_id
    db.session.commit()
    return parcel


def handled(return_id: int, *, actor_id: int | None, now: dt.datetime) -> ParcelReturn:
    """The broker did what was decided."""
    parcel = find(return_id, None)
    if parcel.decision is None:
        raise ConflictError(N_("Nothing has been decided for this parcel yet."))
    if parcel.handled_at is None:
        parcel.handled_at, parcel.handled_by = now, actor_id
        db.session.commit()
    return parcel


def returns(
    account_ids: set[int] | None, *, open_only: bool = False, order_id: int | None = None, limit: int = 200
) -> list[ParcelReturn]:
    """Returned parcels the caller may see, the ones still waiting first."""
    query = select(ParcelReturn).order_by(
        ParcelReturn.handled_at.is_not(None), ParcelReturn.instructions_due_on
    )
    if account_ids is not None:
        query = query.where(ParcelReturn.account_id.in_(sorted(account_ids) or [-1]))
    if open_only:
        query = query.where(ParcelReturn.handled_at.is_(None))
    if order_id is not None:
        query = query.where(ParcelReturn.order_id == order_id)
    return list(db.session.scalars(query.limit(limit)))


def waiting_count(account_ids: set[int] | None) -> int:
    """Returned parcels nobody has said what to do with yet."""
    query = select(func.count(ParcelReturn.id)).where(ParcelReturn.decision.is_(None))
    if account_ids is not None:
        query = query.where(ParcelReturn.account_id.in_(sorted(account_ids) or [-1]))
    return db.session.scalar(query)


def overdue(parcel: ParcelReturn, now: dt.datetime) -> bool:
    """The 14 days ran out without a decision."""
    return parcel.decision is None and warsaw_date(now) > parcel.instructions_due_on
