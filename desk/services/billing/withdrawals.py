"""Withdrawals of the balance to the account's bank account.

The seller asks for an amount; the fee (2 %, at least 2.00 zł, half up to grosze) comes on top, and
amount plus fee may never exceed the balance (the credit limit of an account on invoice does not count:
only money the seller paid in goes back out). The WITHDRAWAL and WITHDRAWAL_FEE entries are posted with
the payout row in one commit; the payout is due at the latest 5 Polish working days after the request.
The request form's key makes a double click one payout.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desk.extensions import db
from desk.models.account import SellerAccount
from desk.models.billing import EntryKind
from desk.models.payout import Payout, PayoutState
from desk.services.billing import inputs
from desk.services.billing.ledger import Posting, Shortfall, balance, grosze, post, profile
from desk.services.billing.policy import BillingPolicy
from desk.services.errors import N_, NotFoundError, ValidationError
from desk.services.shared.workdays import add_working_days, warsaw_date

ZERO = Decimal("0.00")
GROSZ = Decimal("0.01")
PENDING = (PayoutState.REQUESTED, PayoutState.EXPORTED)


def fee_for(amount: Decimal, policy: BillingPolicy) -> Decimal:
    """The withdrawal fee: the percentage of the amount, at least the minimum, rounded half up."""
    return max(grosze(amount * policy.withdrawal_fee_percent / 100), policy.withdrawal_fee_min)


def max_withdrawal(available: Decimal, policy: BillingPolicy) -> Decimal:
    """The largest amount that, with its fee, fits in `available` (0.00 when not even the fee does).

    Amount + fee grows with the amount, so it is either `available` minus the minimum fee (when the fee
    there is the minimum) or the amount around available / (1 + percent), give or take a grosz of
    rounding."""
    if available <= policy.withdrawal_fee_min:
        return ZERO
    guess = (available * 100 / (100 + policy.withdrawal_fee_percent)).quantize(GROSZ, rounding=ROUND_DOWN)
    candidates = {available - policy.withdrawal_fee_min, *(guess + GROSZ * step for step in (-1, 0, 1, 2))}
    fitting = [c for c in candidates if c > 0 and c + fee_for(c, policy) <= available]
    return max(fitting, default=ZERO)


def due_on(requested_at: dt.datetime, policy: BillingPolicy) -> dt.date:
    """The latest day the payout is made: N Polish working days after the day of the request."""
    return add_working_days(warsaw_date(requested_at), policy.payout_working_days)


def pending_of(account_id: int) -> list[Payout]:
    """The account's payouts not paid yet, the soonest due first."""
    return list(
        db.session.scalars(
            select(Payout)
            .where(Payout.account_id == account_id, Payout.state.in_(PENDING))
            .order_by(Payout.due_on, Payout.id)
        )
    )


def request_withdrawal(
    account_id: int, amount_text: str, *, key: str, actor_id: int | None, now: dt.datetime,
    policy: BillingPolicy,
) -> Payout:
    """Debit amount + fee and record the payout to the profile's bank account (commits).

    Raises inputs.FieldError (amount) for a bad amount or one that with its fee exceeds the balance,
    ValidationError without a payout account; nothing is written then. The same key returns the payout
    recorded first."""
    key = (key or "").strip()[:64]
    if not key:
        raise ValidationError(N_("The form is damaged. Reload the page and try again."))
    found = db.session.scalar(select(Payout).where(Payout.key == key))
    if found is not None:
        return found
    account = db.session.get(SellerAccount, account_id)
    if account is None:
        raise NotFoundError(N_("Account not found."))
    billing = profile(account_id)
    if not billing.payout_iban:
        raise ValidationError(N_("Enter the bank account for payouts in the billing profile first."))
    amount = inputs.amount(amount_text)
    fee = fee_for(amount, policy)
    payout = Payout(
        account_id=account_id, key=key, amount=amount, fee=fee, iban=billing.payout_iban,
        bank_name=inputs.bank_name(billing.payout_iban), holder=billing.company_name or account.name,
        state=PayoutState.REQUESTED, requested_at=now, due_on=due_on(now, policy), requested_by=actor_id,
    )
    db.session.add(payout)
    try:
        db.session.flush()
        _post(payout, actor_id, policy)
        db.session.commit()
    except IntegrityError:  # the same form twice at once: the other request recorded it
        db.session.rollback()
        found = db.session.scalar(select(Payout).where(Payout.key == key))
        if found is None:
            raise
        return found
    return payout


def _post(payout: Payout, actor_id: int | None, policy: BillingPolicy) -> None:
    account_id, fee, reference = payout.account_id, payout.fee, f"W/{payout.id}"
    try:
        for kind, value, reason in (
            (EntryKind.WITHDRAWAL, payout.amount, N_("Withdrawal to the bank account")),
            (EntryKind.WITHDRAWAL_FEE, fee, N_("Withdrawal fee")),
        ):
            post(
                Posting(
                    account_id, kind, -value, key=f"{kind.value}:payout:{payout.id}", reference=reference,
                    reason=reason, actor_id=actor_id, use_credit=False,
                )
            )
    except Shortfall:
        db.session.rollback()
        most = max_withdrawal(balance(account_id), policy)
        raise inputs.FieldError(
            "amount", N_("With its fee of %(fee)s zł this is more than the balance; at most %(most)s zł can"
                         " be withdrawn now."), fee=fee, most=most,
        ) from None
