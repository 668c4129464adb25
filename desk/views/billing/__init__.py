"""Billing views: each account's billing page (balance, entries, billing profile, withdrawals) and the
administrators' money pages (top-ups, bank statement import, payouts)."""
from desk.views.billing import account, admin  # noqa: F401  (their routes register on bp)
from desk.views.billing.blueprint import bp

__all__ = ["bp"]
