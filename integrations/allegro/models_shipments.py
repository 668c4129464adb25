"""Typed, immutable views of 'Wysyłam z Allegro' (`/shipment-management`) and parcel tracking.

Command statuses keep Allegro's words (IN_PROGRESS, SUCCESS, ERROR); `retry_after` is the
Retry-After header of the answer (seconds), when Allegro sent one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from integrations.allegro.models import Dto

IN_PROGRESS, SUCCESS, ERROR = "IN_PROGRESS", "SUCCESS", "ERROR"


class CommandError(Dto):
    """One Error400 of a command status: `path` names the input field (``receiver.email``)."""

    code: str
    message: str
    path: str | None = None
    details: str | None = None
    user_message: str | None = None


class CommandReceipt(Dto):
    """The echo of an accepted command: not a success, only "go and poll"."""

    command_id: str
    retry_after: float | None = None


class CommandStatus(Dto):
    """A create, cancel or pickup command's status; `result_id` is the shipmentId (create, cancel)
    or the pickupId (pickup) on SUCCESS; `carrier_pickup_id` only for pickups."""

    command_id: str
    status: str
    errors: tuple[CommandError, ...] = ()
    result_id: str | None = None
    carrier_pickup_id: str | None = None
    retry_after: float | None = None

    @property
    def done(self) -> bool:
        """True once the command is SUCCESS or ERROR."""
        return self.status in (SUCCESS, ERROR)


class WzaPackage(Dto):
    """A parcel of a shipment; `waybill` is its tracking number."""

    waybill: str | None
    type: str | None = None
    text_on_label: str | None = None
    carrier_waybills: tuple[str, ...] = ()


class WzaShipment(Dto):
    """A 'Wysyłam z Allegro' shipment (GET shipments/{id}). `carrier` is the id to use for tracking."""

    id: str
    carrier: str | None
    packages: tuple[WzaPackage, ...] = ()
    reference_number: str | None = None
    label_format: str | None = None
    created_at: dt.datetime | None = None
    canceled_at: dt.datetime | None = None
    pickup_available: bool | None = None
    cash_on_delivery: Decimal | None = None
    additional_properties: dict[str, str] = {}

    @property
    def waybills(self) -> tuple[str, ...]:
        """The tracking numbers of the parcels."""
        return tuple(p.waybill for p in self.packages if p.waybill)


class DeliveryOption(Dto):
    """One way an order may be shipped, with Allegro's limits."""

    delivery_type: str | None
    payment_type: str | None
    package_type: str | None = None
    cod_limit: Decimal | None = None
    insurance_limit: Decimal | None = None


class DeliveryProposal(Dto):
    """GET delivery-proposals/{orderId}: a prefilled create input (the raw JSON, to send back after
    editing) and the order's delivery options."""

    order_id: str
    suggested_input: dict[str, Any]
    options: tuple[DeliveryOption, ...] = ()


class DeliveryService(Dto):
    """One entry of the deprecated GET delivery-services."""

    delivery_method_id: str | None
    credentials_id: str | None
    name: str | None
    carrier_id: str | None
    owner: str | None = None
    cod_payment_type: str | None = None  # MONEY_TRANSFER | WALLET_TRANSFER; None without COD


class PickupTime(Dto):
    """A window a courier can come in, to be sent back exactly as proposed."""

    date: dt.date
    min_time: str | None = None
    max_time: str | None = None


class PickupProposal(Dto):
    """When a courier can collect one shipment."""

    shipment_id: str
    times: tuple[PickupTime, ...] = ()


class WzaPickup(Dto):
    """A courier pickup ordered through 'Wysyłam z Allegro'."""

    id: str
    carrier_pickup_id: str | None = None
    carrier: str | None = None
    shipment_ids: tuple[str, ...] = ()
    waybills: tuple[str, ...] = ()


class ParcelStatus(Dto):
    """One status of Allegro's parcel tracking (code: PENDING, IN_TRANSIT, ... or a new one)."""

    occurred_at: dt.datetime
    code: str
    description: str | None = None


class ParcelTracking(Dto):
    """A waybill's tracking history, oldest first (empty when Allegro knows nothing yet)."""

    waybill: str
    statuses: tuple[ParcelStatus, ...] = ()


class AllegroPoint(Dto):
    """A pickup/drop-off point of Allegro's own network (GET /order/carriers/ALLEGRO/points)."""

    id: str
    name: str | None
    type: str | None  # PUDO | APM
    street: str | None = None
    city: str | None = None
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    services: tuple[str, ...] = ()  # PICKUP, DROPOFF
    carriers: tuple[str, ...] = ()
    description: str | None = None
