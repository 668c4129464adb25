"""The account ledger: postings, the balance, and the money an account may still spend.

`post` is the only writer of ledger entries. It does not commit: the caller commits the entry together
with what it pays for (a shipment row, a withdrawal request), so money and its reason land at once or not
at all. Posting first bumps the profile's `entry_count` (the account's write lock on PostgreSQL and on
SQLite alike), then reads the previous balance, checks the limit, and appends the entry. A posting is
keyed: the same key posted twice returns the first entry and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from desk.extensions import db
from desk.models.account import SellerAccount
from desk.models.billing import BillingProfile, EntryKind, LedgerEntry, PaymentMode
from desk.orm import utcnow
from desk.services.errors import N_, DeskError, NotFoundError, ValidationError

GROSZ = Decimal("0.01")
# kinds that take money from the account, and those that give it back
DEBITS = frozenset(
    {EntryKind.SHIPMENT_CHARGE, EntryKind.SURCHARGE, EntryKind.CANCEL_FEE, EntryKind.WITHDRAWAL,
     EntryKind.WITHDRAWAL_FEE}
)
CREDITS = frozenset({EntryKind.TOPUP, EntryKind.CANCEL_REFUND, EntryKind.COD_OFFSET})
# a correction may go either way (a correction invoice lowers or raises what was charged)


class Shortfall(DeskError):
    """Not enough balance (plus credit limit) for a debit; nothing was written. `credit` tells an account
    on invoice (its credit limit ran out) from a prepaid one (its balance ran out)."""

    def __init__(self, *, needed: Decimal, available: Decimal, credit: bool = False) -> None:
        message = (
            N_("Not enough credit: %(needed)s zł needed, %(available)s zł of the credit limit left"
               " (%(missing)s zł missing).")
            if credit
            else N_("Not enough balance: %(needed)s zł needed, %(available)s zł available"
                    " (%(missing)s zł missing).")
        )
        super().__init__(message, needed=needed, available=available, missing=needed - available)
        self.credit = credit
        self.needed = needed
        self.available = available
        self.missing = needed - available


def grosze(value: Decimal) -> Decimal:
    """An amount rounded to grosze, half up (as Polish invoices and bank transfers round)."""
    return value.quantize(GROSZ, rounding=ROUND_HALF_UP)


def profile(account_id: int) -> BillingProfile:
    """The account's billing profile, created with the defaults (prepaid, no credit) on first use."""
    found = db.session.get(BillingProfile, account_id)
    if found is not None:
        return found
    if db.session.get(SellerAccount, account_id) is None:
        raise NotFoundError(N_("Account not found."))
    # INSERT ... ON CONFLICT DO NOTHING: a concurrent first posting may create it at the same moment
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(BillingProfile).values(account_id=account_id).on_conflict_do_nothing())
    return db.session.get(BillingProfile, account_id)


@dataclass(frozen=True)
class Posting:
    """What to write: a signed gross amount (credit > 0) with its reason; `key` makes it idempotent."""

    account_id: int
    kind: EntryKind
    amount: Decimal
    key: str
    shipment_id: int | None = None
    reference: str = ""
    reason: str = ""
    actor_id: int | None = None
    enforce_limit: bool = True  # False: the debit is owed whatever the balance (a surcharge, a fee)
    use_credit: bool = True  # False: only the balance counts, never the credit limit (a withdrawal)


def post(posting: Posting) -> LedgerEntry:
    """Append one entry under the account's lock (flushes, never commits).

    Returns the existing entry when `key` was posted before. Raises Shortfall when a limited debit would
    take the balance below minus the credit limit, and ValidationError for a zero amount, an amount with
    fractions of a grosz, or a sign that does not fit the kind.
    """
    _check_amount(posting)
    existing = by_key(posting.key)
    if existing is not None:
        return existing
    profile(posting.account_id)
    seq = _lock(posting.account_id)
    existing = by_key(posting.key)  # posted by the worker that held the lock before us
    if existing is not None:
        return existing
    before = _balance_at(posting.account_id, seq - 1)
    after = before + posting.amount
    if posting.amount < 0 and posting.enforce_limit:
        credit = _credit_limit(posting.account_id) if posting.use_credit else Decimal("0.00")
        available = before + credit
        if -posting.amount > available:
            raise Shortfall(
                needed=-posting.amount, available=max(available, Decimal("0.00")), credit=credit > 0
            )
    entry = LedgerEntry(
        account_id=posting.account_id, seq=seq, kind=posting.kind, amount=posting.amount,
        balance_after=after, key=posting.key, shipment_id=posting.shipment_id,
        reference=posting.reference[:120], reason=posting.reason, actor_id=posting.actor_id,
        created_at=utcnow(),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def _check_amount(posting: Posting) -> None:
    amount = posting.amount
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValidationError(N_("The amount must be a number."))
    if amount == 0:
        raise ValidationError(N_("The amount must not be zero."))
    if amount != grosze(amount):
        raise ValidationError(N_("The amount must be in whole grosze."))
    if posting.kind in DEBITS and amount > 0 or posting.kind in CREDITS and amount < 0:
        raise ValidationError(N_("The amount's sign does not fit the kind of entry."))


def _lock(account_id: int) -> int:
    """Bump the account's entry counter (its write lock) and return the new entry's number."""
    bumped = db.session.execute(
        update(BillingProfile)
        .where(BillingProfile.account_id == account_id)
        .values(entry_count=BillingProfile.entry_count + 1, updated_at=utcnow())
        .returning(BillingProfile.entry_count)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return bumped


def _balance_at(account_id: int, seq: int) -> Decimal:
    if seq <= 0:
        return Decimal("0.00")
    value = db.session.scalar(
        select(LedgerEntry.balance_after).where(LedgerEntry.account_id == account_id, LedgerEntry.seq == seq)
    )
    if value is None:  # an entry number without its entry: only a failed transaction leaves none
        return _sum(account_id)
    return value


def _credit_limit(account_id: int) -> Decimal:
    found = db.session.get(BillingProfile, account_id)
    if found is None or found.payment_mode is not PaymentMode.INVOICE:
        return Decimal("0.00")
    return found.credit_limit


def _sum(account_id: int) -> Decimal:
    query = select(func.sum(LedgerEntry.amount)).where(LedgerEntry.account_id == account_id)
    total = db.session.scalar(query)
    return Decimal(total or 0).quantize(GROSZ)


def by_key(key: str) -> LedgerEntry | None:
    """The entry posted under `key`, if any."""
    return db.session.scalar(select(LedgerEntry).where(LedgerEntry.key == key))


def balance(account_id: int) -> Decimal:
    """The account's balance: the running total after its newest entry (0.00 without entries)."""
    value = db.session.scalar(
        select(LedgerEntry.balance_after)
        .where(LedgerEntry.account_id == account_id)
        .order_by(LedgerEntry.seq.desc())
        .limit(1)
    )
    return value if value is not None else Decimal("0.00")


def ledger_sum(account_id: int) -> Decimal:
    """The sum of every entry: always equal to `balance` (the audit a test and an admin check runs)."""
    return _sum(account_id)


def available(account_id: int) -> Decimal:
    """What the account may still spend on shipments: balance plus the credit limit of an agreement."""
    return balance(account_id) + _credit_limit(account_id)
