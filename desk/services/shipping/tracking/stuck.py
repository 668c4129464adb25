"""Stuck parcels: the ones an agent should look at before the buyer asks.

A live parcel (tracked, not delivered, returned or cancelled) is stuck when
- it is going back to the sender ("returning");
- its carrier reports a problem ("problem");
- it has waited at a pickup point for more than `pickup_days` calendar days ("pickup");
- its carrier has said nothing new for N full Polish working days ("silent"; N per carrier; weekends
  and public holidays do not count, so a parcel quiet over a long weekend is not stuck yet).

The rules are one SQL expression (`reason_of`), so the list, its badge and the order page agree; the
list reads only live parcels (the tracking index), never counts a whole table, and pages by keyset.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, literal, or_, select, tuple_
from sqlalchemy.orm import aliased

from desk.extensions import db
from desk.models import Order, SellerAccount
from desk.models.shipment import Shipment, ShipmentEvent, ShipmentStatus
from desk.orm import UTCDateTime, utcnow
from desk.services.shared.workdays import is_working_day

WARSAW = ZoneInfo("Europe/Warsaw")
REASONS = ("returning", "problem", "pickup", "silent")  # also the order in which a parcel is named
CARRIERS = ("inpost", "dpd", "poczta", "allegro")
RETURNING, PROBLEM, READY = "returning", "problem", "ready_for_pickup"
# states in which a parcel is expected to move on by itself (None: labelled, no event yet)
MOVING = ("created", "handed_over", "in_transit", "out_for_delivery")
TRACKED = (ShipmentStatus.CONFIRMED, ShipmentStatus.SENT)
MAX_PAGE = 200
BADGE_CAP = 99  # the badge says "99+" beyond this; nothing counts further


@dataclass(frozen=True)
class StuckRules:
    """When a parcel counts as stuck (from the settings: `desk.wiring.parcels.stuck_rules`)."""

    working_days: Mapping[str, int] = field(default_factory=dict)  # carrier -> working days of silence
    other_working_days: int = 3  # a carrier not in `working_days`
    pickup_days: int = 5

    def days_for(self, carrier: str) -> int:
        return max(1, int(self.working_days.get(carrier, self.other_working_days)))


def quiet_cutoff(now: dt.datetime, working_days: int) -> dt.datetime:
    """The instant (UTC) before which the last event must lie for `working_days` full working days
    (Europe/Warsaw) to have passed without news by `now`: the start of the Nth working day before today."""
    day = now.astimezone(WARSAW).date()
    left = max(1, working_days)
    while left:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return dt.datetime.combine(day, dt.time(), tzinfo=WARSAW).astimezone(dt.UTC)


def _utc(value: dt.datetime):
    return literal(value.astimezone(dt.UTC), UTCDateTime())


def quiet_since() -> ColumnElement:
    """The newest news of a parcel: its last event, else when it was confirmed (labelled) or ordered."""
    return func.coalesce(Shipment.tracking_at, Shipment.confirmed_at, Shipment.created_at)


def pickup_since() -> ColumnElement:
    """When the parcel arrived at its pickup point this time: its earliest ready-for-pickup event with
    no event of another state after it (a redirected parcel starts waiting again)."""
    event, later = aliased(ShipmentEvent), aliased(ShipmentEvent)
    moved_on = (
        exists()
        .where(later.shipment_id == event.shipment_id, later.state.is_not(None), later.state != READY,
               later.at > event.at)
    )
    return (
        select(func.min(event.at))
        .where(event.shipment_id == Shipment.id, event.state == READY, ~moved_on)
        .scalar_subquery()
    )


def reason_of(rules: StuckRules, now: dt.datetime) -> ColumnElement:
    """The reason a parcel is stuck by `now` (one of REASONS), NULL when it is not."""
    since = quiet_since()
    by_carrier = [and_(Shipment.carrier == c, since < _utc(quiet_cutoff(now, rules.days_for(c))))
                  for c in rules.working_days]
    other = quiet_cutoff(now, max(1, rules.other_working_days))
    by_carrier.append(and_(Shipment.carrier.not_in(list(rules.working_days)), since < _utc(other)))
    waited = now - dt.timedelta(days=rules.pickup_days)
    return case(
        (Shipment.tracking_state == RETURNING, literal("returning")),
        (Shipment.tracking_state == PROBLEM, literal("problem")),
        (and_(Shipment.tracking_state == READY, pickup_since() < _utc(waited)), literal("pickup")),
        (and_(or_(Shipment.tracking_state.is_(None), Shipment.tracking_state.in_(MOVING)), or_(*by_carrier)),
         literal("silent")),
        else_=None,
    )


def live() -> ColumnElement:
    """Parcels still followed: tracked, and neither delivered nor returned (their next look is set)."""
    return and_(Shipment.status.in_(TRACKED), Shipment.tracking_next_at.is_not(None))


def _scoped(query: Select, account_ids: set[int] | None, account_id: int | None) -> Select | None:
    if account_id is not None:
        if account_ids is not None and account_id not in account_ids:
            return None
        return query.where(Shipment.account_id == account_id)
    if account_ids is not None:
        if not account_ids:
            return None
        return query.where(Shipment.account_id.in_(sorted(account_ids)))
    return query


# --- the list --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StuckFilters:
    reason: str | None = None
    carrier: str | None = None
    account_id: int | None = None


@dataclass(frozen=True)
class StuckParcel:
    shipment: Shipment
    reason: str
    since: dt.datetime  # the last news (silent, returning, problem) or the arrival at the point (pickup)
    order_number: str | None  # the Allegro order id, when the shipment belongs to an order
    account_name: str


@dataclass(frozen=True)
class StuckPage:
    rows: list[StuckParcel]
    next_cursor: str | None


def list_stuck(
    rules: StuckRules, *, filters: StuckFilters, account_ids: set[int] | None, after: str | None = None,
    limit: int = 50, now: dt.datetime | None = None,
) -> StuckPage:
    """One page of stuck parcels, the longest quiet first (keyset on (last news, id), never OFFSET).

    `account_ids`: the accounts the caller may see (None: all); another account's parcels never show.
    """
    now = now or utcnow()
    limit = max(1, min(limit, MAX_PAGE))
    reason, since = reason_of(rules, now), quiet_since()
    query = (
        select(Shipment, reason, case((reason == "pickup", pickup_since()), else_=since),
               Order.allegro_id, SellerAccount.name)
        .outerjoin(Order, Order.id == Shipment.order_id)
        .join(SellerAccount, SellerAccount.id == Shipment.account_id)
        .where(live())
    )
    query = _scoped(query, account_ids, filters.account_id)
    if query is None:
        return StuckPage([], None)
    query = query.where(reason == filters.reason if filters.reason in REASONS else reason.is_not(None))
    if filters.carrier:
        query = query.where(Shipment.carrier == filters.carrier)
    cursor = _decode(after)
    if cursor is not None:
        query = query.where(tuple_(since, Shipment.id) > (cursor[0], cursor[1]))
    found = db.session.execute(query.order_by(since, Shipment.id).limit(limit + 1)).all()
    rows = [StuckParcel(s, r, when, number, name) for s, r, when, number, name in found[:limit]]
    last = rows[-1].shipment if rows and len(found) > limit else None
    return StuckPage(rows, _encode(last) if last is not None else None)


def stuck_count(rules: StuckRules, account_ids: set[int] | None, *, now: dt.datetime | None = None) -> int:
    """How many parcels are stuck, counted up to BADGE_CAP + 1 at most (for a badge)."""
    query = _scoped(select(Shipment.id).where(live()), account_ids, None)
    if query is None:
        return 0
    capped = query.where(reason_of(rules, now or utcnow()).is_not(None)).limit(BADGE_CAP + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(capped)) or 0


def reasons_for(
    rules: StuckRules, shipment_ids: list[int], *, now: dt.datetime | None = None
) -> dict[int, tuple[str, dt.datetime]]:
    """The stuck reason and its since-time of each given shipment that is stuck (others are absent)."""
    if not shipment_ids:
        return {}
    reason = reason_of(rules, now or utcnow())
    query = (
        select(Shipment.id, reason, case((reason == "pickup", pickup_since()), else_=quiet_since()))
        .where(live(), Shipment.id.in_(shipment_ids), reason.is_not(None))
    )
    return {shipment_id: (why, since) for shipment_id, why, since in db.session.execute(query)}


def _encode(shipment: Shipment) -> str:
    since = shipment.tracking_at or shipment.confirmed_at or shipment.created_at
    raw = json.dumps([since.astimezone(dt.UTC).isoformat(), shipment.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str | None) -> tuple[dt.datetime, int] | None:
    """The cursor's (last news, id), or None (the first page) for a missing or damaged one."""
    if not token:
        return None
    try:
        text, shipment_id = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        since = dt.datetime.fromisoformat(text)
    except (ValueError, TypeError):
        return None
    if since.tzinfo is None or not isinstance(shipment_id, int) or not 0 <= shipment_id < 2**63:
        return None
    return since, shipment_id
