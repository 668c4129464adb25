"""Carrier complaints with the carrier: forwarding (over the carrier's complaint port, or recorded by hand
where the carrier has none, as for Wysyłam z Allegro), reading the carrier's answers (the job), relaying its
request for documents to the seller and sending what the seller adds, recording its decision and money.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select

from desk.extensions import db
from desk.models.complaint import WITH_CARRIER, Complaint, ComplaintState, ComplaintType
from desk.services.complaints import corrections, filing, money, states
from desk.services.complaints.corrections import InvoiceCorrections
from desk.services.complaints.errors import FormErrors
from desk.services.errors import N_, ConflictError, DeskError, ValidationError
from desk.services.shared.workdays import warsaw_date
from integrations.carriers import CarrierError
from integrations.carriers.complaints import ComplaintOutcome, ComplaintPort, ComplaintStatus, DocumentKind

log = logging.getLogger(__name__)
PortFor = Callable[[str], ComplaintPort | None]  # the carrier's complaint port, None when it has none
API, MANUAL = "api", "manual"
DECISION_STATES = {
    ComplaintOutcome.ACCEPTED: ComplaintState.ACCEPTED,
    ComplaintOutcome.PARTLY_ACCEPTED: ComplaintState.PARTLY_ACCEPTED,
    ComplaintOutcome.REJECTED: ComplaintState.REJECTED,
}


class CarrierTrouble(DeskError):
    """The carrier could not be asked, or refused; nothing changed on the complaint."""


def forward(
    port_for: PortFor, complaint: Complaint, *, actor_id: int | None, now: dt.datetime, recheck: dt.timedelta
) -> Complaint:
    """File the complaint with its carrier over the carrier's port; CarrierTrouble when the carrier has no
    complaint interface (record the forwarding by hand) or cannot take it now."""
    _expect(complaint, ComplaintState.SUBMITTED)
    port = port_for(complaint.carrier)
    if port is None:
        raise CarrierTrouble(
            N_(
                "This carrier takes complaints only outside the desk (%(carrier)s): file it "
                "there and record it here by hand."
            ),
            carrier=complaint.carrier,
        )
    try:
        receipt = port.file_complaint(filing.filing_for(complaint))
    except CarrierError as exc:
        complaint.last_error = str(exc)[:2000]
        db.session.commit()
        raise CarrierTrouble(N_("The carrier did not take the complaint: %(error)s"), error=str(exc)) from exc
    complaint.carrier_complaint_id, complaint.carrier_received_at = receipt.complaint_id, receipt.received_at
    _forwarded(complaint, API, actor_id=actor_id, now=now, recheck=recheck)
    for file in complaint.files:
        file.sent_at = now
    db.session.commit()
    return complaint


def forward_manually(
    complaint: Complaint, *, received_on: dt.date, reference: str, actor_id: int | None, now: dt.datetime
) -> Complaint:
    """Record a complaint filed with the carrier outside the desk (its form, a letter): the day the carrier
    received it starts the 3-month clock."""
    _expect(complaint, ComplaintState.SUBMITTED)
    if received_on > warsaw_date(now) or (
        complaint.submitted_at and received_on < warsaw_date(complaint.submitted_at)
    ):
        raise FormErrors({"received_on": (N_("The carrier cannot have received it on that day."), {})})
    complaint.carrier_complaint_id = reference.strip()[:64] or None
    complaint.carrier_received_at = dt.datetime.combine(received_on, dt.time(12), tzinfo=dt.UTC)
    _forwarded(complaint, MANUAL, actor_id=actor_id, now=now, recheck=None)
    for file in complaint.files:  # the broker filed them with the complaint
        file.sent_at = now
    db.session.commit()
    return complaint


def _forwarded(
    complaint: Complaint,
    channel: str,
    *,
    actor_id: int | None,
    now: dt.datetime,
    recheck: dt.timedelta | None,
) -> None:
    complaint.forwarded_at, complaint.forward_channel, complaint.last_error = now, channel, None
    complaint.carrier_checked_at = now
    complaint.next_check_at = now + recheck if recheck is not None else None
    states.move(complaint, ComplaintState.FORWARDED, now=now, actor_id=actor_id, text=channel)


def _expect(complaint: Complaint, *allowed: ComplaintState) -> None:
    if complaint.type is not ComplaintType.CARRIER or complaint.state not in allowed:
        raise ConflictError(N_("The complaint cannot do that in its present state."))


# -- what the carrier says ------------------------------------------------------------------------------


def since_for(complaint: Complaint) -> dt.date:
    """The first day a new answer can be listed on: after the documents last sent, a day before the last
    look (answers may be listed late), never before the carrier received the complaint."""
    days = [warsaw_date(complaint.carrier_received_at or complaint.forwarded_at or complaint.created_at)]
    if complaint.carrier_checked_at:
        days.append(warsaw_date(complaint.carrier_checked_at) - dt.timedelta(days=1))
    sent_after = [
        f.sent_at
        for f in complaint.files
        if f.sent_at and complaint.documents_requested_at and f.sent_at > complaint.documents_requested_at
    ]
    if sent_after:
        days.append(warsaw_date(max(sent_after)) + dt.timedelta(days=1))
    return max(days)


def poll_due(
    port_for: PortFor,
    corrections_port: InvoiceCorrections,
    *,
    now: dt.datetime,
    recheck: dt.timedelta,
    limit: int = 100,
) -> dict[str, int]:
    """Ask the carriers about complaints whose turn has come; counts what happened."""
    due = db.session.scalars(
        select(Complaint.id)
        .where(
            Complaint.state.in_(WITH_CARRIER),
            Complaint.forward_channel == API,
            Complaint.next_check_at <= now,
        )
        .order_by(Complaint.next_check_at)
        .limit(limit)
    ).all()
    counts: Counter[str] = Counter()
    for complaint_id in due:
        counts[_poll_one(port_for, corrections_port, complaint_id, now=now, recheck=recheck)] += 1
    return dict(counts)


def _poll_one(
    port_for: PortFor,
    corrections_port: InvoiceCorrections,
    complaint_id: int,
    *,
    now: dt.datetime,
    recheck: dt.timedelta,
) -> str:
    complaint = db.session.get(Complaint, complaint_id, populate_existing=True)  # as it stands now
    port = port_for(complaint.carrier)
    if port is None or not complaint.carrier_complaint_id:
        complaint.next_check_at = None
        db.session.commit()
        return "no_port"
    try:
        status = port.complaint_status(complaint.carrier_complaint_id, since=since_for(complaint))
    except CarrierError as exc:
        complaint.last_error, complaint.next_check_at = str(exc)[:2000], now + recheck
        db.session.commit()
        log.info("complaint %s: the carrier could not be asked: %s", complaint.id, exc)
        return "error"
    try:
        outcome = apply_status(complaint, status, corrections_port, actor_id=None, now=now)
    except ConflictError:  # decided by hand meanwhile
        return "conflict"
    complaint.carrier_checked_at, complaint.last_error = now, None
    complaint.next_check_at = None if complaint.state not in WITH_CARRIER else now + recheck
    db.session.commit()
    return outcome


def apply_status(
    complaint: Complaint,
    status: ComplaintStatus,
    corrections_port: InvoiceCorrections,
    *,
    actor_id: int | None,
    now: dt.datetime,
) -> str:
    """What the carrier says, onto the complaint (flushes): a request for documents relayed to the seller, a
    decision with its money. Returns what happened (pending | documents | decided | unchanged)."""
    if status.outcome is ComplaintOutcome.NEED_DOCUMENTS:
        return _documents_requested(complaint, status.message, status.missing, actor_id=actor_id, now=now)
    if not status.decided:
        return "pending"
    state = DECISION_STATES[status.outcome]
    claimed = complaint.claimed_amount or Decimal("0.00")
    if state is ComplaintState.ACCEPTED and status.compensation is not None and status.compensation < claimed:
        state = ComplaintState.PARTLY_ACCEPTED  # the carrier pays less than was claimed
    record_decision(
        complaint,
        state,
        compensation=status.compensation,
        fee_refund=status.fee_refund,
        reason=status.message,
        corrections_port=corrections_port,
        actor_id=actor_id,
        now=now,
        decided_at=status.decided_at,
    )
    return "decided"


def _documents_requested(
    complaint: Complaint,
    message: str,
    missing: tuple[DocumentKind, ...],
    *,
    actor_id: int | None,
    now: dt.datetime,
) -> str:
    kinds = [kind.value for kind in missing]
    if complaint.state is ComplaintState.DOCUMENTS_REQUESTED:
        if (complaint.carrier_request, complaint.carrier_missing or []) == (message, kinds):
            return "unchanged"
        states.record(complaint, "carrier_request", now=now, actor_id=actor_id, text=message)
    else:
        states.move(
            complaint,
            ComplaintState.DOCUMENTS_REQUESTED,
            now=now,
            actor_id=actor_id,
            text=message,
            kind="carrier_request",
        )
    complaint.carrier_request, complaint.carrier_missing = message, kinds
    complaint.documents_requested_at = now
    return "documents"


def record_request(
    complaint: Complaint, *, message: str, missing: list[str], actor_id: int | None, now: dt.datetime
) -> Complaint:
    """An administrator records the carrier's request for documents (carriers outside the desk)."""
    _expect(complaint, ComplaintState.FORWARDED, ComplaintState.DOCUMENTS_REQUESTED)
    if not message.strip():
        raise FormErrors({"message": (N_("Write what the carrier asks for."), {})})
    kinds = tuple(DocumentKind(kind) for kind in missing if kind in DocumentKind._value2member_map_)
    _documents_requested(complaint, message.strip(), kinds, actor_id=actor_id, now=now)
    db.session.commit()
    return complaint


