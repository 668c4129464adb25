"""What each carrier promises (delivery days after handover, today's last drop-off) and how it has kept
those promises for this account: the share of its parcels of the last 90 days that went wrong.

The promises are the carriers' published terms as brokers quote them (carriers digest §7: domestic
parcels usually the next working day and at most 2 working days, DPD up to 3, Poczta Polska 3 to 5 with a
15:00 cut-off; InPost's locker drop-off cut-off by postcode zone is 13:00 to 16:00, the latest shown).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from desk.extensions import db
from desk.models.shipment import Shipment, ShipmentEvent

WINDOW = dt.timedelta(days=90)
LATE_AFTER = dt.timedelta(days=5)  # delivered more than this after the carrier took it counts as late


@dataclass(frozen=True)
class Promise:
    """Working days from handover to delivery (from, to) and today's last drop-off or pickup time."""

    days: tuple[int, int]
    cutoff: dt.time


PROMISES = {
    "inpost": Promise((1, 2), dt.time(16, 0)),
    "dpd": Promise((1, 3), dt.time(15, 0)),
    "poczta": Promise((3, 5), dt.time(15, 0)),
    "allegro": Promise((1, 2), dt.time(15, 0)),
}


@dataclass(frozen=True)
class Record:
    """How a carrier did for an account: parcels counted, and the shares that were late, had a problem
    (damaged, refused, undeliverable) or were lost."""

    parcels: int
    late: float
    problem: float
    lost: float


def records(account_id: int, now: dt.datetime) -> dict[str, Record]:
    """Per carrier, the account's parcels confirmed in the last 90 days and what became of them."""
    since = now - WINDOW
    handed = (
        select(ShipmentEvent.shipment_id, func.min(ShipmentEvent.at).label("at"))
        .where(ShipmentEvent.state == "handed_over")
        .group_by(ShipmentEvent.shipment_id)
        .subquery()
    )
    delivered = (
        select(ShipmentEvent.shipment_id, func.min(ShipmentEvent.at).label("at"))
        .where(ShipmentEvent.state == "delivered")
        .group_by(ShipmentEvent.shipment_id)
        .subquery()
    )
    problem = select(ShipmentEvent.id).where(
        ShipmentEvent.shipment_id == Shipment.id, ShipmentEvent.state == "problem"
    )
    lost = select(ShipmentEvent.id).where(
        ShipmentEvent.shipment_id == Shipment.id, ShipmentEvent.code.in_(LOST_CODES)
    )
    rows = db.session.execute(
        select(Shipment.carrier, handed.c.at, delivered.c.at, problem.exists(), lost.exists())
        .outerjoin(handed, handed.c.shipment_id == Shipment.id)
        .outerjoin(delivered, delivered.c.shipment_id == Shipment.id)
        .where(Shipment.account_id == account_id, Shipment.confirmed_at >= since)
    ).all()
    counts: dict[str, list[int]] = {}  # carrier -> [parcels, late, problem, lost]
    for carrier, handed_at, delivered_at, had_problem, was_lost in rows:
        tally = counts.setdefault(carrier, [0, 0, 0, 0])
        tally[0] += 1
        tally[1] += bool(handed_at and delivered_at and delivered_at - handed_at > LATE_AFTER)
        tally[2] += bool(had_problem)
        tally[3] += bool(was_lost)
    return {
        carrier: Record(n, late / n, problems / n, lost_count / n)
        for carrier, (n, late, problems, lost_count) in counts.items()
    }


# the codes that mean a parcel is lost (carrier-status-map.json: "lost")
LOST_CODES = ("missing", "230309", "230310")
