"""An order's parcels as agents read them: each shipment with its tracking events, newest first.

Times are given in Europe/Warsaw; each event keeps the carrier's own code beside the common state it
maps to, so an unknown code is still shown as the carrier sent it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from desk.extensions import db
from desk.models.shipment import Shipment, ShipmentStatus
from desk.orm import utcnow
from desk.services.shipping.tracking.stuck import StuckRules, reasons_for

WARSAW = ZoneInfo("Europe/Warsaw")


@dataclass(frozen=True)
class TimelineEvent:
    at: dt.datetime  # Europe/Warsaw
    waybill: str
    code: str  # the carrier's raw code
    text: str
    state: str | None  # the common lifecycle state, None for an event that only informs
    known: bool
    location: str


@dataclass(frozen=True)
class Parcel:
    """One shipment of an order, what its carrier has said about it, and why it is stuck (if it is)."""

    id: int
    carrier: str
    service: str
    waybills: tuple[str, ...]
    status: ShipmentStatus
    state: str | None  # the newest common state
    state_at: dt.datetime | None  # the newest event's time, Europe/Warsaw
    reference: str
    created_at: dt.datetime  # Europe/Warsaw
    events: tuple[TimelineEvent, ...]  # newest first
    stuck_reason: str | None = None
    stuck_since: dt.datetime | None = None  # Europe/Warsaw

    @property
    def last_event(self) -> TimelineEvent | None:
        return self.events[0] if self.events else None

    @property
    def waybill(self) -> str:
        return self.waybills[0] if self.waybills else ""


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(WARSAW) if value is not None else None


def order_parcels(
    order_id: int, account_ids: set[int] | None, rules: StuckRules, *, now: dt.datetime | None = None
) -> list[Parcel]:
    """The shipments of an order (oldest first) with their timelines; another account's shipments are
    never included (`account_ids`: what the caller may see, None for all)."""
    query = (
        select(Shipment)
        .where(Shipment.order_id == order_id)
        .options(selectinload(Shipment.events))
        .order_by(Shipment.id)
    )
    if account_ids is not None:
        if not account_ids:
            return []
        query = query.where(Shipment.account_id.in_(sorted(account_ids)))
    shipments = list(db.session.scalars(query))
    stuck = reasons_for(rules, [s.id for s in shipments], now=now or utcnow())
    return [_parcel(s, *stuck.get(s.id, (None, None))) for s in shipments]


def _parcel(shipment: Shipment, reason: str | None, since: dt.datetime | None) -> Parcel:
    events = sorted(shipment.events, key=lambda e: (e.at, e.id), reverse=True)
    return Parcel(
        id=shipment.id,
        carrier=shipment.carrier,
        service=shipment.service,
        waybills=tuple(shipment.waybills or ()),
        status=shipment.status,
        state=shipment.tracking_state,
        state_at=_local(shipment.tracking_at),
        reference=shipment.reference,
        created_at=_local(shipment.created_at),
        events=tuple(
            TimelineEvent(_local(e.at), e.waybill, e.code, e.text, e.state, e.known, e.location)
            for e in events
        ),
        stuck_reason=reason,
        stuck_since=_local(since),
    )
