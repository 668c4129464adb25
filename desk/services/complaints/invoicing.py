"""Correction invoices for complaints, issued by billing's invoicing: the `InvoiceCorrections` seam's
implementation.

- An accepted invoice complaint corrects the invoice it names: lower by what it gives back (the
  complaint's parcel's line first), the payer's data, or a line's description. The correction posts its
  CORRECTION entry for the money.
- A fee refunded after a carrier complaint is already on the ledger: the correction of the invoice that
  charged the parcel's fee is the document only. When the fee has not been invoiced yet, the answer is
  "not issued yet" and the complaint's correction is asked again after the next invoice run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from desk.models.invoice import CorrectionReason, Invoice
from desk.services.billing import invoices
from desk.services.billing.invoices import CorrectionError, LineChange, Terms
from desk.services.complaints.corrections import CorrectionRequest, CorrectionResult
from desk.services.errors import N_

# the complaint's reason -> the correction's kind
REASONS = {
    "dimensions": CorrectionReason.DIMENSIONS,
    "fees": CorrectionReason.CHARGES,
    "payer_data": CorrectionReason.PAYER_DATA,
    "description": CorrectionReason.DESCRIPTION,
    "other": CorrectionReason.CHARGES,
    "carrier": CorrectionReason.CHARGES,
}
# PrzyczynaKorekty: the invoice is a Polish document whatever the desk's language
TEXTS = {
    "dimensions": "błędne wymiary lub waga przesyłki",
    "fees": "błędnie naliczone opłaty",
    "payer_data": "błędne dane nabywcy",
    "description": "błędny opis usługi",
    "other": "uznana reklamacja",
    "carrier": "zwrot opłaty po uznanej reklamacji przewozowej",
}


def reason_text(request: CorrectionRequest) -> str:
    """What the correction document gives as its reason: the complaint's number and its kind."""
    return f"Reklamacja nr {request.complaint_id}: {TEXTS.get(request.reason, TEXTS['other'])}"


@dataclass(frozen=True)
class BillingCorrections:
    """Issues complaints' corrections with `billing.invoices.correct_invoice`, once per request key."""

    terms: Callable[[], Terms]
    today: Callable[[], dt.date]

    def issue_correction(self, request: CorrectionRequest) -> CorrectionResult:
        """The correction the request asks for (the same key again: the first one). CorrectionError (a
        ValidationError) when it cannot be issued as asked; nothing is written then."""
        original = invoices.find_original(
            request.account_id, number=request.invoice_number, shipment_id=request.shipment_id
        )
        if original is None:
            if request.ledger_entry_id is not None:
                return CorrectionResult(issued=False)  # the fee is not invoiced yet: after the next run
            raise CorrectionError(
                N_("There is no invoice %(number)s on this account."), field="amount",
                number=request.invoice_number or "—",
            )
        reason = REASONS.get(request.reason, CorrectionReason.CHARGES)
        correction = invoices.correct_invoice(
            original.id, reason=reason, reason_text=reason_text(request), changes=_changes(original, request),
            key=request.key, today=self.today(), terms=self.terms(), account_ids={request.account_id},
            payer=request.corrected_payer if reason is CorrectionReason.PAYER_DATA else None,
            ledger_entry_id=request.ledger_entry_id,
        )
        return CorrectionResult(issued=True, reference=correction.number)


def _changes(original: Invoice, request: CorrectionRequest) -> list[LineChange]:
    changes = (
        invoices.lowered_by(original, request.refund_gross, shipment_id=request.shipment_id)
        if request.refund_gross > 0 else []
    )
    if request.corrected_description:
        changes = _with_description(original, changes, request)
    return changes


def _with_description(
    original: Invoice, changes: list[LineChange], request: CorrectionRequest
) -> list[LineChange]:
    """The right description on the complaint's parcel's line, or on the invoice's only line."""
    lines = [line for line in original.lines if line.shipment_id == request.shipment_id] or original.lines
    if len(lines) != 1:
        raise CorrectionError(
            N_("The invoice has %(count)d lines: correct the description on the invoice's page."),
            field="description", count=len(original.lines),
        )
    line_id = lines[0].id
    gross = next((change.gross for change in changes if change.line_id == line_id), None)
    others = [change for change in changes if change.line_id != line_id]
    return [*others, LineChange(line_id=line_id, gross=gross, description=request.corrected_description)]
