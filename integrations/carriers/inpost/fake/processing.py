"""ShipX's background work as the fake does it: offers, purchase, tracking number, tracking path.

A shipment moves created -> offers_prepared -> confirmed (a debit account buys by itself); a prepaid
account stops at offers_prepared until POST /buy, then offer_selected -> confirmed. Dispatch orders
move new -> sent -> accepted (or rejected when a shipment was declared for a locker drop-off).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# the typical paths after `confirmed` (digest §1.7)
LOCKER_PATH = (
    "dispatched_by_sender",
    "adopted_at_source_branch",
    "sent_from_source_branch",
    "adopted_at_sorting_center",
    "sent_from_sorting_center",
    "adopted_at_target_branch",
    "out_for_delivery",
    "ready_to_pickup",
    "delivered",
)
COURIER_PATH = (
    "taken_by_courier",
    "adopted_at_source_branch",
    "sent_from_source_branch",
    "adopted_at_sorting_center",
    "sent_from_sorting_center",
    "adopted_at_target_branch",
    "out_for_delivery_to_address",
    "delivered",
)
PRICES = {"small": Decimal("15.49"), "medium": Decimal("16.99"), "large": Decimal("19.99")}
COURIER_PRICE = Decimal("18.99")

_tracking_serial = itertools.count(15611700)


def tracking_number() -> str:
    """A 24-digit number shaped like ShipX's (e.g. 523000015611700083038270)."""
    return f"5230000{next(_tracking_serial):09d}{next(_tracking_serial) % 10**8:08d}"


@dataclass
class FakeShipment:
    """One shipment in the fake: what was sent, where processing stands, and its tracking events."""

    id: int
    organization_id: int
    body: dict[str, Any]
    service: str
    created_at: dt.datetime
    status: str = "created"
    updated_at: dt.datetime | None = None
    stepped_at: dt.datetime | None = None  # when processing last moved (clock mode)
    gets: int = 0
    offers: list[dict[str, Any]] = field(default_factory=list)
    selected_offer: dict[str, Any] | None = None
    transactions: list[dict[str, Any]] = field(default_factory=list)
    tracking_number: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)  # {status, datetime, location}
    parcel_numbers: list[str] = field(default_factory=list)

    @property
    def external_customer_id(self) -> str:
        return str(self.body.get("external_customer_id") or "")

    @property
    def path(self) -> tuple[str, ...]:
        """The tracking path: to a locker or to a door; collected by a courier unless dropped off."""
        dropped = (self.body.get("custom_attributes") or {}).get("sending_method") == "parcel_locker"
        path = LOCKER_PATH if "locker" in self.service else COURIER_PATH
        return ("dispatched_by_sender" if dropped else "taken_by_courier", *path[1:])


def set_status(shipment: FakeShipment, status: str, now: dt.datetime, location: str = "") -> None:
    """Move the shipment and record the event (tracking shows it from `confirmed` on)."""
    shipment.status = status
    shipment.updated_at = now
    shipment.stepped_at = now
    shipment.events.append({"status": status, "datetime": now, "location": location})


def prepare_offers(shipment: FakeShipment, *, prepaid: bool, refusal: str | None, now: dt.datetime) -> None:
    """created -> offers_prepared: one offer, unavailable when a refusal was arranged; debit
    accounts see `rate: null` (digest §1.2)."""
    template = ((shipment.body.get("parcels") or [{}])[0]).get("template", "")
    rate = PRICES.get(template, COURIER_PRICE) if prepaid else None
    offer: dict[str, Any] = {
        "id": shipment.id * 10 + 1,
        "carrier": {"id": "inpost", "name": "InPost"},
        "service": {"id": shipment.service},
        "status": "unavailable" if refusal else "available",
        "expires_at": (now + dt.timedelta(days=1)).isoformat(),
        "rate": None if rate is None else str(rate),
        "currency": "PLN",
    }
    if refusal:
        offer["unavailability_reasons"] = [{"key": "refused", "message": refusal}]
    shipment.offers = [offer]
    set_status(shipment, "offers_prepared", now)


def buy(shipment: FakeShipment, offer_id: int, now: dt.datetime) -> None:
    """Select the offer and start the purchase transaction (confirmed on the next step)."""
    offer = next(o for o in shipment.offers if o["id"] == offer_id)
    offer["status"] = "selected"
    shipment.selected_offer = offer
    shipment.transactions.append(
        {"id": len(shipment.transactions) + 1, "status": "initiated", "offer_id": offer_id}
    )
    set_status(shipment, "offer_selected", now)


def confirm(shipment: FakeShipment, now: dt.datetime) -> None:
    """The offer is bought: tracking number assigned, label can be printed."""
    offer = shipment.selected_offer or next(o for o in shipment.offers if o["status"] == "available")
    offer["status"] = "bought"
    shipment.selected_offer = offer
    for transaction in shipment.transactions:
        transaction["status"] = "success"
    if not shipment.transactions:
        shipment.transactions.append({"id": 1, "status": "success", "offer_id": offer["id"]})
    shipment.tracking_number = tracking_number()
    shipment.parcel_numbers = [shipment.tracking_number] + [
        tracking_number() for _ in (shipment.body.get("parcels") or [])[1:]
    ]
    set_status(shipment, "confirmed", now)


def step(shipment: FakeShipment, *, prepaid: bool, refusal: str | None, now: dt.datetime) -> bool:
    """One step of the background processing; False when the shipment waits (for /buy, or done)."""
    if shipment.status == "created":
        prepare_offers(shipment, prepaid=prepaid, refusal=refusal, now=now)
        return True
    if shipment.status == "offers_prepared" and not prepaid:
        if any(offer["status"] == "available" for offer in shipment.offers):
            confirm(shipment, now)
            return True
        return False
    if shipment.status == "offer_selected":
        confirm(shipment, now)
        return True
    return False


def advance_tracking(shipment: FakeShipment, now: dt.datetime) -> str | None:
    """The next status along the shipment's tracking path after `confirmed` (None at the end)."""
    if not shipment.tracking_number:
        return None
    done = [event["status"] for event in shipment.events]
    for status in shipment.path:
        if status not in done:
            set_status(shipment, status, now)
            return status
    return None
