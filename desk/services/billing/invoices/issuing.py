"""Issuing one invoice: number, snapshots, lines and payment terms in one commit.

Every issue is keyed (`Invoice.issue_key`): the same key again returns the invoice issued before and
writes nothing, whether it comes from a rerun job, a retried request or a second worker at the same
moment (the unique key or the unique ledger entry of a line refuses the duplicate; its number is given
back by the rollback).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models.billing import PaymentMode
from desk.models.invoice import (
    CorrectionReason,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceState,
    NettedEntry,
)
from desk.services.billing.invoices import numbering
from desk.services.billing.invoices.amounts import NOTHING, VAT_RATE, ZERO, Figures, total
from desk.services.billing.invoices.parties import Seller, buyer_snapshot
from desk.services.billing.ledger import grosze, profile
from desk.services.errors import N_, ConflictError

BALANCE_REFERENCE = "saldo"  # a prepaid account's invoice is paid from its balance at issue


@dataclass(frozen=True)
class Terms:
    """What the settings decide about every invoice (desk.wiring builds it)."""

    seller: Seller
    payment_days: int = 7  # invoice-mode accounts pay by transfer within this many days
    block_after_days: int = 5  # ... and cannot order shipments once this many days overdue


@dataclass(frozen=True)
class LineDraft:
    """A line to issue; a correction line also names the line it corrects and its figures before."""

    description: str
    figures: Figures
    entry_id: int | None = None
    shipment_id: int | None = None
    quantity: int = 1
    corrects_line_id: int | None = None
    before: Figures | None = None
    before_description: str | None = None


@dataclass(frozen=True)
class Draft:
    """An invoice to issue for one account."""

    account_id: int
    key: str
    issue_date: dt.date
    lines: Sequence[LineDraft]
    sale_date: dt.date | None = None
    period: tuple[dt.date, dt.date] | None = None
    corrects: Invoice | None = None
    reason: CorrectionReason | None = None
    reason_text: str = ""
    buyer: dict | None = None  # a correction keeps the original's buyer unless the payer data is corrected
    created_by: int | None = None
    ledger_entry_id: int | None = None
    netted: Sequence[tuple[int, int | None]] = ()  # refunds settled on this invoice (entry, against)


def by_key(key: str) -> Invoice | None:
    """The invoice issued under `key`, if any."""
    return db.session.scalar(select(Invoice).where(Invoice.issue_key == key))


def issue(draft: Draft, terms: Terms, *, commit: bool = True) -> Invoice:
    """Issue the draft (numbered, snapshotted, with its payment terms) and commit it.

    Returns the existing invoice when the key was issued before. Raises BuyerDataError when the account's
    billing data cannot go on an invoice, ConflictError when a line's entry was invoiced by another key.
    """
    existing = by_key(draft.key)
    if existing is not None:
        return existing
    account = profile(draft.account_id)
    buyer = draft.buyer or buyer_snapshot(account)
    correction = draft.corrects is not None
    series = numbering.CORRECTION_SERIES if correction else numbering.VAT_SERIES
    seq, number = numbering.take_number(series, draft.issue_date)
    sums = total(line.figures - (line.before or NOTHING) for line in draft.lines)
    invoice = Invoice(
        account_id=draft.account_id, kind=InvoiceKind.CORRECTION if correction else InvoiceKind.VAT,
        series=series, year=draft.issue_date.year, month=draft.issue_date.month, seq=seq, number=number,
        issue_key=draft.key, issue_date=draft.issue_date, sale_date=draft.sale_date,
        period_start=draft.period[0] if draft.period else None,
        period_end=draft.period[1] if draft.period else None,
        seller=terms.seller.snapshot(), buyer=buyer, net=sums.net, vat=sums.vat, gross=sums.gross,
        corrects_id=draft.corrects.id if correction else None, correction_reason=draft.reason,
        correction_text=draft.reason_text, ledger_entry_id=draft.ledger_entry_id,
        created_by=draft.created_by,
    )
    _payment_terms(invoice, account.payment_mode, terms)
    db.session.add(invoice)
    db.session.flush()
    if draft.lines:  # one multi-row INSERT however many lines (a period's invoice has hundreds)
        rows = [_line(invoice.id, position, line) for position, line in enumerate(draft.lines, start=1)]
        db.session.execute(insert(InvoiceLine), rows)
    db.session.add_all(NettedEntry(entry_id=entry, against_id=against) for entry, against in draft.netted)
    if correction:
        _settle_original(draft.corrects, invoice)
    if not commit:
        db.session.flush()
        return invoice
    return commit_issued(invoice, draft.key)


def commit_issued(invoice: Invoice, key: str) -> Invoice:
    """Commit an issued invoice; a duplicate (same key, or an entry invoiced meanwhile) rolls back."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        found = by_key(key)
        if found is None:
            raise ConflictError(N_("An entry of this invoice has been invoiced already.")) from None
        return found
    return invoice


def _line(invoice_id: int, position: int, line: LineDraft) -> dict:
    figures = line.figures
    before = line.before
    return {
        "invoice_id": invoice_id, "position": position, "entry_id": line.entry_id,
        "shipment_id": line.shipment_id, "description": line.description[:512], "quantity": line.quantity,
        "unit_net": figures.net if line.quantity == 1 else grosze(figures.net / line.quantity),
        "vat_rate": VAT_RATE, "net": figures.net, "vat": figures.vat, "gross": figures.gross,
        "corrects_line_id": line.corrects_line_id, "before_description": line.before_description,
        "before_net": before.net if before else None, "before_vat": before.vat if before else None,
        "before_gross": before.gross if before else None,
    }


def _payment_terms(invoice: Invoice, mode: PaymentMode, terms: Terms) -> None:
    """Prepaid accounts paid from the balance when charged; invoice-mode accounts pay by transfer. A
    correction that lowers the amount owes nothing."""
    if mode is PaymentMode.PREPAID or invoice.gross <= 0:
        invoice.payment_days = 0
        invoice.due_date = invoice.issue_date
        invoice.state = InvoiceState.PAID
        invoice.paid_amount = max(invoice.gross, 0)
        invoice.paid_at = invoice.issue_date
        invoice.payment_reference = BALANCE_REFERENCE if mode is PaymentMode.PREPAID else ""
    else:
        invoice.payment_days = terms.payment_days
        invoice.due_date = invoice.issue_date + dt.timedelta(days=terms.payment_days)
        invoice.state = InvoiceState.ISSUED
    invoice.block_after = invoice.due_date + dt.timedelta(days=terms.block_after_days)


def _settle_original(original: Invoice, correction: Invoice) -> None:
    """A correction lowering an unpaid invoice lowers what is due on it; nothing left due: paid."""
    if correction.gross >= 0 or original.state is InvoiceState.PAID:
        return
    db.session.flush()  # the correction counts in what is due
    if outstanding(original) <= 0:
        original.state = InvoiceState.PAID
        original.paid_at = correction.issue_date
        original.payment_reference = original.payment_reference or correction.number


def outstanding(invoice: Invoice) -> Decimal:
    """What is still to pay on an invoice: its gross, less its paid amount and the corrections that
    lowered it (a correction raising it is a document to pay of its own)."""
    if invoice.kind is InvoiceKind.CORRECTION:
        return max(invoice.gross - invoice.paid_amount, ZERO)
    lowered = db.session.scalar(
        select(func.sum(Invoice.gross)).where(Invoice.corrects_id == invoice.id, Invoice.gross < 0)
    )
    return max(invoice.gross + (lowered or ZERO) - invoice.paid_amount, ZERO)
