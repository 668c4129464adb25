"""Carrier complaints on the seller's side: a draft prefilled from the parcel, its files and checklist,
sending it to the broker, asking to forward one the broker returned, and answering the carrier's request
for documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from desk.extensions import db
from desk.models.complaint import CarrierKind, Complaint, ComplaintState, ComplaintType
from desk.services.complaints import bank, checklist, clocks, files, forms, prefill, states
from desk.services.complaints.errors import FormErrors, refuse_if_any
from desk.services.complaints.files import FileLimits, Upload
from desk.services.errors import N_, ConflictError, NotFoundError
from desk.services.shared.workdays import warsaw_date
from integrations.carriers.complaints import DocumentKind

KINDS = tuple(kind.value for kind in CarrierKind)
EDITABLE = (ComplaintState.DRAFT, ComplaintState.RETURNED)
ADDING_FILES = (
    ComplaintState.DRAFT,
    ComplaintState.SUBMITTED,
    ComplaintState.RETURNED,
    ComplaintState.FORWARDED,
    ComplaintState.DOCUMENTS_REQUESTED,
)


@dataclass(frozen=True)
class CarrierForm:
    """A carrier complaint as the seller filled it in (read and checked)."""

    kind: CarrierKind
    description: str
    claimed_amount: Any  # Decimal | None
    damage_report_made: bool
    account: bank.BankAccount
    account_holder: str
    issue_id: int | None


def read_form(values: dict[str, str], *, order_id: int | None, account_id: int) -> CarrierForm:
    """The form's values checked, or FormErrors with a message per field (nothing is written)."""
    problems: dict[str, tuple[str, dict]] = {}
    kind, problem = forms.choice(values.get("kind", ""), KINDS)
    if problem:
        problems["kind"] = problem
    description, problem = forms.text(values.get("description", ""), required=True)
    if problem:
        problems["description"] = problem
    goods = kind in (CarrierKind.LOSS, CarrierKind.DAMAGE, CarrierKind.SHORTAGE)
    claimed, problem = forms.amount(values.get("claimed_amount", ""), required=goods)
    if problem:
        problems["claimed_amount"] = problem
    elif goods and claimed is not None and claimed <= 0:
        problems["claimed_amount"] = (N_("Enter what the goods were worth."), {})
    account, problem = bank.read_iban(values.get("iban", ""))
    if problem:
        problems["iban"] = problem
    holder, problem = forms.text(values.get("account_holder", ""), required=True, limit=200)
    if problem:
        problems["account_holder"] = problem
    issue_id = _issue(values.get("issue_id", ""), order_id, account_id, problems)
    refuse_if_any(problems)
    return CarrierForm(
        CarrierKind(kind),
        description,
        claimed,
        values.get("damage_report_made") == "1",
        account,
        holder,
        issue_id,
    )


def _issue(value: str, order_id: int | None, account_id: int, problems: dict) -> int | None:
    if not value:
        return None
    allowed = {issue.id for issue in prefill.conversations_of(order_id, account_id)}
    if not value.isdigit() or int(value) not in allowed:
        problems["issue_id"] = (N_("Choose a conversation about this order."), {})
        return None
    return int(value)


def start(
    shipment_id: int,
    account_ids: set[int] | None,
    values: dict[str, str],
    uploads: list[Upload],
    *,
    limits: FileLimits,
    actor_id: int | None,
    now: dt.datetime,
    submit: bool,
) -> Complaint:
    """A carrier complaint about the parcel, prefilled from it (the label as the transport document), with
    the seller's data and files; sent to the broker at once when `submit` (its checklist must be complete).
    Bad input raises FormErrors and nothing is written."""
    shipment = prefill.shipment_for(shipment_id, account_ids)
    facts = prefill.parcel_facts(shipment)
    form = read_form(values, order_id=facts.order_id, account_id=facts.account_id)
    checked = files.check(uploads, limits=limits, doc_types=checklist.CARRIER_DOC_TYPES)
    complaint = Complaint(
        account_id=facts.account_id,
        type=ComplaintType.CARRIER,
        state=ComplaintState.DRAFT,
        order_id=facts.order_id,
        shipment_id=facts.shipment_id,
        carrier=facts.carrier,
        waybill=facts.waybill,
        posted_at=facts.posted_at,
        delivered_at=facts.delivered_at,
        parcel_value=facts.value,
        cod_amount=facts.cod_amount,
        fee_gross=facts.fee,
        created_by=actor_id,
        created_at=now,
        updated_at=now,
    )
    _apply(complaint, form)
    db.session.add(complaint)
    db.session.flush()
    label = prefill.transport_document(shipment)
    if label is not None and not any(
        u.doc_type == DocumentKind.TRANSPORT_DOCUMENT.value for u, _k in checked
    ):
        checked.append((Upload(label[0], label[1], DocumentKind.TRANSPORT_DOCUMENT.value), "application/pdf"))
    files.store(complaint, checked, agent_id=actor_id)
    states.record(complaint, "created", now=now, actor_id=actor_id, new=ComplaintState.DRAFT)
    if submit:
        _submit(complaint, actor_id=actor_id, now=now)
    db.session.commit()
    return complaint