def record_decision(
    complaint: Complaint,
    state: ComplaintState,
    *,
    compensation: Decimal | None,
    fee_refund: Decimal | None,
    reason: str,
    corrections_port: InvoiceCorrections,
    actor_id: int | None,
    now: dt.datetime,
    decided_at: dt.datetime | None = None,
) -> None:
    """The carrier's decision (flushes): the state, the compensation (recorded, paid by the carrier to the
    seller's bank) and the fee refund on the seller's balance, once (ConflictError when decided already)."""
    _expect(complaint, *WITH_CARRIER)
    complaint.decided_at = decided_at or now
    complaint.decision_reason = reason
    complaint.compensation_amount = compensation if state is not ComplaintState.REJECTED else None
    complaint.carrier_request, complaint.carrier_missing = "", None
    states.move(complaint, state, now=now, actor_id=actor_id, text=reason, kind="decision")
    due = money.refund_due(complaint, fee_refund)
    if due is not None and due > 0:
        refund(complaint, due, corrections_port, actor_id=actor_id, now=now)


def refund(
    complaint: Complaint,
    amount: Decimal,
    corrections_port: InvoiceCorrections,
    *,
    actor_id: int | None,
    now: dt.datetime,
) -> None:
    """Credit the fee refund (once per complaint) and ask for its correction invoice (flushes)."""
    entry = money.refund_fee(complaint, amount, actor_id=actor_id)
    if entry is None:
        states.record(complaint, "refund", now=now, actor_id=actor_id, text="0.00")
        return
    states.record(complaint, "refund", now=now, actor_id=actor_id, text=f"{entry.amount:.2f}")
    corrections.request_for_refund(complaint, entry, corrections_port)


