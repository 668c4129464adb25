"""Data-subject requests: intake, the workflow's steps and the one-month clock.

received -> identity_checked -> scoped -> decided -> executed -> answered -> closed, or rejected (then
closed) at any step before execution. An extension (once, by one or two months, with a reason) puts the
request in `extended`; its work then goes on from the step it was at (`resume_state`). Every transition
writes a PrivacyEvent (ids and states only). Execution is in execution.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select

from desk.extensions import db
from desk.models.privacy_request import Decision, PrivacyRequest, RequestState, RequestType
from desk.services.errors import N_, ConflictError, NotFoundError, ValidationError
from desk.services.privacy import deadlines
from desk.services.privacy.audit import record_event
from desk.services.privacy.scoping import scope_buyer

S = RequestState
# which step may follow which (on the working state; an extension keeps it)
NEXT: dict[RequestState, tuple[RequestState, ...]] = {
    S.RECEIVED: (S.IDENTITY_CHECKED, S.REJECTED),
    S.IDENTITY_CHECKED: (S.SCOPED, S.REJECTED),
    S.SCOPED: (S.SCOPED, S.DECIDED, S.REJECTED),
    S.DECIDED: (S.EXECUTED, S.REJECTED),
    S.EXECUTED: (S.ANSWERED,),
    S.ANSWERED: (S.CLOSED,),
    S.REJECTED: (S.CLOSED,),
    S.CLOSED: (),
}
EXTENDABLE = (S.RECEIVED, S.IDENTITY_CHECKED, S.SCOPED, S.DECIDED)
CONTACT_KEEP_DAYS = 30
TEXT_MAX = 4000
DECISIONS = {
    RequestType.ERASURE: (Decision.ERASE, Decision.RESTRICT, Decision.REJECT),
    RequestType.RESTRICTION: (Decision.RESTRICT, Decision.REJECT),
}
DEFAULT_DECISIONS = (Decision.FULFIL, Decision.RESTRICT, Decision.REJECT)
REJECTION_REASON = N_("Give the reason for the rejection.")


@dataclass(frozen=True)
class Intake:
    type: RequestType
    buyer_allegro_id: str
    received_at: dt.datetime
    channel: str = "allegro"
    requester_name: str = ""
    requester_contact: str = ""
    details: str = ""


def create_request(intake: Intake, *, agent_id: int | None, now: dt.datetime) -> PrivacyRequest:
    """Record a request as received; its answer is due one month after it arrived. Commits."""
    buyer = intake.buyer_allegro_id.strip()
    if not buyer:
        raise ValidationError(N_("Give the buyer's Allegro id."))
    if intake.received_at > now:
        raise ValidationError(N_("The request cannot arrive in the future."))
    _check_length(intake.details, intake.requester_name, intake.requester_contact)
    due = deadlines.due_date(intake.received_at)
    request = PrivacyRequest(
        type=intake.type,
        state=S.RECEIVED,
        channel=intake.channel,
        buyer_allegro_id=buyer,
        requester_name=intake.requester_name.strip() or None,
        requester_contact=intake.requester_contact.strip() or None,
        details=intake.details.strip(),
        received_at=intake.received_at,
        due_on=due,
        first_due_on=due,
        created_by=agent_id,
        updated_at=now,
    )
    db.session.add(request)
    db.session.flush()
    record_event(
        "received",
        now=now,
        agent_id=agent_id,
        request_id=request.id,
        to_state=S.RECEIVED.value,
        info={"type": intake.type.value},
    )
    db.session.commit()
    return request


def _check_length(*texts: str) -> None:
    if any(len(text) > TEXT_MAX for text in texts):
        raise ValidationError(N_("The text is too long."))


def _required(text: str, missing: str) -> str:
    """The text stripped; `missing` (a message) when it is empty, a refusal when it is too long."""
    if not text.strip():
        raise ValidationError(missing)
    _check_length(text)
    return text.strip()


def _record_decision(request: PrivacyRequest, decision: Decision, reason: str, agent_id: int,
                     now: dt.datetime) -> None:
    request.decision, request.decision_reason = decision, reason
    request.decided_by, request.decided_at = agent_id, now


def get_request(request_id: int) -> PrivacyRequest:
    request = db.session.get(PrivacyRequest, request_id)
    if request is None:
        raise NotFoundError(N_("No such request."))
    return request


def move(
    request: PrivacyRequest,
    to: RequestState,
    *,
    agent_id: int | None,
    now: dt.datetime,
    action: str | None = None,
    info: dict | None = None,
) -> None:
    """Move to the next step if the workflow allows it and audit it (the caller commits)."""
    working = request.working_state
    if to not in NEXT[working]:
        raise ConflictError(N_("This step is not possible now."))
    record_event(
        action or to.value,
        now=now,
        agent_id=agent_id,
        request_id=request.id,
        from_state=request.state.value,
        to_state=to.value,
        info=info,
    )
    request.state, request.resume_state, request.updated_at = to, None, now


def check_identity(request_id: int, *, note: str, agent_id: int, now: dt.datetime) -> PrivacyRequest:
    """Record how the requester was matched to the buyer (Allegro login, order number...). Commits."""
    note = _required(note, N_("Say how the requester's identity was checked."))
    request = get_request(request_id)
    move(request, S.IDENTITY_CHECKED, agent_id=agent_id, now=now)
    request.identity_note = note
    db.session.commit()
    return request


def scope(
    request_id: int, *, account_ids: Collection[int], agent_id: int, now: dt.datetime
) -> PrivacyRequest:
    """Find the buyer's records on the accounts the owner sees: counts per table and holds. Commits."""
    request = get_request(request_id)
    if request.buyer_allegro_id is None:
        raise ConflictError(N_("This step is not possible now."))
    found = scope_buyer(account_ids=account_ids, buyer_allegro_id=request.buyer_allegro_id, now=now)
    move(
        request,
        S.SCOPED,
        agent_id=agent_id,
        now=now,
        info={"accounts": found["accounts"], "holds": len(found["holds"])},
    )
    request.account_ids, request.scope = sorted(account_ids), found
    db.session.commit()
    return request


