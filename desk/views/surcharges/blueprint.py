"""The surcharges blueprint and what its pages (and the shipment's page) share."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

from desk.services.billing import surcharges
from desk.views.access import visible_account_ids
from desk.views.catalog import translated
from desk.views.surcharge_labels import FOR_SURCHARGES

bp = Blueprint("surcharges", __name__, url_prefix="/surcharges")


def grams(value: int | None) -> str:
    """Grams as kilograms the way people write them (2,5 kg); an em dash when not given."""
    return "—" if value is None else f"{value / 1000:.3f}".rstrip("0").rstrip(".").replace(".", ",") + " kg"


def millimetres(value: int | None) -> str:
    return "—" if value is None else f"{value / 10:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " cm"


def measure(name: str, value: Any) -> str:
    """One measure of the evidence as shown: weight in kg, sides in cm, a size class as it is."""
    if name == "weight":
        return grams(value)
    if name == "size":
        return value or "—"
    return millimetres(value)


@bp.app_context_processor
def _context() -> dict[str, Any]:
    # every page may show a shipment's surcharges (the shipment's page does); the labels are made once
    # per language, the query runs only where a template calls it
    def shipment_surcharges(shipment_id: int) -> list:
        return surcharges.for_shipment(shipment_id, account_ids=visible_account_ids())

    return translated(FOR_SURCHARGES) | {
        "shipment_surcharges": shipment_surcharges,
        "surcharge_measure": measure,
    }
