"""Checkout forms decoded by msgspec, in C, straight from the answer's bytes.

The structs below mirror Allegro's camelCase JSON where it nests differently from our DTOs;
Buyer, Payment, DeliveryAddress, Price and TaxId are decoded as they are. The functions only move
values into DTOs: every judgement is the lenient parser's (`_parse.py`). A value it would read in
its own way (a number for an id, an empty object, a time not in UTC, junk) makes msgspec or these
functions miss, and the answer is read again by that parser, so both give the same DTOs.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from integrations.allegro import _parse
from integrations.allegro._minimise import without_pesel
from integrations.allegro._records import Unusual, fast_or_lenient, utc
from integrations.allegro.models import (
    Buyer,
    BuyerAddress,
    CheckoutForm,
    CheckoutFormPage,
    Delivery,
    DeliveryAddress,
    Fulfillment,
    Invoice,
    LineItem,
    Payment,
    PickupPoint,
    Price,
    TaxId,
)


class _Wire(msgspec.Struct, rename="camel", gc=False):
    """A part of Allegro's JSON, read once and dropped."""


class _Ref(_Wire):
    id: str | None = None


class _Note(_Wire):
    text: str | None = None


class _ShipmentSummary(_Wire):
    line_items_sent: str | None = None


class _Fulfillment(_Wire):
    status: str | None = None
    shipment_summary: _ShipmentSummary | None = None
    provider: _Ref | None = None


class _Method(_Wire):
    id: str | None = None
    name: str | None = None


class _Window(_Wire):
    from_: dt.datetime | None = msgspec.field(default=None, name="from")
    to: dt.datetime | None = None


class _Time(_Window):
    dispatch: _Window | None = None


class _PlaceAddress(_Wire):
    street: str | None = None
    zip_code: str | None = None
    city: str | None = None
    country_code: str | None = None


class _PickupPoint(_Wire):
    id: str | None = None
    name: str | None = None
    description: str | None = None
    address: _PlaceAddress | None = None


class _Delivery(_Wire):
    address: DeliveryAddress | None = None
    method: _Method | None = None
    pickup_point: _PickupPoint | None = None
    cost: Price | None = None
    smart: bool | None = None
    time: _Time | None = None
    calculated_number_of_packages: int | None = None


class _Company(_Wire):
    name: str | None = None
    ids: tuple[TaxId, ...] = ()
    tax_id: str | None = None
    vat_payer_status: str | None = None


class _Person(_Wire):
    first_name: str | None = None
    last_name: str | None = None


class _InvoiceAddress(_PlaceAddress):
    company: _Company | None = None
    natural_person: _Person | None = None


class _Invoice(_Wire):
    required: bool | None = None
    address: _InvoiceAddress | None = None
    due_date: dt.date | None = None


class _Offer(_Wire):
    id: str | None = None
    name: str | None = None
    external: _Ref | None = None


class _LineItem(_Wire):
    id: str
    price: Price
    offer: _Offer | None = None
    quantity: int | None = None
    original_price: Price | None = None
    bought_at: dt.datetime | None = None


class _Summary(_Wire):
    total_to_pay: Price


class _Form(_Wire):
    id: str
    status: str
    buyer: Buyer
    summary: _Summary
    revision: str | None = None
    updated_at: dt.datetime | None = None
    message_to_seller: str | None = None
    note: _Note | None = None
    marketplace: _Ref | None = None
    payment: Payment | None = None
    fulfillment: _Fulfillment | None = None
    delivery: _Delivery | None = None
    invoice: _Invoice | None = None
    line_items: tuple[_LineItem, ...] = ()
    surcharges: tuple[Payment, ...] = ()


class _FormPage(_Wire):
    checkout_forms: tuple[_Form, ...] = ()
    count: int | None = None
    total_count: int | None = None


# Absent parts read as these, so that one attribute access replaces a test for None.
_NO_REF = _Ref()
_NO_OFFER = _Offer()
_NO_METHOD = _Method()
_NO_TIME = _Time()
_NO_WINDOW = _Window()
_NO_PLACE = _InvoiceAddress()
_NO_COMPANY = _Company()
_NO_PERSON = _Person()
_NO_NOTE = _Note()
_NO_SUMMARY = _ShipmentSummary()
# An empty object reads as None in the lenient parser, an object of nulls as a DTO of Nones;
# decoded, both look like these, so meeting one leaves the decision to that parser.
_EMPTY = {
    BuyerAddress: BuyerAddress(),
    Payment: Payment(),
    DeliveryAddress: DeliveryAddress(),
    _Fulfillment: _Fulfillment(),
    _PickupPoint: _PickupPoint(),
    _Delivery: _Delivery(),
    _Invoice: _Invoice(),
}

_FORM = msgspec.json.Decoder(_Form)
_FORM_PAGE = msgspec.json.Decoder(_FormPage)


def _present(value):
    """The decoded part, None when absent; an empty object is Unusual."""
    if value is not None and value == _EMPTY[type(value)]:
        raise Unusual
    return value


