"""The seam to VAT correction invoices (faktury korygujące), which the invoicing part of billing issues.

Complaints never build invoices: an accepted invoice complaint, and a fee refunded after a carrier complaint,
ask `InvoiceCorrections.issue_correction(CorrectionRequest)` for the correction document. The implementation
over billing's invoices is `desk.services.complaints.invoicing.BillingCorrections` (wired in
desk/wiring/complaints.py). A correction that cannot be issued yet (a fee refunded before its charge was
invoiced) answers "not issued yet": the complaint keeps `correction_state = "pending"` and `retry_pending`
asks again later with the same key, so each correction is issued exactly once.

The contract an implementation keeps:
- `request.key` is unique per correction ("complaint:<id>:correction"); the same key again returns the first
  document and writes nothing;
- `refund_gross` is what the seller is given back (gross PLN, > 0), or 0.00 for a correction of data only
  (payer data, description);
- `ledger_entry_id` set: the money is already on the seller's ledger (a fee refund): issue the document only;
  None with `refund_gross` > 0: post the CORRECTION credit with the document (key = `request.key`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from sqlalchemy import select

from desk.extensions import db
from desk.models.billing import LedgerEntry
from desk.models.complaint import Complaint, InvoiceReason
from desk.services.errors import ValidationError

PENDING, ISSUED = "pending", "issued"


@dataclass(frozen=True)
class CorrectionRequest:
    """What is to be corrected on which invoice, and why."""

    key: str
    account_id: int
    complaint_id: int
    invoice_number: str  # the invoice complained about ("" when the complaint named none: a fee refund)
    shipment_id: int | None
    reason: str  # the complaint's reason code (dimensions, fees, payer_data, description, other, carrier)
    description: str
    refund_gross: Decimal
    ledger_entry_id: int | None = None
    corrected_payer: dict | None = None  # {company_name, nip, street, postcode, city} for payer data
    corrected_description: str = ""  # the service's right description (description complaints)


@dataclass(frozen=True)
class CorrectionResult:
    """`issued` with the correction invoice's number, or not issued yet (retried later)."""

    issued: bool
    reference: str = ""


class InvoiceCorrections(Protocol):
    """The invoicing module's side of the seam."""

    def issue_correction(self, request: CorrectionRequest) -> CorrectionResult:
        """Issue (once per key) the correction invoice the request asks for."""
        ...


class PendingCorrections:
    """Issues nothing: every request stays pending (a desk without invoicing; tests of the pending path)."""

    def issue_correction(self, request: CorrectionRequest) -> CorrectionResult:
        return CorrectionResult(issued=False)


# -- asking for corrections ------------------------------------------------------------------------------


def correction_key(complaint_id: int) -> str:
    return f"complaint:{complaint_id}:correction"


def ask(complaint: Complaint, request: CorrectionRequest, port: InvoiceCorrections) -> CorrectionResult:
    """Ask the seam and keep its answer on the complaint (flushes)."""
    result = port.issue_correction(request)
    complaint.correction_state = ISSUED if result.issued else PENDING
    complaint.correction_ref = result.reference[:64] if result.issued else ""
    db.session.flush()
    return result


def request_for_refund(
    complaint: Complaint, entry: LedgerEntry, port: InvoiceCorrections
) -> CorrectionResult:
    """The correction invoice of a fee refunded after a carrier complaint (the money is on the ledger)."""
    return ask(complaint, refund_request(complaint, entry), port)


def refund_request(complaint: Complaint, entry: LedgerEntry) -> CorrectionRequest:
    return CorrectionRequest(
        key=correction_key(complaint.id),
        account_id=complaint.account_id,
        complaint_id=complaint.id,
        invoice_number=complaint.invoice_number,
        shipment_id=complaint.shipment_id,
        reason="carrier",
        description=complaint.decision_reason or complaint.description,
        refund_gross=entry.amount,
        ledger_entry_id=entry.id,
    )


def invoice_request(complaint: Complaint, refund_gross: Decimal) -> CorrectionRequest:
    """The correction an accepted invoice complaint asks for (the invoicing module posts its money)."""
    return CorrectionRequest(
        key=correction_key(complaint.id),
        account_id=complaint.account_id,
        complaint_id=complaint.id,
        invoice_number=complaint.invoice_number,
        shipment_id=complaint.shipment_id,
        reason=complaint.invoice_reason.value if complaint.invoice_reason else "other",
        description=complaint.answer or complaint.description,
        refund_gross=refund_gross,
        corrected_payer=complaint.corrected_payer,
        corrected_description=complaint.corrected_description,
    )


def needed(complaint: Complaint) -> bool:
    """Whether an accepted invoice complaint changes the invoice: money, the payer or the description (an
    accepted "other" complaint that gives nothing back needs no document)."""
    return bool(
        complaint.correction_amount
        or complaint.invoice_reason in (InvoiceReason.PAYER_DATA, InvoiceReason.DESCRIPTION)
    )


def request_again(complaint: Complaint) -> CorrectionRequest:
    """The request a pending correction was asked with (rebuilt from the complaint: same key)."""
    if complaint.refund_entry_id is not None:
        return refund_request(complaint, db.session.get(LedgerEntry, complaint.refund_entry_id))
    return invoice_request(complaint, complaint.correction_amount or Decimal("0.00"))


def retry_pending(port: InvoiceCorrections, *, limit: int = 100) -> dict[str, int]:
    """Ask again for the corrections still pending (after invoices are wired in); each once by its key."""
    pending = db.session.scalars(
        select(Complaint).where(Complaint.correction_state == PENDING).order_by(Complaint.id).limit(limit)
    ).all()
    issued = 0
    for complaint in pending:
        try:
            issued += ask(complaint, request_again(complaint), port).issued
        except ValidationError:
            db.session.rollback()  # cannot be issued as asked (e.g. the invoice was corrected by hand): later
            continue
        db.session.commit()
    return {"pending": len(pending) - issued, "issued": issued} if pending else {}
