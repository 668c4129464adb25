"""Shipments written straight into the database with their tracking events (through `tracking.record`,
as the tracking job stores them), for the parcel pages' tests."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from desk.extensions import db
from desk.models import Shipment, ShipmentStatus
from desk.services.shipping.tracking import events as tracking
from integrations.carriers import TrackingEvent, TrackingState

WARSAW = ZoneInfo("Europe/Warsaw")
_seq = itertools.count(1)


def warsaw(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A Warsaw wall-clock time as UTC."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=WARSAW).astimezone(dt.UTC)


def event(code: str, at: dt.datetime, state: str | None, text: str = "", location: str = "") -> TrackingEvent:
    return TrackingEvent(code=code, text=text, at=at, state=TrackingState(state) if state else None,
                         location=location)


def make_shipment(
    account, *, events: list[TrackingEvent] = (), carrier: str = "inpost", order=None,
    created_at: dt.datetime | None = None, status: ShipmentStatus = ShipmentStatus.CONFIRMED, **columns,
) -> Shipment:
    """A confirmed shipment with a waybill and the given events stored as tracking stores them."""
    n = next(_seq)
    created_at = created_at or (events[0].at - dt.timedelta(hours=2) if events else warsaw(2026, 11, 2))
    shipment = Shipment(
        account_id=account.id, order_id=order.id if order is not None else None, carrier=carrier,
        service=columns.pop("service", f"{carrier}_standard"), status=status, idempotency_key=f"key-{n}",
        waybills=columns.pop("waybills", [f"WB{n:08d}"]), request={}, created_at=created_at,
        confirmed_at=created_at, tracking_next_at=created_at, **columns,
    )
    db.session.add(shipment)
    if events:
        tracking.record(shipment, tuple(events), max(e.at for e in events))
    db.session.commit()
    return shipment


def make_order(account, *, bought_at: dt.datetime | None = None, **columns):
    """An order row as the sync stores it (only what the lists read)."""
    from decimal import Decimal

    from desk.models import Order

    n = next(_seq)
    order = Order(account_id=account.id, allegro_id=columns.pop("allegro_id", f"{n:08d}-aaaa-bbbb-cccc-dddd"),
                  status="READY_FOR_PROCESSING", total_amount=Decimal("99.00"),
                  bought_at=bought_at or warsaw(2026, 11, 1) + dt.timedelta(minutes=n), **columns)
    db.session.add(order)
    db.session.commit()
    return order
