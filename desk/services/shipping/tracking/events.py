"""Following parcels: each carrier's events stored once, the parcel's common state kept on its shipment.

Adaptive: a parcel on the move is asked about often, one waiting at a point less often, and a delivered,
returned or cancelled one never again. Events are keyed by (waybill, code, time), so reading the same
history twice stores nothing new; an unknown code is stored with its raw value and read as in transit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from desk.extensions import db
from desk.models.shipment import Shipment, ShipmentEvent, ShipmentStatus
from desk.orm import utcnow
from desk.services.shipping import claims
from desk.services.shipping.dispatch import PortFor
from integrations.carriers import CarrierError, TrackingEvent, TrackingState

FINAL = {TrackingState.DELIVERED.value, TrackingState.RETURNED.value, TrackingState.CANCELLED.value}
# how soon a parcel in each state is asked about again
EVERY = {
    None: dt.timedelta(minutes=30),  # no event yet: labelled, waiting to be handed over
    TrackingState.CREATED.value: dt.timedelta(minutes=30),
    TrackingState.HANDED_OVER.value: dt.timedelta(minutes=20),
    TrackingState.IN_TRANSIT.value: dt.timedelta(minutes=20),
    TrackingState.OUT_FOR_DELIVERY.value: dt.timedelta(minutes=10),
    TrackingState.READY_FOR_PICKUP.value: dt.timedelta(hours=1),
    TrackingState.RETURNING.value: dt.timedelta(hours=1),
    TrackingState.PROBLEM.value: dt.timedelta(minutes=30),
}
ERROR_WAIT = dt.timedelta(minutes=15)
CLAIM = dt.timedelta(minutes=5)
TRACKED = (ShipmentStatus.CONFIRMED, ShipmentStatus.SENT)


def record(shipment: Shipment, events: tuple[TrackingEvent, ...], now: dt.datetime) -> int:
    """Store the events not yet stored and move the shipment's state; returns how many were new."""
    seen = {(e.waybill, e.code, e.at) for e in shipment.events}
    new = 0
    for event in sorted(events, key=lambda e: e.at):
        waybill = event.waybill or (shipment.waybills[0] if shipment.waybills else "")
        if (waybill, event.code, event.at) in seen:
            continue
        seen.add((waybill, event.code, event.at))
        shipment.events.append(
            ShipmentEvent(
                waybill=waybill,
                code=event.code[:64],
                text=event.text[:255],
                at=event.at,
                state=event.state.value if event.state else None,
                known=event.known,
                location=event.location[:120],
            )
        )
        new += 1
    stated = [e for e in shipment.events if e.state is not None]
    if stated:
        newest = max(stated, key=lambda e: e.at)
        shipment.tracking_state = newest.state
    if shipment.events:
        shipment.tracking_at = max(e.at for e in shipment.events)
    done = shipment.tracking_state in FINAL
    shipment.tracking_next_at = None if done else now + EVERY.get(shipment.tracking_state, EVERY[None])
    return new


def refresh(port_for: PortFor, shipment: Shipment, now: dt.datetime) -> int:
    """Read the carrier's events for every waybill of the shipment; returns the number of new ones."""
    port = port_for(shipment.carrier, shipment.account_id)
    events: list[TrackingEvent] = []
    try:
        for waybill in shipment.waybills:
            events += port.tracking(waybill, service=shipment.service)
    except CarrierError as exc:
        shipment.last_error = str(exc)
        shipment.tracking_next_at = now + ERROR_WAIT
        db.session.commit()
        return 0
    new = record(shipment, tuple(events), now)
    db.session.commit()
    return new


def claim_due(now: dt.datetime, *, limit: int = 200) -> list[Shipment]:
    """Shipments whose tracking is due, each claimed for this worker (compare-and-set)."""
    return claims.claim(
        Shipment, Shipment.tracking_next_at, Shipment.status.in_(TRACKED), now, hold=CLAIM, limit=limit
    )


def track_due(port_for: PortFor, *, limit: int = 200) -> dict[str, int]:
    """The job: read tracking of every due parcel; counts parcels read and new events."""
    counts: Counter[str] = Counter()
    now = utcnow()
    for shipment in claim_due(now, limit=limit):
        counts["events"] += refresh(port_for, shipment, now)
        counts["parcels"] += 1
    return dict(counts)
