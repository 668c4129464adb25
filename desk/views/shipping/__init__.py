"""Shipping views. `bp` (blueprint.py, price_lists.py) holds the price lists; the parcel pages have a
blueprint each, registered by desk.views: ship (Nadaj przesyłkę, presets, bulk), closeout (Zamknięcie dnia),
parcels (labels, stuck parcels, export)."""
from desk.views.shipping import price_lists  # noqa: F401  (their routes register on bp)
from desk.views.shipping.blueprint import bp

__all__ = ["bp"]
