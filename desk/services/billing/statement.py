"""The account's billing page: balance, what it may still spend, money due to it, and its entries.

Entries are shown newest first, filtered by kind and by Polish calendar days, a page at a time with
keyset pagination on (created_at, seq). Every query here reads through an index on the account
(ix_ledger_entry_account_created, ix_ledger_entry_account_kind_created, uq_ledger_entry_account_seq), so
the page costs the same with a thousand entries or a hundred thousand: nothing counts or sums them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select, tuple_

from desk.extensions import db
from desk.models.billing import BillingProfile, EntryKind, LedgerEntry, PaymentMode
from desk.models.payout import Payout
from desk.services.billing import inputs, withdrawals
from desk.services.billing.ledger import balance, profile
from desk.services.billing.policy import BillingPolicy
from desk.services.errors import N_
from desk.services.shared.workdays import WARSAW

PAGE = 50


@dataclass(frozen=True)
class EntryFilter:
    kind: EntryKind | None = None
    date_from: dt.date | None = None  # Polish calendar days, both included
    date_to: dt.date | None = None

    def args(self) -> dict[str, str]:
        """The filter as query arguments (for the pagination links)."""
        return {
            name: value
            for name, value in (
                ("kind", self.kind.value if self.kind else ""),
                ("date_from", self.date_from.isoformat() if self.date_from else ""),
                ("date_to", self.date_to.isoformat() if self.date_to else ""),
            )
            if value
        }


def parse_filter(args: Mapping[str, str]) -> tuple[EntryFilter, dict[str, inputs.FieldError]]:
    """The filter from the page's query; a wrong field is left out and reported."""
    errors: dict[str, inputs.FieldError] = {}
    kind = None
    if args.get("kind"):
        try:
            kind = EntryKind(args["kind"])
        except ValueError:
            errors["kind"] = inputs.FieldError("kind", N_("Choose one of the options."))
    days = {}
    for name in ("date_from", "date_to"):
        try:
            days[name] = inputs.day(args.get(name), name, required=False)
        except inputs.FieldError as error:
            errors[name], days[name] = error, None
    return EntryFilter(kind, days["date_from"], days["date_to"]), errors


@dataclass(frozen=True)
class EntriesPage:
    entries: list[LedgerEntry]
    newer: int | None  # seq to pass as `after` for the newer page (None: this is the newest)
    older: int | None  # seq to pass as `before` for the older page


def _bound(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=WARSAW).astimezone(dt.UTC)


def entries_page(
    account_id: int, flt: EntryFilter, *, before: int | None = None, after: int | None = None,
    limit: int = PAGE,
) -> EntriesPage:
    """One page of entries, newest first: the newest, or those older than entry `before`, or newer than
    entry `after` (seq numbers of the account)."""
    query = select(LedgerEntry).where(LedgerEntry.account_id == account_id)
    if flt.kind is not None:
        query = query.where(LedgerEntry.kind == flt.kind)
    if flt.date_from is not None:
        query = query.where(LedgerEntry.created_at >= _bound(flt.date_from))
    if flt.date_to is not None:
        query = query.where(LedgerEntry.created_at < _bound(flt.date_to + dt.timedelta(days=1)))
    mark = _position(account_id, after if after is not None else before)
    ascending = after is not None and mark is not None
    position = tuple_(LedgerEntry.created_at, LedgerEntry.seq)
    if mark is not None:
        query = query.where(position > tuple_(*mark) if ascending else position < tuple_(*mark))
    if ascending:
        order = (LedgerEntry.created_at, LedgerEntry.seq)
    else:
        order = (LedgerEntry.created_at.desc(), LedgerEntry.seq.desc())
    rows = list(db.session.scalars(query.order_by(*order).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    if ascending:
        rows.reverse()
        newer = rows[0].seq if more and rows else None
        older = rows[-1].seq if rows else None
    else:
        newer = rows[0].seq if mark is not None and rows else None
        older = rows[-1].seq if more and rows else None
    return EntriesPage(rows, newer, older)


def _position(account_id: int, seq: int | None) -> tuple[dt.datetime, int] | None:
    if seq is None:
        return None
    at = db.session.scalar(
        select(LedgerEntry.created_at).where(LedgerEntry.account_id == account_id, LedgerEntry.seq == seq)
    )
    return (at, seq) if at is not None else None


@dataclass(frozen=True)
class Summary:
    """The money side of an account at a glance."""

    profile: BillingProfile
    balance: Decimal
    credit_limit: Decimal  # 0.00 for a prepaid account
    available: Decimal  # what shipments may still take: balance + credit limit
    withdrawable: Decimal  # the largest withdrawal that with its fee fits in the balance
    payouts: list[Payout] = field(default_factory=list)  # requested or exported, not paid yet

    @property
    def payouts_due(self) -> Decimal:
        return sum((payout.amount for payout in self.payouts), Decimal("0.00"))


def summary(account_id: int, policy: BillingPolicy) -> Summary:
    """Balance, credit, what can be withdrawn, and the payouts still due to the account."""
    found = profile(account_id)
    now = balance(account_id)
    credit = found.credit_limit if found.payment_mode is PaymentMode.INVOICE else Decimal("0.00")
    return Summary(
        profile=found, balance=now, credit_limit=credit, available=now + credit,
        withdrawable=withdrawals.max_withdrawal(now, policy) if now > 0 else Decimal("0.00"),
        payouts=withdrawals.pending_of(account_id),
    )
