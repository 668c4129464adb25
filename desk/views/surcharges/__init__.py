"""Surcharges (dopłaty): the inbox and a surcharge's page (inbox.py), the billing-file import for
administrators (imports.py), and the surcharges shown on a shipment's page."""
from desk.views.surcharges import imports, inbox  # noqa: F401  (their routes register on bp)
from desk.views.surcharges.blueprint import bp

__all__ = ["bp"]
