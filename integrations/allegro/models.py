"""Typed, immutable views of Allegro's answers, never raw dicts.

Most are built from Allegro's JSON by msgspec (`_wire*.py`), some of them decoded straight from it
(those whose fields map one to one onto Allegro's camelCase names), and by `_parse.py` when an
answer has a shape only the lenient parser reads. Enums (statuses, event types, payment types)
stay plain strings so a value Allegro adds later does not break parsing. Money is Decimal,
datetimes are tz-aware UTC.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec


class Dto(msgspec.Struct, frozen=True, gc=False):
    """Base of every DTO: immutable and compared by value. Made of values and other DTOs only, a
    DTO is never part of a reference cycle, so the garbage collector need not track it."""


class Price(Dto):
    """An amount with its ISO 4217 currency (Allegro sends the amount as a string)."""

    amount: Decimal
    currency: str


class Me(Dto):
    """The authenticated user (GET /me)."""

    id: str
    login: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    company_name: str | None


class OrderEvent(Dto):
    """One entry of the order event journal (GET /order/events)."""

    id: str
    type: str
    occurred_at: dt.datetime
    checkout_form_id: str | None
    revision: str | None
    seller_id: str | None
    buyer_id: str | None
    buyer_login: str | None


class RejectedRecord(Dto):
    """One element of an answer that could not be read into its DTO, kept whole so the desk can
    set it aside (quarantine) and go on with the rest of the page.

    `kind` names what it should have been (checkout_form, order_event, issue, issue_chat, rating,
    thread, thread_message, message),
    `allegro_id` is its id when one could be read, `raw` the element as JSON text.
    """

    kind: str
    allegro_id: str | None
    raw: str
    error: str


class OrderEventPage(Dto):
    """One page of GET /order/events: the readable events, the unreadable ones, and the id of the
    page's last entry (readable or not), where the cursor goes next."""

    events: tuple[OrderEvent, ...]
    rejected: tuple[RejectedRecord, ...] = ()
    last_id: str | None = None

    @property
    def size(self) -> int:
        """Entries on the page, unreadable ones included (a short page is the last one)."""
        return len(self.events) + len(self.rejected)


class EventStats(Dto):
    """The newest event in the journal (GET /order/event-stats); None ids when the journal is empty."""

    latest_event_id: str | None
    occurred_at: dt.datetime | None


class BuyerAddress(Dto, rename="camel"):
    """The buyer's own address (Allegro calls the code `postCode` here)."""

    street: str | None = None
    city: str | None = None
    post_code: str | None = None
    country_code: str | None = None


class Buyer(Dto, rename="camel"):
    """The buyer of a checkout form; `email` is usually a masked allegromail alias."""

    id: str
    login: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company_name: str | None = None
    phone_number: str | None = None
    guest: bool = False
    address: BuyerAddress | None = None


class Payment(Dto, rename="camel"):
    """The payment (or a surcharge) of a checkout form."""

    id: str | None = None
    type: str | None = None
    provider: str | None = None
    finished_at: dt.datetime | None = None
    paid_amount: Price | None = None

    @property
    def is_cash_on_delivery(self) -> bool:
        """True when the buyer pays the courier."""
        return self.type == "CASH_ON_DELIVERY"


class Fulfillment(Dto):
    """The seller-managed status and how many line items already have a tracking number."""

    status: str | None
    line_items_sent: str | None
    provider_id: str | None


class DeliveryAddress(Dto, rename="camel"):
    """Where the parcel goes (uses `zipCode`, unlike the buyer address)."""

    first_name: str | None = None
    last_name: str | None = None
    company_name: str | None = None
    street: str | None = None
    city: str | None = None
    zip_code: str | None = None
    country_code: str | None = None
    phone_number: str | None = None


class PickupPoint(Dto):
    """A parcel locker or pick-up point chosen by the buyer."""

    id: str | None
    name: str | None
    description: str | None
    street: str | None
    zip_code: str | None
    city: str | None
    country_code: str | None


class Delivery(Dto):
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


class TaxId(Dto):
    """A company tax identifier, e.g. type PL_NIP."""

    type: str
    value: str


class Invoice(Dto):
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


class LineItem(Dto):
    """One purchased offer inside a checkout form."""

    id: str
    offer_id: str | None
    offer_name: str | None
    external_id: str | None
    quantity: int
    price: Price
    original_price: Price | None
    bought_at: dt.datetime | None


class CheckoutForm(Dto):
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


class CheckoutFormPage(Dto):
    """One page of GET /order/checkout-forms: `count` on this page, `total_count` matching overall."""

    forms: tuple[CheckoutForm, ...]
    count: int
    total_count: int
    rejected: tuple[RejectedRecord, ...] = ()  # elements that could not be read

    @property
    def size(self) -> int:
        """Entries on the page, unreadable ones included (a short page is the last one)."""
        return len(self.forms) + len(self.rejected)


class OrderShipment(Dto):
    """A tracking number attached to an order."""

    id: str | None
    waybill: str | None
    carrier_id: str | None
    carrier_name: str | None
    line_item_ids: tuple[str, ...]
    created_at: dt.datetime | None


class Carrier(Dto):
    """A carrier id usable in POST /order/checkout-forms/{id}/shipments."""

    id: str
    name: str | None
