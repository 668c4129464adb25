"""What an account owes the broker now ("unpaid dues"): the seam between the money the broker holds for a
seller (cash on delivery) and what the seller has not paid.

Each due is an item (kind, id, amount) that can be set off against COD once: the offset's ledger entry is
keyed by the COD and the due. Today the dues come from the ledger alone:
- a prepaid account (saldo) owes what its balance is below zero (a surcharge or fee posted without
  limit took it there);
- an account on invoice owes only what goes beyond its credit limit: within the limit a negative balance
  is the normal state of an invoice customer, and what is overdue is known from its invoices.
Overdue invoices and accepted surcharges not yet paid join this list as their own kinds once those parts
exist (see `open_dues`); a kind's `settle` hook then records what an offset paid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from desk.extensions import db
from desk.models.billing import BillingProfile, PaymentMode
from desk.services.billing.ledger import balance
from desk.services.errors import N_

BALANCE = "balance"


@dataclass(frozen=True)
class Due:
    """Something the account owes: `kind` and `id` name it (an offset links to them), `amount` > 0."""

    kind: str
    id: str
    amount: Decimal
    label: str  # N_ msgid for the screen, with `params`
    params: dict = field(default_factory=dict)


def open_dues(account_id: int) -> list[Due]:
    """The account's unpaid dues, oldest first (read without locking; callers that act on them hold the
    account's COD lock, and the ledger posting checks again under the account's ledger lock)."""
    return _from_ledger(account_id)


def total(dues: list[Due]) -> Decimal:
    """What the dues add up to."""
    return sum((due.amount for due in dues), Decimal("0.00"))


def _from_ledger(account_id: int) -> list[Due]:
    current = balance(account_id)
    limit = Decimal("0.00")
    found = db.session.get(BillingProfile, account_id)
    if found is not None and found.payment_mode is PaymentMode.INVOICE:
        limit = found.credit_limit
    owed = -(current + limit)
    if owed <= 0:
        return []
    # the id names the balance as of the account's newest entry: an offset pays this state of the balance
    # once; a later debit that takes it below zero again is a new due
    state = f"{account_id}:{found.entry_count if found is not None else 0}"
    return [Due(BALANCE, state, owed, N_("Balance below zero: %(amount)s"), {"amount": owed})]


def settle(due: Due, amount: Decimal, entry_id: int) -> None:
    """Record that `amount` of `due` was paid by the ledger entry `entry_id` (flushes, never commits).

    A balance due needs nothing more: the entry itself raised the balance. Invoices and surcharges record
    the payment against themselves here once they exist.
    """
    if due.kind != BALANCE:
        raise ValueError(f"no way to settle a due of kind {due.kind!r}")
