"""Shipping views. `bp` (blueprint.py, price_lists.py) holds the price lists; the parcel pages have a
blueprint each, registered by desk.views: ship (Nadaj przesyłkę and presets in ship.py, Nadaj zaznaczone in
send_selected.py), closeout (Zamknięcie dnia), parcels (labels, stuck parcels, export)."""
from desk.views.shipping import price_lists, send_selected  # noqa: F401  (their routes register on bp)
from desk.views.shipping.blueprint import bp

__all__ = ["bp"]
