"""GET /order/carriers/{carrierId}/tracking: a plausible history for waybills added to orders."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from integrations.allegro.fake.errors import validation_error
from integrations.allegro.fake.state.shipments import CARRIER_IDS, unknown_carrier
from integrations.allegro.fake.timeutil import iso, parse_iso

if TYPE_CHECKING:
    from integrations.allegro.fake.state.core import FakeAllegroState

MAX_WAYBILLS = 20
# (delay after the waybill was added, status code, description) - a parcel's usual journey
_JOURNEY = (
    (dt.timedelta(0), "PENDING", "Przesyłka przygotowana przez nadawcę"),
    (dt.timedelta(hours=20), "IN_TRANSIT", "Przesyłka w drodze"),
    (dt.timedelta(hours=40), "RELEASED_FOR_DELIVERY", "Przesyłka wydana do doręczenia"),
    (dt.timedelta(hours=46), "DELIVERED", "Przesyłka doręczona"),
)


def tracking_payload(state: FakeAllegroState, carrier_id: str, waybills: list[str]) -> dict[str, Any]:
    """The tracking answer; 400 for unknown carriers and for missing or too many waybills."""
    if carrier_id not in CARRIER_IDS:
        raise unknown_carrier(carrier_id)
    if not waybills or len(waybills) > MAX_WAYBILLS:
        raise validation_error("Provide between 1 and 20 waybills", path="waybill", status=400)
    with state.lock:
        added = {
            s["waybill"]: parse_iso(s["createdAt"])
            for entries in state.shipments.values()
            for s in entries
            if s["carrierId"] == carrier_id
        }
        now = state.now()
        arranged = {w: list(state.wza_tracking[w]) for w in waybills if w in state.wza_tracking}
    histories = [
        _arranged(w, arranged[w]) if w in arranged else _history(w, added.get(w), now) for w in waybills
    ]
    return {"carrierId": carrier_id, "waybills": histories}


def _arranged(waybill: str, statuses: list[dict[str, Any]]) -> dict[str, Any]:
    """The statuses a test appended (state.add_tracking_status), in the order given."""
    first, last = statuses[0]["occurredAt"], statuses[-1]["occurredAt"]
    details = {"statuses": statuses, "createdAt": first, "updatedAt": last}
    return {"waybill": waybill, "trackingDetails": details}


def _history(waybill: str, created: dt.datetime | None, now: dt.datetime) -> dict[str, Any]:
    if created is None:
        return {"waybill": waybill}
    statuses = [
        {"occurredAt": iso(created + delay), "code": code, "description": text}
        for delay, code, text in _JOURNEY
        if created + delay <= now
    ]
    return {
        "waybill": waybill,
        "trackingDetails": {
            "statuses": statuses,
            "createdAt": iso(created),
            "updatedAt": statuses[-1]["occurredAt"],
        },
    }
