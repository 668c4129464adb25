"""How complaints move, and their history.

    service, invoice:  submitted -> accepted | rejected (the broker's answer, kept)
    carrier:           draft -> submitted -> forwarded <-> documents_requested -> accepted | partly | rejected
                       submitted -> returned (unfounded) -> submitted (the seller asks to forward it)

A move is a compare-and-set on the row (UPDATE ... WHERE state = the state it was read in): of two people or
workers moving one complaint at once, exactly one wins and the other gets ConflictError, on PostgreSQL and
SQLite alike. So a decision, and the money it moves, is recorded once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from desk.extensions import db
from desk.models.complaint import Complaint, ComplaintEvent, ComplaintState, ComplaintType
from desk.services.errors import N_, ConflictError, NotFoundError

S = ComplaintState
DECISIONS = (S.ACCEPTED, S.PARTLY_ACCEPTED, S.REJECTED)
MOVES: dict[tuple[ComplaintType, ComplaintState], tuple[ComplaintState, ...]] = {
    (ComplaintType.SERVICE, S.SUBMITTED): (S.ACCEPTED, S.REJECTED),
    (ComplaintType.INVOICE, S.SUBMITTED): (S.ACCEPTED, S.REJECTED),
    (ComplaintType.CARRIER, S.DRAFT): (S.SUBMITTED,),
    (ComplaintType.CARRIER, S.SUBMITTED): (S.RETURNED, S.FORWARDED),
    (ComplaintType.CARRIER, S.RETURNED): (S.SUBMITTED,),
    (ComplaintType.CARRIER, S.FORWARDED): (S.DOCUMENTS_REQUESTED, *DECISIONS),
    (ComplaintType.CARRIER, S.DOCUMENTS_REQUESTED): (S.FORWARDED, *DECISIONS),
}


def can_move(complaint: Complaint, new: ComplaintState) -> bool:
    """Whether the flow of the complaint's type allows the move from where it stands."""
    return new in MOVES.get((complaint.type, complaint.state), ())


def move(
    complaint: Complaint,
    new: ComplaintState,
    *,
    now: dt.datetime,
    actor_id: int | None,
    text: str = "",
    kind: str = "state",
) -> None:
    """Move the complaint (flushes, never commits); ConflictError when the flow does not allow it or
    somebody moved it first."""
    old = complaint.state
    if not can_move(complaint, new):
        raise ConflictError(N_("The complaint cannot do that in its present state."))
    moved = db.session.execute(
        update(Complaint)
        .where(Complaint.id == complaint.id, Complaint.state == old)
        .values(state=new, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        db.session.rollback()
        raise ConflictError(N_("Someone else changed the complaint meanwhile; look at it again."))
    complaint.state, complaint.updated_at = new, now
    record(complaint, kind, now=now, actor_id=actor_id, text=text, old=old, new=new)


def record(
    complaint: Complaint,
    kind: str,
    *,
    now: dt.datetime,
    actor_id: int | None,
    text: str = "",
    old: ComplaintState | None = None,
    new: ComplaintState | None = None,
) -> ComplaintEvent:
    """Add a line to the complaint's history (flushes)."""
    event = ComplaintEvent(
        complaint_id=complaint.id,
        at=now,
        actor_id=actor_id,
        kind=kind,
        text=text,
        old_state=old.value if old else None,
        new_state=new.value if new else None,
    )
    complaint.events.append(event)
    db.session.flush()
    return event


def find(complaint_id: int, account_ids: set[int] | None, *, lock: bool = False) -> Complaint:
    """The complaint, when the caller may see its account (`account_ids` None: every account)."""
    query = select(Complaint).where(Complaint.id == complaint_id)
    if account_ids is not None:
        query = query.where(Complaint.account_id.in_(sorted(account_ids) or [-1]))
    if lock:
        query = query.with_for_update()
    found = db.session.scalar(query)
    if found is None:
        raise NotFoundError(N_("Complaint not found."))
    return found
