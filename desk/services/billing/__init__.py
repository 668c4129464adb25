"""The broker's money: each seller account's billing profile and its append-only ledger (balance, charges,
refunds, fees), invoices, surcharges and payouts. Shipping may use billing (prices, charges); billing never
imports shipping.

Public names: what the views, jobs and the shipping area use.
"""
from desk.services.billing.invoices.payments import Block, ordering_block  # noqa: E402  (after the ledger)
from desk.services.billing.ledger import (
    Posting,
    Shortfall,
    available,
    balance,
    grosze,
    ledger_sum,
    post,
    profile,
)

__all__ = [
    "Block", "Posting", "Shortfall", "available", "balance", "grosze", "ledger_sum", "ordering_block", "post",
    "profile",
]