def _apply(complaint: Complaint, form: CarrierForm) -> None:
    complaint.carrier_kind = form.kind
    complaint.subject = f"{form.kind.value} {complaint.waybill}".strip()
    complaint.description = form.description
    complaint.claimed_amount = form.claimed_amount
    complaint.damage_report_made = form.damage_report_made and form.kind in checklist.HARMED
    complaint.iban, complaint.bank_name = form.account.iban, form.account.bank_name
    complaint.account_holder = form.account_holder
    complaint.issue_id = form.issue_id


def update(
    complaint_id: int,
    account_ids: set[int] | None,
    values: dict[str, str],
    *,
    actor_id: int | None,
    now: dt.datetime,
    submit: bool,
) -> Complaint:
    """Change a draft (or a complaint the broker returned) and, with `submit`, send it (again)."""
    complaint = _carrier(complaint_id, account_ids)
    if complaint.state not in EDITABLE:
        raise ConflictError(N_("The complaint can no longer be changed."))
    form = read_form(values, order_id=complaint.order_id, account_id=complaint.account_id)
    _apply(complaint, form)
    complaint.updated_at = now
    states.record(complaint, "edited", now=now, actor_id=actor_id)
    if submit:
        _submit(complaint, actor_id=actor_id, now=now)
    db.session.commit()
    return complaint


def _submit(complaint: Complaint, *, actor_id: int | None, now: dt.datetime) -> None:
    missing = checklist.missing(complaint)
    if missing:
        db.session.rollback()
        first = missing[0]
        raise FormErrors({"checklist": (N_("Still missing: %(item)s."), {"item": first.label})})
    insisted = complaint.state is ComplaintState.RETURNED
    complaint.submitted_at = now
    if insisted:
        complaint.forward_insisted_at = now
    text = "insisted" if insisted else ""
    states.move(complaint, ComplaintState.SUBMITTED, now=now, actor_id=actor_id, text=text)


def submit(
    complaint_id: int, account_ids: set[int] | None, *, actor_id: int | None, now: dt.datetime
) -> Complaint:
    """Send a draft to the broker (refused while its checklist misses a required document); a complaint the
    broker returned as unfounded goes back with the seller's request to forward it anyway."""
    complaint = _carrier(complaint_id, account_ids)
    if complaint.state not in EDITABLE:
        raise ConflictError(N_("The complaint is already with the broker."))
    _submit(complaint, actor_id=actor_id, now=now)
    db.session.commit()
    return complaint


def add_files(
    complaint_id: int,
    account_ids: set[int] | None,
    uploads: list[Upload],
    *,
    limits: FileLimits,
    actor_id: int | None,
    now: dt.datetime,
) -> Complaint:
    """Attach further files to an open complaint (nothing is stored when one of them is refused)."""
    complaint = states.find(complaint_id, account_ids)
    if complaint.state not in ADDING_FILES:
        raise ConflictError(N_("A decided complaint takes no more files."))
    types = (
        checklist.CARRIER_DOC_TYPES
        if complaint.type is ComplaintType.CARRIER
        else checklist.INVOICE_DOC_TYPES
    )
    checked = files.check(uploads, limits=limits, doc_types=types, already=files.count(complaint.id))
    if not checked:
        raise FormErrors({"files": (N_("Choose a file to attach."), {})})
    stored = files.store(complaint, checked, agent_id=actor_id)
    names = ", ".join(file.file_name for file in stored)
    states.record(complaint, "files", now=now, actor_id=actor_id, text=names)
    complaint.updated_at = now
    db.session.commit()
    return complaint


def link_issue(
    complaint_id: int, account_ids: set[int] | None, issue_id: str, *, actor_id: int | None, now: dt.datetime
) -> Complaint:
    """Link the complaint to the buyer's claim or conversation about the same order (empty: unlink), at any
    time; the conversation's panel then shows the complaint."""
    complaint = _carrier(complaint_id, account_ids)
    problems: dict[str, tuple[str, dict]] = {}
    found = _issue(issue_id, complaint.order_id, complaint.account_id, problems)
    refuse_if_any(problems)
    if found != complaint.issue_id:
        complaint.issue_id, complaint.updated_at = found, now
        states.record(complaint, "linked", now=now, actor_id=actor_id)
        db.session.commit()
    return complaint


def _carrier(complaint_id: int, account_ids: set[int] | None) -> Complaint:
    complaint = states.find(complaint_id, account_ids)
    if complaint.type is not ComplaintType.CARRIER:
        raise NotFoundError(N_("Complaint not found."))
    return complaint


def filing_term(complaint: Complaint) -> clocks.FilingTerm:
    """The filing term of the complaint's kind (clocks.filing_term)."""
    return clocks.filing_term(
        complaint.carrier_kind or CarrierKind.DAMAGE,
        posted_at=complaint.posted_at,
        delivered_at=complaint.delivered_at,
        damage_report_made=complaint.damage_report_made,
    )


def filed_late(complaint: Complaint) -> bool:
    """Whether the seller wrote to the broker after the kind's filing term (shown, never refused)."""
    term = filing_term(complaint)
    moment = complaint.submitted_at or complaint.created_at
    return term.due_on is not None and moment is not None and warsaw_date(moment) > term.due_on