def send_documents(
    port_for: PortFor, complaint: Complaint, *, actor_id: int | None, now: dt.datetime, recheck: dt.timedelta
) -> Complaint:
    """The seller answers the carrier's request: the files added since are sent to the carrier (over its port;
    by the broker by hand for carriers outside the desk) and the complaint is back with the carrier."""
    _expect(complaint, ComplaintState.DOCUMENTS_REQUESTED)
    new = [file for file in complaint.files if file.sent_at is None]
    if not new:
        raise ValidationError(N_("Attach the documents the carrier asked for first."))
    if complaint.forward_channel == API:
        port = port_for(complaint.carrier)
        if port is None or not complaint.carrier_complaint_id:
            raise CarrierTrouble(N_("The carrier cannot be asked now; try again later."))
        try:
            port.add_complaint_documents(
                complaint.carrier_complaint_id, tuple(filing.document(f) for f in new)
            )
        except CarrierError as exc:
            complaint.last_error = str(exc)[:2000]
            db.session.commit()
            raise CarrierTrouble(
                N_("The carrier did not take the documents: %(error)s"), error=str(exc)
            ) from exc
        complaint.next_check_at = now + recheck
    for file in new:
        file.sent_at = now
    complaint.carrier_request, complaint.carrier_missing, complaint.last_error = "", None, None
    names = ", ".join(file.file_name for file in new)
    states.move(complaint, ComplaintState.FORWARDED, now=now, actor_id=actor_id, text=names, kind="documents")
    db.session.commit()
    return complaint


def record_compensation_paid(
    complaint: Complaint, *, paid_on: dt.date, actor_id: int | None, now: dt.datetime
) -> Complaint:
    """The carrier's compensation reached the seller's bank account (recorded; the ledger is not touched)."""
    if (
        complaint.state not in (ComplaintState.ACCEPTED, ComplaintState.PARTLY_ACCEPTED)
        or not complaint.compensation_amount
    ):
        raise ConflictError(N_("No compensation was granted on this complaint."))
    if paid_on > warsaw_date(now):
        raise FormErrors({"paid_on": (N_("The day cannot be in the future."), {})})
    complaint.compensation_paid_at = dt.datetime.combine(paid_on, dt.time(12), tzinfo=dt.UTC)
    states.record(complaint, "compensation_paid", now=now, actor_id=actor_id, text=paid_on.isoformat())
    db.session.commit()
    return complaint
