"""The carrier port: what the desk asks of any carrier, in carrier-neutral frozen values.

Units are fixed here so that no adapter's dialect leaks out: lengths in millimetres, weights in
grams, money as Decimal PLN (adapters convert to grosze, kg or cm on the wire), times timezone-aware.
Every adapter (InPost ShipX, DPD, Poczta Polska e-Nadawca, Allegro's "Wysyłam z Allegro") implements
`CarrierPort`; `validate()` runs the same checks `create_shipment()` runs before any request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, runtime_checkable


class LabelFormat(StrEnum):
    PDF = "pdf"
    ZPL = "zpl"


class LabelSize(StrEnum):
    A4 = "A4"  # an A4 page holds four A6 labels
    A6 = "A6"


class TrackingState(StrEnum):
    """The common lifecycle every carrier's codes map onto (see status.py)."""

    CREATED = "created"
    HANDED_OVER = "handed_over"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    READY_FOR_PICKUP = "ready_for_pickup"
    DELIVERED = "delivered"
    RETURNING = "returning"
    RETURNED = "returned"
    PROBLEM = "problem"
    CANCELLED = "cancelled"


class ShipmentState(StrEnum):
    """Where the order of a shipment stands at the carrier (not where the parcel is)."""

    PENDING = "pending"  # accepted, still being processed (ShipX offers, Allegro command IN_PROGRESS)
    CONFIRMED = "confirmed"  # waybills assigned, labels can be printed
    SENT = "sent"  # handed to the carrier's books (e-Nadawca envelope sent, DPD protocol)
    CANCELLED = "cancelled"
    FAILED = "failed"  # the carrier refused it after accepting the request (errors in a command status)


class CodSink(StrEnum):
    """Where cash on delivery goes: the seller's bank account (the broker's own contracts) or the
    seller's Allegro wallet (Wysyłam z Allegro pays only there since 2026)."""

    BANK_ACCOUNT = "bank_account"
    ALLEGRO_WALLET = "allegro_wallet"


class PointKind(StrEnum):
    LOCKER = "locker"  # InPost Paczkomat, DPD Pickup Station, automat pocztowy
    PICKUP_POINT = "pickup_point"  # PaczkoPunkt, DPD Pickup point, Żabka/Orlen/Ruch
    POST_OFFICE = "post_office"


@dataclass(frozen=True, slots=True)
class Address:
    """A sender or receiver. `street` may hold the number too ("Kwiatowa 5/3") when `building` is
    empty: adapters that need them apart use addresses.split_street()."""

    name: str
    street: str
    city: str
    postcode: str
    country: str = "PL"
    building: str = ""
    flat: str = ""
    company: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class ParcelSpec:
    """One parcel: outer dimensions in mm, weight in grams, an optional size template
    (InPost small/medium/large, gabaryt A/B/C, Pocztex S..2XL) that replaces dimensions where a
    carrier prices by template."""

    length_mm: int
    width_mm: int
    height_mm: int
    weight_g: int
    template: str = ""
    content: str = ""
    non_standard: bool = False

    @property
    def sides_mm(self) -> tuple[int, int, int]:
        """Sides from longest to shortest."""
        return tuple(sorted((self.length_mm, self.width_mm, self.height_mm), reverse=True))  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class CashOnDelivery:
    """Money the carrier collects from the buyer: PLN amount, and where it is paid out."""

    amount: Decimal
    sink: CodSink = CodSink.BANK_ACCOUNT
    iban: str = ""  # required for BANK_ACCOUNT; empty for ALLEGRO_WALLET
    currency: str = "PLN"