def allowed_decisions(request: PrivacyRequest) -> tuple[Decision, ...]:
    return DECISIONS.get(request.type, DEFAULT_DECISIONS)


def decide(
    request_id: int, *, decision: Decision, reason: str, agent_id: int, now: dt.datetime
) -> PrivacyRequest:
    """The owner's decision; a rejection needs its reason and ends the work (answer, then close). Commits."""
    request = get_request(request_id)
    if decision not in allowed_decisions(request):
        raise ValidationError(N_("This decision does not fit the request."))
    if decision is Decision.REJECT:
        reason = _required(reason, REJECTION_REASON)
    _check_length(reason)
    to = S.REJECTED if decision is Decision.REJECT else S.DECIDED
    if request.working_state is not S.SCOPED:
        raise ConflictError(N_("This step is not possible now."))
    move(request, to, agent_id=agent_id, now=now, action="decided", info={"decision": decision.value})
    _record_decision(request, decision, reason.strip(), agent_id, now)
    db.session.commit()
    return request


def reject(request_id: int, *, reason: str, agent_id: int, now: dt.datetime) -> PrivacyRequest:
    """Reject the request (identity not confirmed, manifestly unfounded...) with the reason. Commits."""
    reason = _required(reason, REJECTION_REASON)
    request = get_request(request_id)
    move(request, S.REJECTED, agent_id=agent_id, now=now)
    _record_decision(request, Decision.REJECT, reason, agent_id, now)
    db.session.commit()
    return request


def answer(request_id: int, *, note: str, agent_id: int, now: dt.datetime) -> PrivacyRequest:
    """Record that the requester got the answer (and how). Commits."""
    _check_length(note)
    request = get_request(request_id)
    move(request, S.ANSWERED, agent_id=agent_id, now=now)
    request.answer_note, request.answered_at = note.strip(), now
    db.session.commit()
    return request


def close(request_id: int, *, agent_id: int, now: dt.datetime) -> PrivacyRequest:
    """Close an answered or rejected request; its contact data goes 30 days later. Commits."""
    request = get_request(request_id)
    move(request, S.CLOSED, agent_id=agent_id, now=now)
    request.closed_at = now
    db.session.commit()
    return request


def extend(request_id: int, *, months: int, reason: str, agent_id: int, now: dt.datetime) -> PrivacyRequest:
    """Move the due date by one or two months (once, with a reason, before the first month ends). Commits."""
    request = get_request(request_id)
    reason = _required(reason, N_("Give the reason for the extension."))
    if request.extended_at is not None or request.state not in EXTENDABLE:
        raise ConflictError(N_("The request cannot be extended now."))
    if deadlines.days_left(request.first_due_on, now) < 0:
        raise ConflictError(N_("The first month has passed: the request cannot be extended any more."))
    try:
        due = deadlines.extended_due_date(request.received_at, months)
    except ValueError:
        raise ValidationError(N_("An extension is one or two months.")) from None
    record_event(
        "extended",
        now=now,
        agent_id=agent_id,
        request_id=request.id,
        from_state=request.state.value,
        to_state=S.EXTENDED.value,
        info={"months": months},
    )
    request.resume_state, request.state = request.state, S.EXTENDED
    request.due_on, request.extension_reason, request.extended_at = due, reason, now
    request.updated_at = now
    db.session.commit()
    return request


def mark_requester_told(request_id: int, *, agent_id: int, now: dt.datetime) -> PrivacyRequest:
    """Record that the requester was told of the extension and why. Commits."""
    request = get_request(request_id)
    if request.extended_at is None or request.requester_told_at is not None:
        raise ConflictError(N_("This step is not possible now."))
    request.requester_told_at = now
    record_event("requester_told", now=now, agent_id=agent_id, request_id=request.id)
    db.session.commit()
    return request


def needs_telling(request: PrivacyRequest) -> bool:
    """Extended but the requester not told yet: a reminder until the first month ends."""
    return request.extended_at is not None and request.requester_told_at is None


def list_requests(*, open_only: bool = False) -> list[PrivacyRequest]:
    """Requests, the nearest due date first (open ones before closed ones)."""
    query = select(PrivacyRequest)
    if open_only:
        query = query.where(PrivacyRequest.state.not_in((S.CLOSED, S.REJECTED)))
    finished = PrivacyRequest.state.in_((S.CLOSED,))
    return list(db.session.scalars(query.order_by(finished, PrivacyRequest.due_on, PrivacyRequest.id)))


def purge_contacts(*, now: dt.datetime) -> int:
    """Delete the requester's and buyer's identifying data of requests closed 30+ days ago (the receipt
    keeps the pseudonym). Returns how many requests were purged. Commits."""
    cutoff = now - dt.timedelta(days=CONTACT_KEEP_DAYS)
    query = select(PrivacyRequest).where(
        PrivacyRequest.closed_at.is_not(None),
        PrivacyRequest.closed_at <= cutoff,
        PrivacyRequest.contact_purged_at.is_(None),
    )
    purged = 0
    for request in db.session.scalars(query):
        request.buyer_allegro_id = request.requester_name = request.requester_contact = None
        request.details = request.identity_note = ""
        request.contact_purged_at = now
        record_event("contact_purged", now=now, agent_id=None, request_id=request.id)
        purged += 1
    db.session.commit()
    return purged
