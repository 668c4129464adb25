"""The broker's terms as numbers: what a withdrawal costs and when it is paid, what a late cancellation
costs, where sellers send top-ups. desk/config.py holds the defaults (DESK_BILLING_*); desk.wiring.billing
builds this from the config, and services receive it as an argument."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class BillingPolicy:
    withdrawal_fee_percent: Decimal = Decimal("2.00")
    withdrawal_fee_min: Decimal = Decimal("2.00")
    payout_working_days: int = 5  # a withdrawal is paid at the latest this many Polish working days later
    cancel_free_before: dt.timedelta = dt.timedelta(hours=2)  # free cancelling ends this long before pickup
    manual_cancel_fee: Decimal = Decimal("15.00")  # gross, an administrator's cancellation after that
    bank_account: str = ""  # the broker's account sellers top up to (compact IBAN)
    bank_recipient: str = ""  # the name on that account
