"""Paying invoices and what an unpaid one blocks.

Invoice-mode accounts pay each invoice by bank transfer; an administrator records the transfer (amount,
reference, date). The money goes to the ledger as a top-up (keyed by the invoice and the reference, so
the same transfer recorded twice counts once) and onto the invoice; paid in full, it is PAID.

An account with an invoice unpaid past its `block_after` day (the due date plus the setting's days) may
not order new shipments until it pays: `ordering_block` says why and how much is due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from desk.extensions import db
from desk.models.billing import EntryKind
from desk.models.invoice import Invoice, InvoiceState
from desk.services.billing.invoices.issuing import outstanding
from desk.services.billing.ledger import Posting, grosze, post
from desk.services.errors import N_, NotFoundError, ValidationError
from desk.services.shared.workdays import WARSAW


class PaymentError(ValidationError):
    """The payment cannot be recorded as given; `field` names the form field."""

    def __init__(self, message: str, *, field: str, **params) -> None:
        super().__init__(message, **params)
        self.field = field


def record_payment(
    invoice_id: int, *, amount: Decimal, reference: str, paid_on: dt.date, agent_id: int | None,
    today: dt.date,
) -> Invoice:
    """Record a bank transfer paying an invoice (whole or part) and credit it to the account's balance.

    Raises PaymentError for a non-positive amount, fractions of a grosz, more than is due, no reference
    or a date in the future; nothing is written then.
    """
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFoundError(N_("Invoice not found."))
    due = outstanding(invoice)
    if invoice.state is InvoiceState.PAID or due <= 0:
        raise PaymentError(N_("This invoice is paid already."), field="amount")
    _check(amount, reference, paid_on, today, due)
    reference = reference.strip()
    post(Posting(
        invoice.account_id, EntryKind.TOPUP, amount, key=f"invoice-payment:{invoice.id}:{reference}"[:120],
        reference=reference, reason=f"Zapłata za fakturę {invoice.number}", actor_id=agent_id,
    ))
    invoice.paid_amount += amount
    invoice.paid_at = paid_on
    invoice.payment_reference = reference[:120]
    if outstanding(invoice) <= 0:
        invoice.state = InvoiceState.PAID
    db.session.commit()
    return invoice


def _check(amount: Decimal, reference: str, paid_on: dt.date, today: dt.date, due: Decimal) -> None:
    try:
        valid = amount.is_finite() and amount > 0 and amount == grosze(amount)
    except (InvalidOperation, AttributeError):
        valid = False
    if not valid:
        raise PaymentError(N_("Enter a positive amount in złoty and grosze."), field="amount")
    if amount > due:
        raise PaymentError(N_("The amount is more than the %(due)s zł due."), field="amount", due=due)
    if not reference.strip():
        raise PaymentError(N_("Enter the bank transfer's reference."), field="reference")
    if paid_on > today:
        raise PaymentError(N_("The payment date cannot be in the future."), field="paid_on")


@dataclass(frozen=True)
class Block:
    """Why an account may not order shipments: its overdue invoices and what is due on them."""

    numbers: tuple[str, ...]
    due: Decimal
    oldest_due_date: dt.date
    days_overdue: int

    @property
    def message(self) -> str:
        """The English msgid (translated by the view) with `params`."""
        return N_(
            "Ordering shipments is blocked: invoice %(numbers)s is %(days)s days overdue"
            " (due on %(due_date)s). %(amount)s zł is due; pay it by bank transfer to order again."
        )

    @property
    def params(self) -> dict:
        return {
            "numbers": ", ".join(self.numbers), "days": self.days_overdue,
            "due_date": self.oldest_due_date.isoformat(), "amount": f"{self.due:.2f}".replace(".", ","),
        }


def ordering_block(account_id: int, now: dt.datetime | None = None) -> Block | None:
    """None when the account may order; else its invoices unpaid past their blocking day (due date plus
    the days the setting allows) and the whole amount due on them."""
    today = (now or dt.datetime.now(dt.UTC)).astimezone(WARSAW).date()
    overdue = db.session.scalars(
        select(Invoice)
        .where(Invoice.account_id == account_id, Invoice.state == InvoiceState.ISSUED,
               Invoice.block_after < today)
        .order_by(Invoice.due_date, Invoice.id)
    ).all()
    dues = [(invoice, outstanding(invoice)) for invoice in overdue]
    dues = [(invoice, due) for invoice, due in dues if due > 0]
    if not dues:
        return None
    oldest = dues[0][0].due_date
    return Block(
        numbers=tuple(invoice.number for invoice, _due in dues), due=sum(due for _invoice, due in dues),
        oldest_due_date=oldest, days_overdue=(today - oldest).days,
    )
