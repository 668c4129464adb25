"""What an account owes the broker now ("unpaid dues"): the seam between the money the broker holds for a
seller (cash on delivery) and what the seller has not paid.

Each due is an item (kind, id, amount) that can be set off against COD: the offset's ledger entry is keyed
by the COD and the due, and its CodOffset row links what it paid.
- An account on invoice owes its **overdue invoices** (past their payment day, not fully paid). Within its
  credit limit a negative balance is its normal state, so the balance itself is never a due: what it owes
  is on its invoices, and counting both would count it twice. An offset pays the invoice as a bank
  transfer would (`settle`).
- A prepaid account (saldo) owes what its balance is below zero: surcharges are charged without a limit and
  can take it there. That amount is shown as the **surcharges** that made it (newest first, less what
  offsets paid of each before) and, for what they do not explain, the **balance**. The offset's credit is
  the payment: nothing else to record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import String, cast, func, select

from desk.extensions import db
from desk.models.billing import BillingProfile, PaymentMode
from desk.models.cod import CodOffset
from desk.models.invoice import Invoice, InvoiceState
from desk.models.surcharge import Surcharge, SurchargeState
from desk.orm import utcnow
from desk.services.billing.invoices.issuing import outstanding
from desk.services.billing.ledger import balance
from desk.services.errors import N_, ConflictError
from desk.services.shared.workdays import warsaw_date

BALANCE, INVOICE, SURCHARGE = "balance", "invoice", "surcharge"
ZERO = Decimal("0.00")
COD_PAYMENT = "Kompensata z pobrań"  # the invoice's payment reference (a Polish document)


@dataclass(frozen=True)
class Due:
    """Something the account owes: `kind` and `id` name it (an offset links to them), `amount` > 0.
    `label` is an N_ msgid taking `amount` and `params`."""

    kind: str
    id: str
    amount: Decimal
    label: str
    params: dict = field(default_factory=dict)


def open_dues(account_id: int, *, today: dt.date | None = None) -> list[Due]:
    """The account's unpaid dues, oldest invoice / newest surcharge first (read without locking; callers
    that act on them hold the account's COD lock, and `settle` checks an invoice again under its row lock)."""
    found = db.session.get(BillingProfile, account_id)
    if found is not None and found.payment_mode is PaymentMode.INVOICE:
        return _overdue_invoices(account_id, today or warsaw_date(utcnow()))
    return _below_zero(account_id, found)


def total(dues: list[Due]) -> Decimal:
    """What the dues add up to."""
    return sum((due.amount for due in dues), ZERO)


def _overdue_invoices(account_id: int, today: dt.date) -> list[Due]:
    invoices = db.session.scalars(
        select(Invoice)
        .where(Invoice.account_id == account_id, Invoice.state == InvoiceState.ISSUED)
        .where(Invoice.due_date < today)
        .order_by(Invoice.due_date, Invoice.id)
    )
    dues = []
    for invoice in invoices:
        left = outstanding(invoice)
        if left > 0:
            dues.append(Due(
                INVOICE, str(invoice.id), left, N_("Invoice %(number)s, due on %(due)s: %(amount)s"),
                {"number": invoice.number, "due": invoice.due_date.strftime("%d.%m.%Y")},
            ))
    return dues


def _below_zero(account_id: int, found: BillingProfile | None) -> list[Due]:
    owed = -balance(account_id)
    if owed <= 0:
        return []
    dues, left = [], owed
    for surcharge, paid in _charged_surcharges(account_id):
        unpaid = surcharge.gross - paid
        if left <= 0:
            break
        if unpaid <= 0:
            continue
        take = min(unpaid, left)
        dues.append(Due(
            SURCHARGE, str(surcharge.id), take, N_("Surcharge for parcel %(waybill)s: %(amount)s"),
            {"waybill": surcharge.waybill},
        ))
        left -= take
    if left > 0:
        # the id names the balance as of the account's newest entry: an offset pays this state of the
        # balance once; a later debit that takes it below zero again is a new due
        state = f"{account_id}:{found.entry_count if found is not None else 0}"
        dues.append(Due(BALANCE, state, left, N_("Balance below zero: %(amount)s")))
    return dues


def _charged_surcharges(account_id: int, limit: int = 200) -> list[tuple[Surcharge, Decimal]]:
    """The account's charged surcharges, newest first, each with what offsets have paid of it."""
    paid = (
        select(CodOffset.due_id, func.sum(CodOffset.amount).label("paid"))
        .where(CodOffset.account_id == account_id, CodOffset.due_kind == SURCHARGE)
        .group_by(CodOffset.due_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Surcharge, func.coalesce(paid.c.paid, ZERO))
        .outerjoin(paid, paid.c.due_id == cast(Surcharge.id, String))
        .where(Surcharge.account_id == account_id, Surcharge.state == SurchargeState.CHARGED)
        .order_by(Surcharge.charged_at.desc(), Surcharge.id.desc())
        .limit(limit)
    ).all()
    return [(surcharge, Decimal(amount)) for surcharge, amount in rows]


def settle(due: Due, amount: Decimal, entry_id: int, *, today: dt.date | None = None) -> None:
    """Record that `amount` of `due` was paid by the ledger entry `entry_id` (flushes, never commits).

    The entry itself is the payment of a balance or a surcharge (it raised the balance). An invoice records
    it as a bank transfer would: paid amount, day, reference, and PAID once nothing is outstanding.
    ConflictError when the invoice was paid meanwhile (the caller rolls back).
    """
    if due.kind in (BALANCE, SURCHARGE):
        return
    if due.kind != INVOICE:
        raise ValueError(f"no way to settle a due of kind {due.kind!r}")
    invoice = db.session.scalar(select(Invoice).where(Invoice.id == int(due.id)).with_for_update())
    if invoice is None or amount > outstanding(invoice):
        raise ConflictError(N_("The invoice was paid meanwhile: set off again."))
    invoice.paid_amount += amount
    invoice.paid_at = today or warsaw_date(utcnow())
    invoice.payment_reference = f"{COD_PAYMENT} (wpis {entry_id})"[:120]
    if outstanding(invoice) <= 0:
        invoice.state = InvoiceState.PAID
    db.session.flush()
