"""The broker's administrators on carrier complaints, from their forms: forwarding by hand, the carrier's
requests and decisions for carriers outside the desk, a fee refund the carrier left to the broker, and the
compensation the seller received."""

from __future__ import annotations

import datetime as dt

from desk.extensions import db
from desk.models.complaint import Complaint, ComplaintState
from desk.services.complaints import carrier_flow, forms
from desk.services.complaints.corrections import InvoiceCorrections
from desk.services.complaints.errors import FormErrors, refuse_if_any
from desk.services.errors import N_, ConflictError

OUTCOMES = {
    "accepted": ComplaintState.ACCEPTED,
    "partly_accepted": ComplaintState.PARTLY_ACCEPTED,
    "rejected": ComplaintState.REJECTED,
}


def day(value: str, field: str) -> dt.date:
    """A date from a date field (YYYY-MM-DD), or FormErrors at `field`."""
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise FormErrors({field: (N_("Enter a date."), {})}) from None


def forward_manually(
    complaint: Complaint, values: dict[str, str], *, actor_id: int | None, now: dt.datetime
) -> Complaint:
    """The complaint was filed with the carrier outside the desk: the day the carrier received it."""
    received = day(values.get("received_on", ""), "received_on")
    reference, problem = forms.text(values.get("reference", ""), required=False, limit=64)
    refuse_if_any({"reference": problem} if problem else {})
    return carrier_flow.forward_manually(
        complaint, received_on=received, reference=reference, actor_id=actor_id, now=now
    )


def record_request(
    complaint: Complaint,
    values: dict[str, str],
    missing: list[str],
    *,
    actor_id: int | None,
    now: dt.datetime,
) -> Complaint:
    """The carrier's request for documents, as an administrator read it."""
    message, problem = forms.text(values.get("message", ""), required=True)
    refuse_if_any({"message": problem} if problem else {})
    return carrier_flow.record_request(
        complaint, message=message, missing=missing, actor_id=actor_id, now=now
    )


def decide(
    complaint: Complaint,
    values: dict[str, str],
    corrections_port: InvoiceCorrections,
    *,
    actor_id: int | None,
    now: dt.datetime,
) -> Complaint:
    """The carrier's decision as an administrator records it (carriers outside the desk)."""
    problems: dict[str, tuple[str, dict]] = {}
    outcome = OUTCOMES.get(values.get("outcome", ""))
    if outcome is None:
        problems["outcome"] = (N_("Choose one of the options."), {})
    compensation, problem = forms.amount(values.get("compensation", ""), required=False)
    if problem:
        problems["compensation"] = problem
    fee_refund, problem = forms.amount(values.get("fee_refund", ""), required=False)
    if problem:
        problems["fee_refund"] = problem
    reason, problem = forms.text(values.get("reason", ""), required=outcome is ComplaintState.REJECTED)
    if problem:
        problems["reason"] = problem
    refuse_if_any(problems)
    carrier_flow.record_decision(
        complaint,
        outcome,
        compensation=compensation,
        fee_refund=fee_refund,
        reason=reason,
        corrections_port=corrections_port,
        actor_id=actor_id,
        now=now,
    )
    db.session.commit()
    return complaint


def refund(
    complaint: Complaint,
    values: dict[str, str],
    corrections_port: InvoiceCorrections,
    *,
    actor_id: int | None,
    now: dt.datetime,
) -> Complaint:
    """Refund the part of the fee the carrier's decision left open (a late delivery accepted in part)."""
    if complaint.state not in (ComplaintState.ACCEPTED, ComplaintState.PARTLY_ACCEPTED):
        raise ConflictError(N_("Only an accepted complaint refunds the fee."))
    if complaint.refund_entry_id is not None:
        raise ConflictError(N_("The fee of this complaint has been refunded already."))
    amount, problem = forms.amount(values.get("amount", ""), required=True)
    if problem is None and amount is not None and amount <= 0:
        problem = (N_("Enter the amount."), {})
    refuse_if_any({"amount": problem} if problem else {})
    carrier_flow.refund(complaint, amount, corrections_port, actor_id=actor_id, now=now)
    db.session.commit()
    return complaint


def compensation_paid(
    complaint: Complaint, values: dict[str, str], *, actor_id: int | None, now: dt.datetime
) -> Complaint:
    """The day the carrier's compensation reached the seller's account."""
    paid_on = day(values.get("paid_on", ""), "paid_on")
    return carrier_flow.record_compensation_paid(complaint, paid_on=paid_on, actor_id=actor_id, now=now)
