"""Correction invoices (faktury korygujące): from an accepted invoice complaint, or after a cancellation
refunded a shipment that had been invoiced.

A correction names the invoice it corrects, why (the complaint's kind and the reason as written) and,
line by line, the figures before and after; its totals are the differences. A complaint's correction
that changes the money posts one CORRECTION ledger entry for the difference in the same commit (a credit
when it lowers the amount); a refund's correction posts nothing, the refund having moved the money.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from desk.extensions import db
from desk.models.billing import EntryKind
from desk.models.invoice import CorrectionReason, Invoice, InvoiceKind, InvoiceLine, NettedEntry
from desk.services.billing.invoices import issuing
from desk.services.billing.invoices.amounts import NOTHING, Figures, from_gross
from desk.services.billing.invoices.issuing import Draft, LineDraft, Terms
from desk.services.billing.invoices.parties import buyer_snapshot, payer_snapshot
from desk.services.billing.invoices.sources import Pending, invoiced_lines
from desk.services.billing.ledger import Posting, grosze, post, profile
from desk.services.errors import N_, NotFoundError, ValidationError

COMPLAINT_REASONS = (
    CorrectionReason.DIMENSIONS, CorrectionReason.CHARGES, CorrectionReason.PAYER_DATA,
    CorrectionReason.DESCRIPTION,
)
CANCELLATION_TEXT = "Anulowanie przesyłki i zwrot opłaty"  # PrzyczynaKorekty (the document is Polish)


@dataclass(frozen=True)
class LineChange:
    """What an accepted complaint changes on one line: its new gross and/or its new description."""

    line_id: int
    gross: Decimal | None = None
    description: str | None = None


class CorrectionError(ValidationError):
    """The correction cannot be issued as asked; `field` names the form field (or "")."""

    def __init__(self, message: str, *, field: str = "", **params) -> None:
        super().__init__(message, **params)
        self.field = field


def current_state(lines: Iterable[InvoiceLine]) -> dict[int, tuple[str, Figures]]:
    """Each original line's description and figures as the newest correction of it left them."""
    originals = {line.id: (line.description, Figures(line.net, line.vat, line.gross)) for line in lines}
    if not originals:
        return {}
    later = db.session.scalars(
        select(InvoiceLine).where(InvoiceLine.corrects_line_id.in_(originals)).order_by(InvoiceLine.id)
    )
    for line in later:
        originals[line.corrects_line_id] = (line.description, Figures(line.net, line.vat, line.gross))
    return originals


def correct_invoice(
    invoice_id: int, *, reason: CorrectionReason, reason_text: str, changes: Sequence[LineChange],
    key: str, today: dt.date, terms: Terms, agent_id: int | None = None,
    account_ids: set[int] | None = None, payer: dict | None = None, ledger_entry_id: int | None = None,
) -> Invoice:
    """Issue the correction an accepted invoice complaint asks for (the complaint workflow calls this).

    `key` identifies the complaint (or the form), so asking twice issues one correction. `payer`: the
    corrected payer data of a payer-data correction (default: the account's billing data now).
    `ledger_entry_id`: the money already moved on the ledger (a fee refund): the document names that entry
    and posts nothing; without it a correction that changes the amount posts its CORRECTION entry. Raises
    CorrectionError for a reason that is not a complaint's, a missing reason text, nothing that changes,
    or a negative amount; BuyerDataError when corrected payer data is still wrong. Nothing is written then.
    """
    existing = issuing.by_key(key)
    if existing is not None:
        return existing
    original = db.session.get(Invoice, invoice_id)
    if original is None or (account_ids is not None and original.account_id not in account_ids):
        raise NotFoundError(N_("Invoice not found."))
    if original.kind is not InvoiceKind.VAT:
        raise CorrectionError(N_("Only a VAT invoice can be corrected; correct the original invoice."))
    if reason not in COMPLAINT_REASONS:
        raise CorrectionError(N_("Choose the reason of the correction."), field="reason")
    if not reason_text.strip():
        raise CorrectionError(N_("Write why the invoice is corrected."), field="reason_text")
    buyer = original.buyer
    if reason is CorrectionReason.PAYER_DATA:
        buyer = payer_snapshot(payer) if payer else buyer_snapshot(profile(original.account_id))
        if buyer == _current_buyer(original):
            message = (
                N_("The corrected payer data is the same as on the invoice.") if payer
                else N_("The account's billing data is the same as on the invoice: correct it first.")
            )
            raise CorrectionError(message, field="reason")
    lines = _changed_lines(original, changes)
    if not lines and reason is not CorrectionReason.PAYER_DATA:
        raise CorrectionError(
            N_("Nothing changes: enter a new amount or description of a line."), field="lines"
        )
    draft = Draft(
        account_id=original.account_id, key=key, issue_date=today, lines=lines, sale_date=original.sale_date,
        period=(original.period_start, original.period_end) if original.period_start else None,
        corrects=original, reason=reason, reason_text=reason_text.strip()[:500], buyer=buyer,
        created_by=agent_id,
    )
    correction = issuing.issue(draft, terms, commit=False)
    if ledger_entry_id is not None:
        correction.ledger_entry_id = ledger_entry_id
    elif correction.gross != 0:
        entry = post(Posting(
            original.account_id, EntryKind.CORRECTION, -correction.gross, key=f"correction:{key}",
            reference=correction.number, reason=reason_text.strip(), actor_id=agent_id, enforce_limit=False,
        ))
        correction.ledger_entry_id = entry.id
    return issuing.commit_issued(correction, key)


