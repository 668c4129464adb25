"""The broker's money: each seller account's billing profile and its append-only ledger (balance, charges,
refunds, fees), invoices, surcharges and payouts. Shipping may use billing (prices, charges); billing never
imports shipping.

Public names: what the views, jobs and the shipping area use.
"""
from desk.services.billing import bank_import, charges, payouts, profiles, statement, topups, withdrawals
from desk.services.billing.charges import (
    cancel_fee,
    charge_cancel_fee,
    charge_shipment,
    charged,
    refund_shipment,
)
from desk.services.billing.invoices.payments import Block, ordering_block  # noqa: E402, I001  (after the ledger)
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
    "Block",
    "ordering_block",
    "Posting",
    "bank_import",
    "payouts",
    "profiles",
    "statement",
    "topups",
    "withdrawals",
    "Shortfall",
    "available",
    "balance",
    "cancel_fee",
    "charge_cancel_fee",
    "charge_shipment",
    "charged",
    "charges",
    "grosze",
    "ledger_sum",
    "post",
    "profile",
    "refund_shipment",
]
