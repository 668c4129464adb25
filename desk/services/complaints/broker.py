"""Complaints the broker answers itself: service complaints (about the desk and the broker) and invoice
complaints (dimensions, fees, payer data, description), each answered within 14 days with the answer kept;
and carrier complaints the broker finds unfounded, returned to the seller."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from desk.extensions import db
from desk.models.complaint import Complaint, ComplaintState, ComplaintType, InvoiceReason
from desk.services.complaints import checklist, clocks, corrections, files, forms, states
from desk.services.complaints.corrections import InvoiceCorrections
from desk.services.complaints.errors import FormErrors, refuse_if_any
from desk.services.complaints.files import FileLimits, Upload
from desk.services.errors import N_, ConflictError, NotFoundError, ValidationError

REASONS = tuple(reason.value for reason in InvoiceReason)
NEEDS_EVIDENCE = (InvoiceReason.DIMENSIONS, InvoiceReason.FEES)
POSTCODE = re.compile(r"^\d{2}-\d{3}$")


def _account(values: dict[str, str], account_ids: set[int] | None, problems: dict) -> int | None:
    raw = values.get("account_id", "")
    if not raw.isdigit() or (account_ids is not None and int(raw) not in account_ids):
        problems["account_id"] = (N_("Choose the seller account."), {})
        return None
    return int(raw)


def _new(account_id: int, kind: ComplaintType, *, actor_id: int | None, now: dt.datetime) -> Complaint:
    return Complaint(
        account_id=account_id,
        type=kind,
        state=ComplaintState.SUBMITTED,
        submitted_at=now,
        answer_due_on=clocks.answer_due_on(now),
        created_by=actor_id,
        created_at=now,
        updated_at=now,
    )


def file_service(
    values: dict[str, str], account_ids: set[int] | None, *, actor_id: int | None, now: dt.datetime
) -> Complaint:
    """A service complaint, with the broker at once (its 14-day answer clock starts now)."""
    problems: dict[str, tuple[str, dict]] = {}
    account_id = _account(values, account_ids, problems)
    subject, problem = forms.text(values.get("subject", ""), required=True, limit=forms.SUBJECT_MAX)
    if problem:
        problems["subject"] = problem
    description, problem = forms.text(values.get("description", ""), required=True)
    if problem:
        problems["description"] = problem
    refuse_if_any(problems)
    complaint = _new(account_id, ComplaintType.SERVICE, actor_id=actor_id, now=now)
    complaint.subject, complaint.description = subject, description
    db.session.add(complaint)
    db.session.flush()
    states.record(complaint, "created", now=now, actor_id=actor_id, new=ComplaintState.SUBMITTED)
    db.session.commit()
    return complaint


def _payer(values: dict[str, str], problems: dict) -> dict[str, str]:
    payer = {}
    for name, limit in (("company_name", 200), ("street", 120), ("city", 60)):
        payer[name], problem = forms.text(values.get(name, ""), required=True, limit=limit)
        if problem:
            problems[name] = problem
    payer["nip"], problem = forms.nip(values.get("nip", ""))
    if problem:
        problems["nip"] = problem
    payer["postcode"] = values.get("postcode", "").strip()
    if not POSTCODE.match(payer["postcode"]):
        problems["postcode"] = (N_("A postcode looks like 00-950."), {})
    return payer


def file_invoice(
    values: dict[str, str],
    uploads: list[Upload],
    account_ids: set[int] | None,
    *,
    limits: FileLimits,
    actor_id: int | None,
    now: dt.datetime,
) -> Complaint:
    """An invoice complaint with its evidence (required for dimensions and fees; corrected data for payer
    data); with the broker at once. Bad input raises FormErrors and nothing is written."""
    problems: dict[str, tuple[str, dict]] = {}
    account_id = _account(values, account_ids, problems)
    reason, problem = forms.choice(values.get("reason", ""), REASONS)
    if problem:
        problems["reason"] = problem
    number, problem = forms.text(values.get("invoice_number", ""), required=True, limit=64)
    if problem:
        problems["invoice_number"] = problem
    description, problem = forms.text(values.get("description", ""), required=True)
    if problem:
        problems["description"] = problem
    expected, problem = forms.amount(values.get("expected_amount", ""), required=False)
    if problem:
        problems["expected_amount"] = problem
    payer = _payer(values, problems) if reason == InvoiceReason.PAYER_DATA else None
    try:
        checked = files.check(uploads, limits=limits, doc_types=checklist.INVOICE_DOC_TYPES)
    except FormErrors as bad:
        problems.update(bad.fields)
        checked = []
    if reason in NEEDS_EVIDENCE and not checked and "files" not in problems:
        problems["files"] = (
            N_("Attach what shows the mistake (a photo of the parcel, the price list...)."),
            {},
        )
    refuse_if_any(problems)
    complaint = _new(account_id, ComplaintType.INVOICE, actor_id=actor_id, now=now)
    complaint.invoice_reason, complaint.invoice_number = InvoiceReason(reason), number
    complaint.subject, complaint.description = number, description
    complaint.expected_amount, complaint.corrected_payer = expected, payer
    db.session.add(complaint)
    db.session.flush()
    files.store(complaint, checked, agent_id=actor_id)
    states.record(complaint, "created", now=now, actor_id=actor_id, new=ComplaintState.SUBMITTED)
    db.session.commit()
    return complaint


def answer(
    complaint: Complaint,
    *,
    accepted: bool,
    text: str,
    amount: str,
    corrections_port: InvoiceCorrections,
    actor_id: int | None,
    now: dt.datetime,
    description: str = "",
) -> Complaint:
    """The broker's answer to a service or invoice complaint, kept with it. An accepted invoice complaint asks
    for its correction invoice (`amount`: what it gives back, default what the seller asked for;
    `description`: the service's right description, for a description complaint). A correction that cannot
    be issued (no such invoice, more than it holds) raises FormErrors and nothing is written."""
    if complaint.type not in (ComplaintType.SERVICE, ComplaintType.INVOICE):
        raise NotFoundError(N_("Complaint not found."))
    if complaint.state is not ComplaintState.SUBMITTED:
        raise ConflictError(N_("The complaint has been answered already."))
    problems: dict[str, tuple[str, dict]] = {}
    cleaned, problem = forms.text(text, required=True)
    if problem:
        problems["answer"] = (N_("Write the reason for the seller."), {}) if not accepted else problem
    refund = Decimal("0.00")
    if accepted and complaint.type is ComplaintType.INVOICE:
        given, problem = forms.amount(amount, required=False)
        if problem:
            problems["amount"] = problem
        refund = given if given is not None else (complaint.expected_amount or Decimal("0.00"))
        if complaint.invoice_reason is InvoiceReason.DESCRIPTION:
            complaint.corrected_description, problem = forms.text(description, required=not refund, limit=255)
            if problem:
                problems["description"] = problem
    refuse_if_any(problems)
    complaint.answer, complaint.answered_at, complaint.answered_by = cleaned, now, actor_id
    new = ComplaintState.ACCEPTED if accepted else ComplaintState.REJECTED
    states.move(complaint, new, now=now, actor_id=actor_id, text=cleaned, kind="answer")
    if accepted and complaint.type is ComplaintType.INVOICE:
        complaint.correction_amount = refund
        if corrections.needed(complaint):
            try:
                corrections.ask(complaint, corrections.invoice_request(complaint, refund), corrections_port)
            except ValidationError as refused:
                db.session.rollback()
                raise FormErrors({"amount": (refused.message, refused.params)}) from refused
    db.session.commit()
    return complaint


def return_unfounded(
    complaint: Complaint, *, reason: str, actor_id: int | None, now: dt.datetime
) -> Complaint:
    """Send a carrier complaint back to the seller as unfounded, with the reason. Once the seller has asked
    to forward it after all, it can only be forwarded."""
    if complaint.type is not ComplaintType.CARRIER or complaint.state is not ComplaintState.SUBMITTED:
        raise ConflictError(N_("The complaint cannot do that in its present state."))
    if complaint.forward_insisted_at is not None:
        raise ConflictError(N_("The seller asked to forward this complaint: forward it to the carrier."))
    cleaned, problem = forms.text(reason, required=True)
    if problem:
        raise FormErrors({"reason": (N_("Write why the complaint is unfounded."), {})})
    complaint.answer, complaint.returned_at, complaint.answered_by = cleaned, now, actor_id
    states.move(complaint, ComplaintState.RETURNED, now=now, actor_id=actor_id, text=cleaned)
    db.session.commit()
    return complaint