def find_original(account_id: int, *, number: str = "", shipment_id: int | None = None) -> Invoice | None:
    """The VAT invoice an account's complaint is about: by its number, else the one that invoiced the
    shipment's charge (None when there is none yet)."""
    if number:
        return db.session.scalar(select(Invoice).where(
            Invoice.number == number.strip(), Invoice.account_id == account_id,
            Invoice.kind == InvoiceKind.VAT,
        ))
    lines = invoiced_lines([shipment_id]).get(shipment_id) if shipment_id is not None else None
    return db.session.get(Invoice, lines[0].invoice_id) if lines else None


def lowered_by(original: Invoice, amount: Decimal, *, shipment_id: int | None = None) -> list[LineChange]:
    """Line changes that lower the invoice by `amount` gross: the shipment's line first, then the others in
    order, none below zero. CorrectionError when the invoice holds less than that."""
    state = current_state(original.lines)
    lines = sorted(original.lines, key=lambda line: (line.shipment_id != shipment_id, line.position))
    left, changes = grosze(amount), []
    for line in lines:
        if left <= 0:
            break
        gross = state[line.id][1].gross
        cut = min(gross, left)
        if cut > 0:
            changes.append(LineChange(line_id=line.id, gross=gross - cut))
            left -= cut
    if left > 0:
        raise CorrectionError(
            N_("The invoice %(number)s holds less than %(amount)s zł."), field="amount",
            number=original.number, amount=f"{grosze(amount):.2f}".replace(".", ","),
        )
    return changes


def _current_buyer(original: Invoice) -> dict:
    later = db.session.scalars(
        select(Invoice.buyer).where(Invoice.corrects_id == original.id).order_by(Invoice.id.desc()).limit(1)
    ).first()
    return later or original.buyer


def _changed_lines(original: Invoice, changes: Sequence[LineChange]) -> list[LineDraft]:
    state = current_state(original.lines)
    by_id = {line.id: line for line in original.lines}
    drafts = []
    for change in changes:
        line = by_id.get(change.line_id)
        if line is None:
            raise CorrectionError(N_("That line is not on this invoice."), field="lines")
        description, before = state[line.id]
        after = before
        if change.gross is not None:
            gross = _amount(change.gross, line.id)
            after = from_gross(gross)
        new_description = (change.description or "").strip() or description
        if after == before and new_description == description:
            continue
        drafts.append(LineDraft(
            description=new_description, figures=after, shipment_id=line.shipment_id,
            corrects_line_id=line.id, before=before, before_description=description,
        ))
    return drafts


def _amount(value: Decimal, line_id: int) -> Decimal:
    try:
        if not value.is_finite() or value < 0 or value != grosze(value):
            raise InvalidOperation
    except (InvalidOperation, AttributeError):
        raise CorrectionError(
            N_("The new gross amount must be a non-negative amount in grosze."), field=f"gross_{line_id}"
        ) from None
    return value


def correct_refunds(
    account_id: int, refunds: Sequence[Pending], *, today: dt.date, terms: Terms
) -> list[Invoice]:
    """Corrections for refunds of invoiced shipment charges, one per corrected invoice (keyed by its first
    refund). A refund whose charge was never invoiced (nor is waiting) is settled without a document."""
    lines = invoiced_lines(refund.shipment_id for refund in refunds)
    by_invoice: dict[int, list[tuple[Pending, InvoiceLine]]] = defaultdict(list)
    for refund in refunds:
        charged = lines.get(refund.shipment_id)
        if not charged:
            db.session.add(NettedEntry(entry_id=refund.id, against_id=None))
            continue
        by_invoice[charged[0].invoice_id].append((refund, charged[0]))
    db.session.commit()
    issued = []
    for invoice_id, pairs in by_invoice.items():
        original = db.session.get(Invoice, invoice_id)
        state = current_state(line for _refund, line in pairs)
        drafts = []
        for refund, line in pairs:
            description, before = state[line.id]
            left = max(before.gross - refund.amount, Decimal("0.00"))
            after = from_gross(left) if left else NOTHING
            state[line.id] = (description, after)
            drafts.append(LineDraft(
                description=description, figures=after, entry_id=refund.id, shipment_id=line.shipment_id,
                corrects_line_id=line.id, before=before, before_description=description,
            ))
        draft = Draft(
            account_id=account_id, key=f"refund:{pairs[0][0].id}", issue_date=today, lines=drafts,
            sale_date=original.sale_date,
            period=(original.period_start, original.period_end) if original.period_start else None,
            corrects=original, reason=CorrectionReason.CANCELLATION, reason_text=CANCELLATION_TEXT,
            buyer=_current_buyer(original),
        )
        issued.append(issuing.issue(draft, terms))
    return issued