@dataclass(frozen=True, slots=True)
class ShipmentRequest:
    """Everything needed to order one shipment.

    `idempotency_key` is generated and stored by the desk before the first send; adapters put it
    where their carrier keeps it (ShipX external_customer_id, DPD package reference key, e-Nadawca
    guid, Allegro commandId) so that `find_shipment()` can answer whether an attempt whose outcome is
    unknown was applied. `order_id`/`delivery_method_id` tie a Wysyłam z Allegro shipment to its
    Allegro order; other carriers ignore them.
    """

    service: str
    sender: Address
    receiver: Address
    parcels: tuple[ParcelSpec, ...]
    idempotency_key: str
    reference: str = ""
    target_point: str = ""  # where the buyer collects (locker / point id)
    dropoff_point: str = ""  # where the seller drops the parcel off, when not picked up
    cod: CashOnDelivery | None = None
    insurance: Decimal | None = None  # declared value, PLN
    additional_services: tuple[str, ...] = ()
    label_text: str = ""  # free text printed on the label where the carrier has a field for it
    order_id: str = ""
    delivery_method_id: str = ""


@dataclass(frozen=True, slots=True)
class CarrierShipment:
    """A shipment as the carrier knows it."""

    carrier: str
    shipment_id: str
    state: ShipmentState
    waybills: tuple[str, ...] = ()
    service: str = ""
    reference: str = ""
    raw_status: str = ""
    price: Decimal | None = None  # what the carrier charged us, when it says (ShipX offers)
    errors: tuple[str, ...] = ()  # the carrier's reasons when state is FAILED


@dataclass(frozen=True, slots=True)
class Label:
    """A printable document: labels (PDF or ZPL) or a handover protocol (PDF)."""

    content: bytes
    format: LabelFormat
    size: LabelSize | None = None
    filename: str = ""

    @property
    def media_type(self) -> str:
        return "application/pdf" if self.format is LabelFormat.PDF else "application/x-zpl"


@dataclass(frozen=True, slots=True)
class Point:
    """A place where a parcel is dropped off or collected."""

    carrier: str
    point_id: str
    kind: PointKind
    name: str
    street: str
    city: str
    postcode: str
    latitude: float | None = None
    longitude: float | None = None
    opening_hours: str = ""
    description: str = ""
    can_send: bool = True
    can_collect: bool = True
    cod: bool = False  # cash on delivery can be collected here


@dataclass(frozen=True, slots=True)
class TrackingEvent:
    """One carrier event. `state` is the common lifecycle state it moves the parcel to, or None for an
    event that only informs (e-mail sent); `known` is False when the code was not in the map (the
    state is then the safe IN_TRANSIT and `code` keeps the raw value)."""

    code: str
    text: str
    at: dt.datetime
    state: TrackingState | None
    known: bool = True
    location: str = ""
    waybill: str = ""


@dataclass(frozen=True, slots=True)
class PickupWindow:
    """A time a courier can come: `start`/`end` are aware datetimes (Europe/Warsaw)."""

    start: dt.datetime
    end: dt.datetime
    proposal_id: str = ""  # Allegro's pickup proposal id; empty for carriers without one


@dataclass(frozen=True, slots=True)
class PickupRequest:
    """A courier call: where, when, and what is to be collected."""

    address: Address
    window: PickupWindow
    shipment_ids: tuple[str, ...] = ()
    parcel_count: int = 1
    total_weight_g: int = 0
    idempotency_key: str = ""
    comment: str = ""


@dataclass(frozen=True, slots=True)
class Pickup:
    """A courier call as the carrier accepted it; `window` is what the carrier confirmed."""

    carrier: str
    pickup_id: str
    state: str
    window: PickupWindow | None = None


@dataclass(frozen=True, slots=True)
class ParcelLimits:
    """What one parcel of a service may be: each side and their sum in mm, weight in grams;
    `templates` lists the size templates the service accepts (empty: dimensions only)."""

    max_length_mm: int
    max_width_mm: int
    max_height_mm: int
    max_weight_g: int
    max_girth_mm: int | None = None  # longest + 2*(other two), or the sum of sides, as the carrier counts
    max_sum_mm: int | None = None
    min_height_mm: int = 0
    templates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FieldLimits:
    """Text limits a carrier enforces (characters)."""

    name_max: int = 60
    street_max: int = 60
    city_max: int = 40
    reference_min: int = 0
    reference_max: int = 100
    label_text_max: int = 0  # 0: the carrier prints no free text
    content_max: int = 0


