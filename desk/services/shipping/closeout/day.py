"""The close-out of a shipping day, per seller account: the day's parcels per carrier and drop-off mode,
what has no label yet, the handover protocols (or that a carrier needs none), the courier pickups, and
parcels of earlier days the carrier has still not scanned."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, func, or_, select

from desk.extensions import db
from desk.models.pickup import Pickup
from desk.models.shipment import Shipment, ShipmentEvent, ShipmentStatus
from desk.orm import utcnow
from desk.services.errors import N_, DeskError
from desk.services.shipping.closeout import labels
from desk.services.shipping.dispatch import PortFor
from integrations.carriers import CarrierError, Label, TrackingState

WARSAW = ZoneInfo("Europe/Warsaw")
DROPOFF, PICKUP = "dropoff", "pickup"  # the seller takes the parcel to a point / a courier collects it
LOOKBACK = dt.timedelta(days=14)  # how far back unscanned parcels are looked for
PICKUP_AHEAD = dt.timedelta(days=14)  # how far ahead a courier call of the day's parcels is looked for
SCANNED = tuple(state.value for state in TrackingState if state is not TrackingState.CREATED)
NOT_SHOWN = (ShipmentStatus.FAILED, ShipmentStatus.CANCELLED)


class ProtocolUnavailable(DeskError):
    """No protocol could be had for the carrier's shipments of the day."""


@dataclass(frozen=True)
class CarrierDay:
    """One carrier's parcels of the day, by how they leave, and what the carrier needs at handover."""

    carrier: str
    dropoff: list[Shipment]
    pickup: list[Shipment]
    needs_protocol: bool
    offers_pickups: bool
    pickups: list[Pickup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.dropoff) + len(self.pickup)


@dataclass(frozen=True)
class DayView:
    """Everything the close-out screen shows for one account and day."""

    account_id: int
    day: dt.date
    carriers: list[CarrierDay]
    unlabelled: list[Shipment]
    not_scanned: list[Shipment]
    labelled_ids: set[int]


def today() -> dt.date:
    """Today in Poland (where the parcels leave)."""
    return utcnow().astimezone(WARSAW).date()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The day's start and end (Polish time) as UTC instants."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=WARSAW)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=WARSAW)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def mode_of(shipment: Shipment) -> str:
    """DROPOFF when the request names a point the seller takes the parcel to, else PICKUP."""
    return DROPOFF if (shipment.request or {}).get("dropoff_point") else PICKUP


def shipments_of_day(account_id: int, day: dt.date, carrier: str | None = None) -> list[Shipment]:
    """The account's shipments ordered on `day` (not failed or cancelled), oldest first."""
    start, end = day_bounds(day)
    query = select(Shipment).where(
        Shipment.account_id == account_id,
        Shipment.created_at >= start,
        Shipment.created_at < end,
        Shipment.status.not_in(NOT_SHOWN),
    )
    if carrier is not None:
        query = query.where(Shipment.carrier == carrier)
    return list(db.session.scalars(query.order_by(Shipment.created_at, Shipment.id)))


def day_view(port_for: PortFor, account_id: int, day: dt.date) -> DayView:
    """The close-out of `day` for the account (asks no carrier: capabilities are known locally)."""
    shipments = shipments_of_day(account_id, day)
    kept = labels.labelled_ids([s.id for s in shipments])
    carriers = []
    for carrier in sorted({s.carrier for s in shipments}):
        mine = [s for s in shipments if s.carrier == carrier]
        needs_protocol, offers_pickups = _capabilities(port_for, carrier, account_id)
        carriers.append(
            CarrierDay(
                carrier=carrier,
                dropoff=[s for s in mine if mode_of(s) == DROPOFF],
                pickup=[s for s in mine if mode_of(s) == PICKUP],
                needs_protocol=needs_protocol,
                offers_pickups=offers_pickups,
                pickups=pickups_of_day(account_id, day, carrier, [s.id for s in mine]),
            )
        )
    return DayView(
        account_id=account_id,
        day=day,
        carriers=carriers,
        unlabelled=[s for s in shipments if s.id not in kept],
        not_scanned=not_scanned(account_id, day),
        labelled_ids=kept,
    )


