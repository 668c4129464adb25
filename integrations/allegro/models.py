"""Typed, immutable views of Allegro's answers; built by `_parse.py`, never raw dicts.

Enums (statuses, event types, payment types) stay plain strings so a value Allegro adds later
does not break parsing. Money is Decimal, datetimes are tz-aware UTC.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Price:
    """An amount with its ISO 4217 currency (Allegro sends the amount as a string)."""

    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class Me:
    """The authenticated user (GET /me)."""

    id: str
    login: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    company_name: str | None


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """One entry of the order event journal (GET /order/events)."""

    id: str
    type: str
    occurred_at: dt.datetime
    checkout_form_id: str | None
    revision: str | None
    seller_id: str | None
    buyer_id: str | None
    buyer_login: str | None


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    """One element of an answer that could not be read into its DTO, kept whole so the desk can
    set it aside (quarantine) and go on with the rest of the page.

    `kind` names what it should have been (checkout_form, order_event, issue, issue_chat, rating),
    `allegro_id` is its id when one could be read, `raw` the element as JSON text.
    """

    kind: str
    allegro_id: str | None
    raw: str
    error: str


@dataclass(frozen=True, slots=True)
class OrderEventPage:
    """One page of GET /order/events: the readable events, the unreadable ones, and the id of the
    page's last entry (readable or not), where the cursor goes next."""

    events: tuple[OrderEvent, ...]
    rejected: tuple[RejectedRecord, ...] = ()
    last_id: str | None = None

    @property
    def size(self) -> int:
        """Entries on the page, unreadable ones included (a short page is the last one)."""
        return len(self.events) + len(self.rejected)


@dataclass(frozen=True, slots=True)
class EventStats:
    """The newest event in the journal (GET /order/event-stats); None ids when the journal is empty."""

    latest_event_id: str | None
    occurred_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class BuyerAddress:
    """The buyer's own address (Allegro calls the code `postCode` here)."""

    street: str | None
    city: str | None
    post_code: str | None
    country_code: str | None


@dataclass(frozen=True, slots=True)
class Buyer:
    """The buyer of a checkout form; `email` is usually a masked allegromail alias."""

    id: str
    login: str | None
    email: str | None
    first_name: str | None
    last_name: str | None
    company_name: str | None
    phone_number: str | None
    guest: bool
    address: BuyerAddress | None


@dataclass(frozen=True, slots=True)
class Payment:
    """The payment (or a surcharge) of a checkout form."""

    id: str | None
    type: str | None
    provider: str | None
    finished_at: dt.datetime | None
    paid_amount: Price | None

    @property
    def is_cash_on_delivery(self) -> bool:
        """True when the buyer pays the courier."""
        return self.type == "CASH_ON_DELIVERY"


@dataclass(frozen=True, slots=True)
class Fulfillment:
    """The seller-managed status and how many line items already have a tracking number."""

    status: str | None
    line_items_sent: str | None
    provider_id: str | None


@dataclass(frozen=True, slots=True)
class DeliveryAddress:
    """Where the parcel goes (uses `zipCode`, unlike the buyer address)."""

    first_name: str | None
    last_name: str | None
    company_name: str | None
    street: str | None
    city: str | None
    zip_code: str | None
    country_code: str | None
    phone_number: str | None


@dataclass(frozen=True, slots=True)
class PickupPoint:
    """A parcel locker or pick-up point chosen by the buyer."""

    id: str | None
    name: str | None
    description: str | None
    street: str | None
    zip_code: str | None
    city: str | None
    country_code: str | None


@dataclass(frozen=True, slots=True)
class Delivery:
    """The delivery chosen by the buyer, with its time windows."""

    method_id: str | None
    method_name: str | None
    address: DeliveryAddress | None
    pickup_point: PickupPoint | None
    cost: Price | None
    smart: bool | None
    time_from: dt.datetime | None
    time_to: dt.datetime | None
    dispatch_from: dt.datetime | None
    dispatch_to: dt.datetime | None
    number_of_packages: int | None


@dataclass(frozen=True, slots=True)
class TaxId:
    """A company tax identifier, e.g. type PL_NIP."""

    type: str
    value: str


@dataclass(frozen=True, slots=True)
class Invoice:
    """Invoice data; `company_name` None means a private purchase."""

    required: bool
    street: str | None
    city: str | None
    zip_code: str | None
    country_code: str | None
    company_name: str | None
    tax_ids: tuple[TaxId, ...]
    vat_payer_status: str | None
    natural_person_first_name: str | None
    natural_person_last_name: str | None
    due_date: dt.date | None


@dataclass(frozen=True, slots=True)
class LineItem:
    """One purchased offer inside a checkout form."""

    id: str
    offer_id: str | None
    offer_name: str | None
    external_id: str | None
    quantity: int
    price: Price
    original_price: Price | None
    bought_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class CheckoutForm:
    """An order (GET /order/checkout-forms/{id})."""

    id: str
    status: str
    revision: str | None
    updated_at: dt.datetime | None
    message_to_seller: str | None
    note: str | None
    marketplace_id: str | None
    buyer: Buyer
    payment: Payment | None
    fulfillment: Fulfillment | None
    delivery: Delivery | None
    invoice: Invoice | None
    line_items: tuple[LineItem, ...]
    surcharges: tuple[Payment, ...]
    total_to_pay: Price
    bought_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class CheckoutFormPage:
    """One page of GET /order/checkout-forms: `count` on this page, `total_count` matching overall."""

    forms: tuple[CheckoutForm, ...]
    count: int
    total_count: int
    rejected: tuple[RejectedRecord, ...] = ()  # elements that could not be read

    @property
    def size(self) -> int:
        """Entries on the page, unreadable ones included (a short page is the last one)."""
        return len(self.forms) + len(self.rejected)


@dataclass(frozen=True, slots=True)
class OrderShipment:
    """A tracking number attached to an order."""

    id: str | None
    waybill: str | None
    carrier_id: str | None
    carrier_name: str | None
    line_item_ids: tuple[str, ...]
    created_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Carrier:
    """A carrier id usable in POST /order/checkout-forms/{id}/shipments."""

    id: str
    name: str | None
