"""Carrier tracking codes onto the common lifecycle (TrackingState), table-driven and never raising.

The table is data/carrier-status-map.json. Its groups are folded into the desk's ten states:
label_ready counts as created, picked_up as handed_over, exception and lost as problem; "info" events
(an e-mail notice) change no state. Carriers add codes without notice, so an unknown code keeps its raw
value and is treated as in transit (the safe reading: the parcel exists and nothing says it stopped).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from integrations.carriers.base import TrackingState

# the sections of the map file, by adapter key
SECTIONS = {
    "inpost": "inpost_shipx",
    "dpd": "dpd_infoservices_businessCode",
    "poczta": "poczta_polska_event_kod",
}

_FOLD = {
    "created": TrackingState.CREATED,
    "label_ready": TrackingState.CREATED,
    "picked_up": TrackingState.HANDED_OVER,
    "in_transit": TrackingState.IN_TRANSIT,
    "out_for_delivery": TrackingState.OUT_FOR_DELIVERY,
    "ready_for_pickup": TrackingState.READY_FOR_PICKUP,
    "delivered": TrackingState.DELIVERED,
    "returned": TrackingState.RETURNED,
    "exception": TrackingState.PROBLEM,
    "lost": TrackingState.PROBLEM,
    "cancelled": TrackingState.CANCELLED,
    "info": None,
}

# codes the map files under "returned" that describe the way back, not the arrival (desk decision):
# Poczta Polska P_NDZ "zwrot do nadawcy" (returning), DPD 230403 "return to sender ordered",
# InPost's courier taking a return from a customer service point
RETURNING = {
    "poczta": {"P_NDZ"},
    "dpd": {"230403"},
    "inpost": {"taken_by_courier_from_customer_service_point"},
}

UNKNOWN_STATE = TrackingState.IN_TRANSIT


@cache
def _table(carrier: str) -> dict[str, TrackingState | None]:
    raw = json.loads(
        resources.files("integrations.carriers").joinpath("data/carrier-status-map.json").read_text("utf-8")
    )
    section = raw[SECTIONS[carrier]]["map"]
    table = {code: _FOLD[group] for code, group in section.items()}
    for code in RETURNING.get(carrier, ()):
        table[code] = TrackingState.RETURNING
    return table


def codes(carrier: str) -> tuple[str, ...]:
    """Every code the map knows for a carrier (for tests and the fakes)."""
    return tuple(_table(carrier))


def map_code(carrier: str, code: str) -> tuple[TrackingState | None, bool]:
    """(state, known) for a raw code: state None means an informational event; an unknown code
    (or an unknown carrier) gives (IN_TRANSIT, False)."""
    if carrier not in SECTIONS:
        return UNKNOWN_STATE, False
    table = _table(carrier)
    if code in table:
        return table[code], True
    return UNKNOWN_STATE, False


def current_state(states: list[TrackingState | None]) -> TrackingState | None:
    """The state a parcel is in after events in time order: the last one that says a state."""
    for state in reversed(states):
        if state is not None:
            return state
    return None