def pickups_of_day(
    account_id: int, day: dt.date, carrier: str, shipment_ids: list[int] | None = None
) -> list[Pickup]:
    """Courier calls for `day` (the day the courier comes), and the later calls that collect any of the
    day's `shipment_ids` (parcels labelled today are often collected on the next working day)."""
    query = select(Pickup).where(
        Pickup.account_id == account_id,
        Pickup.carrier == carrier,
        Pickup.day >= day,
        Pickup.day <= day + PICKUP_AHEAD,
    )
    wanted = set(shipment_ids or ())
    return [
        pickup
        for pickup in db.session.scalars(query.order_by(Pickup.day, Pickup.created_at))
        if pickup.day == day or wanted & {int(i) for i in pickup.shipment_ids or []}
    ]


def not_scanned(account_id: int, day: dt.date) -> list[Shipment]:
    """Labelled parcels ordered before `day` that the carrier has not scanned (no handed-over or later
    event) by the morning of `day`."""
    start, _ = day_bounds(day)
    scanned = exists().where(and_(ShipmentEvent.shipment_id == Shipment.id, ShipmentEvent.state.in_(SCANNED)))
    query = select(Shipment).where(
        Shipment.account_id == account_id,
        Shipment.created_at < start,
        Shipment.created_at >= start - LOOKBACK,
        Shipment.status.in_(labels.LABELLED),
        ~scanned,
    )
    return list(db.session.scalars(query.order_by(Shipment.created_at, Shipment.id)))


def protocol_shipments(account_id: int, carrier: str, day: dt.date) -> list[Shipment]:
    """The shipments the carrier's handover protocol of the day lists: labelled and known to the carrier."""
    return [
        s
        for s in shipments_of_day(account_id, day, carrier)
        if s.status in labels.LABELLED and s.carrier_shipment_id
    ]


def protocol(port_for: PortFor, account_id: int, carrier: str, day: dt.date) -> Label | None:
    """The carrier's handover protocol of the day's labelled shipments (`protocol_shipments`), or None
    when the carrier needs none. (Poczta Polska sends its buffer to get the book: this is the day's
    handover, not a preview.)"""
    shipments = protocol_shipments(account_id, carrier, day)
    if not shipments:
        raise ProtocolUnavailable(N_("%(carrier)s has no confirmed shipments on this day."), carrier=carrier)
    port = port_for(carrier, account_id)
    if not port.capabilities().protocol:
        return None
    try:
        return port.protocol([s.carrier_shipment_id for s in shipments if s.carrier_shipment_id])
    except CarrierError as exc:
        raise ProtocolUnavailable(
            N_("%(carrier)s could not give the protocol: %(reason)s"), carrier=carrier, reason=str(exc)
        ) from exc


def _capabilities(port_for: PortFor, carrier: str, account_id: int) -> tuple[bool, bool]:
    try:
        caps = port_for(carrier, account_id).capabilities()
    except (CarrierError, KeyError, ValueError):  # an unknown or unreachable carrier: assume the usual
        return True, False
    return caps.protocol, caps.pickups


def ids(shipments: Sequence[Shipment]) -> list[int]:
    return [shipment.id for shipment in shipments]


def to_hand_over_count(account_ids: set[int] | None, cap: int = 100) -> int:
    """Labelled parcels the carrier has not taken yet (confirmed, no handover), up to `cap` + 1."""
    if account_ids is not None and not account_ids:
        return 0
    query = select(Shipment.id).where(
        Shipment.status.in_((ShipmentStatus.CONFIRMED, ShipmentStatus.SENT)),
        or_(Shipment.tracking_state.is_(None), Shipment.tracking_state == "created"),
    )
    if account_ids is not None:
        query = query.where(Shipment.account_id.in_(sorted(account_ids)))
    return db.session.scalar(select(func.count()).select_from(query.limit(cap + 1).subquery())) or 0
