"""Turn Allegro JSON objects into the DTOs of `models.py`: the lenient parser.

Tolerant by design: optional fields may be absent or null, unknown fields are ignored and enum
values stay strings. Only what the spec marks as identity (ids, event type, prices that define an
order) is demanded; a body without it raises AllegroResponseError instead of half an object.

Lists and checkout forms are first read by msgspec (`_wire.py`); this parser reads what that
reader leaves to it (odd values it decides on), and the small answers (/me, stats, shipments).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from integrations.allegro._minimise import without_pesel
from integrations.allegro._records import parse_each
from integrations.allegro._values import (
    Json,
    boolean,
    date,
    integer,
    items,
    obj,
    price,
    required_price,
    required_text,
    text,
    timestamp,
)
from integrations.allegro.errors import AllegroResponseError
from integrations.allegro.models import (
    Buyer,
    BuyerAddress,
    Carrier,
    CheckoutForm,
    CheckoutFormPage,
    Delivery,
    DeliveryAddress,
    EventStats,
    Fulfillment,
    Invoice,
    LineItem,
    Me,
    OrderEvent,
    OrderEventPage,
    OrderShipment,
    Payment,
    PickupPoint,
    TaxId,
)

# --- user and events --------------------------------------------------------------------------


def parse_me(body: Json) -> Me:
    """GET /me."""
    return Me(
        id=required_text(body, "id", "me"),
        login=text(body.get("login")),
        first_name=text(body.get("firstName")),
        last_name=text(body.get("lastName")),
        email=text(body.get("email")),
        company_name=text(obj(body.get("company")).get("name")),
    )


def parse_order_event(data: Json) -> OrderEvent:
    """One element of OrderEventsList.events."""
    order = obj(data.get("order"))
    buyer = obj(order.get("buyer"))
    form = obj(order.get("checkoutForm"))
    occurred_at = timestamp(data.get("occurredAt"))
    if occurred_at is None:
        raise AllegroResponseError("order event: missing or unreadable 'occurredAt'")
    return OrderEvent(
        id=required_text(data, "id", "order event"),
        type=required_text(data, "type", "order event"),
        occurred_at=occurred_at,
        checkout_form_id=text(form.get("id")),
        revision=text(form.get("revision")),
        seller_id=text(obj(order.get("seller")).get("id")),
        buyer_id=text(buyer.get("id")),
        buyer_login=text(buyer.get("login")),
    )


def parse_order_events(body: Json, parse: Callable[[Json], OrderEvent] | None = None) -> OrderEventPage:
    """GET /order/events: an unreadable event is set aside, and still moves the page's end.

    `parse` reads one event (parse_order_event unless given)."""
    raw = body.get("events")
    events, rejected = parse_each(raw, parse or parse_order_event, "order_event")
    ids = [text(obj(element).get("id")) for element in raw] if isinstance(raw, list) else []
    last_id = next((event_id for event_id in reversed(ids) if event_id), None)
    return OrderEventPage(events=events, rejected=rejected, last_id=last_id)


def parse_event_stats(body: Json) -> EventStats:
    """GET /order/event-stats; an empty journal has no latestEvent."""
    latest = obj(body.get("latestEvent"))
    return EventStats(latest_event_id=text(latest.get("id")), occurred_at=timestamp(latest.get("occurredAt")))


# --- shipments and carriers ----------------------------------------------------------------------


def parse_shipment(data: Json) -> OrderShipment:
    """CheckoutFormAddWaybillCreated (POST 201 and each element of GET .../shipments)."""
    return OrderShipment(
        id=text(data.get("id")),
        waybill=text(data.get("waybill")),
        carrier_id=text(data.get("carrierId")),
        carrier_name=text(data.get("carrierName")),
        line_item_ids=tuple(i for i in (text(li.get("id")) for li in items(data.get("lineItems"))) if i),
        created_at=timestamp(data.get("createdAt")),
    )


def parse_shipments(body: Json) -> list[OrderShipment]:
    """GET /order/checkout-forms/{id}/shipments."""
    return [parse_shipment(s) for s in items(body.get("shipments"))]


def parse_carriers(body: Json) -> list[Carrier]:
    """GET /order/carriers; entries without an id are useless for adding a waybill and skipped."""
    found = ((text(c.get("id")), text(c.get("name"))) for c in items(body.get("carriers")))
    return [Carrier(id=cid, name=name) for cid, name in found if cid]


# --- checkout forms ----------------------------------------------------------------------------


def parse_checkout_form_page(
    body: Json, parse: Callable[[Json], CheckoutForm] | None = None
) -> CheckoutFormPage:
    """GET /order/checkout-forms; a form that cannot be read is set aside in `rejected`.

    `parse` reads one form (parse_checkout_form unless given)."""
    forms, rejected = parse_each(body.get("checkoutForms"), parse or parse_checkout_form, "checkout_form")
    count = integer(body.get("count"))
    total = integer(body.get("totalCount"))
    return CheckoutFormPage(
        forms=forms,
        count=len(forms) + len(rejected) if count is None else count,
        total_count=len(forms) + len(rejected) if total is None else total,
        rejected=rejected,
    )


def parse_checkout_form(data: Json) -> CheckoutForm:
    """GET /order/checkout-forms/{id} (and each element of the list)."""
    form_id = required_text(data, "id", "checkout form")
    where = f"checkout form {form_id}"
    line_items = tuple(_line_item(li, where) for li in items(data.get("lineItems")))
    bought = [li.bought_at for li in line_items if li.bought_at is not None]
    return CheckoutForm(
        id=form_id,
        status=required_text(data, "status", where),
        revision=text(data.get("revision")),
        updated_at=timestamp(data.get("updatedAt")),
        message_to_seller=text(data.get("messageToSeller")),
        note=text(obj(data.get("note")).get("text")),
        marketplace_id=text(obj(data.get("marketplace")).get("id")),
        buyer=_buyer(obj(data.get("buyer")), where),
        payment=_payment(data.get("payment")),
        fulfillment=_fulfillment(data.get("fulfillment")),
        delivery=_delivery(data.get("delivery")),
        invoice=_invoice(data.get("invoice")),
        line_items=line_items,
        surcharges=tuple(p for p in (_payment(s) for s in items(data.get("surcharges"))) if p),
        total_to_pay=required_price(obj(data.get("summary")).get("totalToPay"), where),
        bought_at=min(bought, default=None),
    )


def _buyer(data: Json, where: str) -> Buyer:
    address = obj(data.get("address"))
    return Buyer(
        id=required_text(data, "id", f"{where} buyer"),
        login=text(data.get("login")),
        email=text(data.get("email")),
        first_name=text(data.get("firstName")),
        last_name=text(data.get("lastName")),
        company_name=text(data.get("companyName")),
        phone_number=text(data.get("phoneNumber")),
        guest=boolean(data.get("guest")) or False,
        address=BuyerAddress(
            street=text(address.get("street")),
            city=text(address.get("city")),
            post_code=text(address.get("postCode")),
            country_code=text(address.get("countryCode")),
        )
        if address
        else None,
    )


def _payment(value: Any) -> Payment | None:
    data = obj(value)
    if not data:
        return None
    return Payment(
        id=text(data.get("id")),
        type=text(data.get("type")),
        provider=text(data.get("provider")),
        finished_at=timestamp(data.get("finishedAt")),
        paid_amount=price(data.get("paidAmount")),
    )


def _fulfillment(value: Any) -> Fulfillment | None:
    data = obj(value)
    if not data:
        return None
    return Fulfillment(
        status=text(data.get("status")),
        line_items_sent=text(obj(data.get("shipmentSummary")).get("lineItemsSent")),
        provider_id=text(obj(data.get("provider")).get("id")),
    )


def _delivery(value: Any) -> Delivery | None:
    data = obj(value)
    if not data:
        return None
    method, when = obj(data.get("method")), obj(data.get("time"))
    dispatch = obj(when.get("dispatch"))
    return Delivery(
        method_id=text(method.get("id")),
        method_name=text(method.get("name")),
        address=_delivery_address(data.get("address")),
        pickup_point=_pickup_point(data.get("pickupPoint")),
        cost=price(data.get("cost")),
        smart=boolean(data.get("smart")),
        time_from=timestamp(when.get("from")),
        time_to=timestamp(when.get("to")),
        dispatch_from=timestamp(dispatch.get("from")),
        dispatch_to=timestamp(dispatch.get("to")),
        number_of_packages=integer(data.get("calculatedNumberOfPackages")),
    )


def _delivery_address(value: Any) -> DeliveryAddress | None:
    data = obj(value)
    if not data:
        return None
    return DeliveryAddress(
        first_name=text(data.get("firstName")),
        last_name=text(data.get("lastName")),
        company_name=text(data.get("companyName")),
        street=text(data.get("street")),
        city=text(data.get("city")),
        zip_code=text(data.get("zipCode")),
        country_code=text(data.get("countryCode")),
        phone_number=text(data.get("phoneNumber")),
    )


def _pickup_point(value: Any) -> PickupPoint | None:
    data = obj(value)
    if not data:
        return None
    address = obj(data.get("address"))
    return PickupPoint(
        id=text(data.get("id")),
        name=text(data.get("name")),
        description=text(data.get("description")),
        street=text(address.get("street")),
        zip_code=text(address.get("zipCode")),
        city=text(address.get("city")),
        country_code=text(address.get("countryCode")),
    )


def _invoice(value: Any) -> Invoice | None:
    data = obj(value)
    if not data:
        return None
    address = obj(data.get("address"))
    company = obj(address.get("company"))
    person = obj(address.get("naturalPerson"))
    return Invoice(
        required=boolean(data.get("required")) or False,
        street=text(address.get("street")),
        city=text(address.get("city")),
        zip_code=text(address.get("zipCode")),
        country_code=text(address.get("countryCode")),
        company_name=text(company.get("name")),
        tax_ids=_tax_ids(company),
        vat_payer_status=text(company.get("vatPayerStatus")),
        natural_person_first_name=text(person.get("firstName")),
        natural_person_last_name=text(person.get("lastName")),
        due_date=date(data.get("dueDate")),
    )


def _tax_ids(company: Json) -> tuple[TaxId, ...]:
    found = tuple(
        TaxId(type=kind, value=value)
        for kind, value in ((text(i.get("type")), text(i.get("value"))) for i in items(company.get("ids")))
        if kind and value
    )
    legacy = text(company.get("taxId"))
    if not found and legacy:
        # older orders carry only the deprecated untyped taxId; keep it rather than lose the number
        found = (TaxId(type="OTHER", value=legacy),)
    return without_pesel(found)  # a private buyer's PESEL typed as a tax id is never kept


def _line_item(data: Json, where: str) -> LineItem:
    item_id = required_text(data, "id", f"{where} line item")
    offer = obj(data.get("offer"))
    return LineItem(
        id=item_id,
        offer_id=text(offer.get("id")),
        offer_name=text(offer.get("name")),
        external_id=text(obj(offer.get("external")).get("id")),
        quantity=integer(data.get("quantity")) or 0,
        price=required_price(data.get("price"), f"{where} line item {item_id}"),
        original_price=price(data.get("originalPrice")),
        bought_at=timestamp(data.get("boughtAt")),
    )