@dataclass(frozen=True, slots=True)
class Service:
    """One product of a carrier (a locker service, a courier service...)."""

    code: str
    name: str
    point_required: bool = False  # the receiver collects at `target_point`
    parcel_limits: ParcelLimits | None = None
    cod: bool = True
    max_parcels: int = 1
    additional_services: tuple[str, ...] = ()
    cod_sink: CodSink = CodSink.BANK_ACCOUNT


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a carrier allows, so the desk can offer only what will work."""

    carrier: str
    services: tuple[Service, ...]
    field_limits: FieldLimits = field(default_factory=FieldLimits)
    cod_max: Decimal = Decimal("5000.00")
    insurance_max: Decimal = Decimal("50000.00")
    label_formats: tuple[LabelFormat, ...] = (LabelFormat.PDF,)
    label_sizes: tuple[LabelSize, ...] = (LabelSize.A6, LabelSize.A4)
    cancel_until: str = "before_handover"  # "before_label" | "before_handover" | "before_sent" | "never"
    protocol: bool = True
    pickups: bool = True
    points: bool = True
    pickup_hours: tuple[dt.time, dt.time] = (dt.time(8), dt.time(18))

    def service(self, code: str) -> Service | None:
        """The service with that code, or None."""
        return next((service for service in self.services if service.code == code), None)


@runtime_checkable
class CarrierPort(Protocol):
    """What the desk needs of a carrier. Every method raises only errors.CarrierError subclasses."""

    carrier: str

    def capabilities(self) -> Capabilities:
        """Services, limits and what the carrier allows (no request when the adapter knows them)."""
        ...

    def validate(self, request: ShipmentRequest) -> None:
        """Raise CarrierValidationError naming every wrong field; sends nothing."""
        ...

    def create_shipment(self, request: ShipmentRequest) -> CarrierShipment:
        """Validate, then order the shipment once. A timeout or reset after sending raises
        OutcomeUnknown: call find_shipment() with the same idempotency key before trying again."""
        ...

    def find_shipment(self, idempotency_key: str) -> CarrierShipment | None:
        """The shipment an earlier create with this key produced, or None when it was not applied."""
        ...

    def get_shipment(self, shipment_id: str) -> CarrierShipment:
        """The shipment's current state at the carrier."""
        ...

    def labels(
        self,
        shipment_ids: list[str],
        *,
        format: LabelFormat = LabelFormat.PDF,
        size: LabelSize = LabelSize.A6,
    ) -> Label:
        """One document with the labels of the shipments."""
        ...

    def cancel(self, shipment_id: str) -> CarrierShipment:
        """Cancel; raises NotCancellable when the carrier no longer allows it."""
        ...

    def protocol(self, shipment_ids: list[str]) -> Label | None:
        """The handover protocol (manifest) as PDF, or None when the carrier has none."""
        ...

    def pickup_windows(
        self, address: Address, day: dt.date, shipment_ids: tuple[str, ...] = ()
    ) -> tuple[PickupWindow, ...]:
        """When a courier can come to `address` on `day` for the shipments (carriers that propose
        windows per shipment, like Allegro, need `shipment_ids`; others ignore them)."""
        ...

    def order_pickup(self, request: PickupRequest) -> Pickup:
        """Call a courier; the returned window is what the carrier confirmed. A lost answer raises
        OutcomeUnknown: call find_pickup() with the same request before calling again."""
        ...

    def find_pickup(self, request: PickupRequest) -> Pickup | None:
        """The courier call an earlier order_pickup(request) produced, or None when it was not applied;
        raises LookupUnsupported when the carrier cannot be asked (a person must check)."""
        ...

    def tracking(self, waybill: str, *, service: str = "") -> tuple[TrackingEvent, ...]:
        """The parcel's events, oldest first, each mapped onto the common lifecycle; `service` is the
        shipment's service where the carrier's tracking needs it (Allegro: the carrier id)."""
        ...

    def points(
        self, *, postcode: str = "", city: str = "", street: str = "", limit: int = 20
    ) -> tuple[Point, ...]:
        """Drop-off and pickup points near a postcode/city (street narrows it down)."""
        ...
