"""Shipping: one blueprint; the price list pages live in price_lists.py and register on `bp`."""
from desk.views.shipping import price_lists  # noqa: F401  (their routes register on bp)
from desk.views.shipping.blueprint import bp

__all__ = ["bp"]
