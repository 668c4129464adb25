"""The broker's terms from the configuration (DESK_BILLING_*), as billing services receive them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Flask, current_app

from desk.services.billing.policy import BillingPolicy


def billing_policy(app: Flask | None = None) -> BillingPolicy:
    """The policy of `app` (default: the current app), read from its config at each call."""
    config = (app or current_app).config
    return BillingPolicy(
        withdrawal_fee_percent=Decimal(str(config["BILLING_WITHDRAWAL_FEE_PERCENT"])),
        withdrawal_fee_min=Decimal(str(config["BILLING_WITHDRAWAL_FEE_MIN"])),
        payout_working_days=int(config["BILLING_PAYOUT_WORKING_DAYS"]),
        cancel_free_before=dt.timedelta(hours=float(config["BILLING_CANCEL_FREE_HOURS"])),
        manual_cancel_fee=Decimal(str(config["BILLING_MANUAL_CANCEL_FEE"])),
        bank_account=str(config["BILLING_BANK_ACCOUNT"] or ""),
        bank_recipient=str(config["BILLING_BANK_RECIPIENT"] or ""),
    )