# --- checkout forms ------------------------------------------------------------------------------


def checkout_form_page(content: bytes) -> CheckoutFormPage:
    """GET /order/checkout-forms, from the answer's bytes."""
    page = _FORM_PAGE.decode(content)
    forms = tuple(map(_form, page.checkout_forms))
    size = len(forms)
    return CheckoutFormPage(
        forms=forms,
        count=size if page.count is None else page.count,
        total_count=size if page.total_count is None else page.total_count,
    )


def checkout_form(content: bytes) -> CheckoutForm:
    """GET /order/checkout-forms/{id}, from the answer's bytes."""
    return _form(_FORM.decode(content))


def _form(w: _Form) -> CheckoutForm:
    buyer = w.buyer
    if not (w.id and w.status and buyer.id):
        raise Unusual  # the lenient parser refuses empty identity fields
    _present(buyer.address)
    line_items = tuple(map(_line_item, w.line_items))
    bought = [item.bought_at for item in line_items if item.bought_at is not None]
    return CheckoutForm(
        id=w.id,
        status=w.status,
        revision=w.revision,
        updated_at=utc(w.updated_at),
        message_to_seller=w.message_to_seller,
        note=(w.note or _NO_NOTE).text,
        marketplace_id=(w.marketplace or _NO_REF).id,
        buyer=buyer,
        payment=_payment(w.payment),
        fulfillment=_fulfillment(w.fulfillment),
        delivery=_delivery(w.delivery),
        invoice=_invoice(w.invoice),
        line_items=line_items,
        surcharges=tuple(map(_payment, w.surcharges)),
        total_to_pay=w.summary.total_to_pay,
        bought_at=min(bought, default=None),
    )


def _payment(payment: Payment | None) -> Payment | None:
    if _present(payment) is not None:
        utc(payment.finished_at)
    return payment


def _fulfillment(w: _Fulfillment | None) -> Fulfillment | None:
    if _present(w) is None:
        return None
    return Fulfillment(
        status=w.status,
        line_items_sent=(w.shipment_summary or _NO_SUMMARY).line_items_sent,
        provider_id=(w.provider or _NO_REF).id,
    )


def _delivery(w: _Delivery | None) -> Delivery | None:
    if _present(w) is None:
        return None
    method, time = w.method or _NO_METHOD, w.time or _NO_TIME
    dispatch = time.dispatch or _NO_WINDOW
    return Delivery(
        method_id=method.id,
        method_name=method.name,
        address=_present(w.address),
        pickup_point=_pickup_point(w.pickup_point),
        cost=w.cost,
        smart=w.smart,
        time_from=utc(time.from_),
        time_to=utc(time.to),
        dispatch_from=utc(dispatch.from_),
        dispatch_to=utc(dispatch.to),
        number_of_packages=w.calculated_number_of_packages,
    )


def _pickup_point(w: _PickupPoint | None) -> PickupPoint | None:
    if _present(w) is None:
        return None
    address = w.address or _NO_PLACE
    return PickupPoint(
        id=w.id,
        name=w.name,
        description=w.description,
        street=address.street,
        zip_code=address.zip_code,
        city=address.city,
        country_code=address.country_code,
    )


def _invoice(w: _Invoice | None) -> Invoice | None:
    if _present(w) is None:
        return None
    address = w.address or _NO_PLACE
    company, person = address.company or _NO_COMPANY, address.natural_person or _NO_PERSON
    tax_ids = tuple(tax_id for tax_id in company.ids if tax_id.type and tax_id.value)
    if not tax_ids and company.tax_id:
        tax_ids = (TaxId(type="OTHER", value=company.tax_id),)  # see _parse._tax_ids
    tax_ids = without_pesel(tax_ids)
    return Invoice(
        required=bool(w.required),
        street=address.street,
        city=address.city,
        zip_code=address.zip_code,
        country_code=address.country_code,
        company_name=company.name,
        tax_ids=tax_ids,
        vat_payer_status=company.vat_payer_status,
        natural_person_first_name=person.first_name,
        natural_person_last_name=person.last_name,
        due_date=w.due_date,
    )


def _line_item(w: _LineItem) -> LineItem:
    if not w.id:
        raise Unusual
    offer = w.offer or _NO_OFFER
    return LineItem(
        id=w.id,
        offer_id=offer.id,
        offer_name=offer.name,
        external_id=(offer.external or _NO_REF).id,
        quantity=w.quantity or 0,
        price=w.price,
        original_price=w.original_price,
        bought_at=utc(w.bought_at),
    )


# --- read again by the lenient parser ------------------------------------------------------------

read_checkout_form = fast_or_lenient(_Form, _form, _parse.parse_checkout_form)


def lenient_checkout_form_page(body) -> CheckoutFormPage:
    """The page read by the lenient parser, each form still tried fast first."""
    return _parse.parse_checkout_form_page(body, parse=read_checkout_form)

