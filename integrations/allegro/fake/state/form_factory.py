"""Builds realistic checkout forms (Allegro's order JSON) from the Polish reference data."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from integrations.allegro.fake.state import data
from integrations.allegro.fake.timeutil import iso

COMPANY_SHARE = 0.15
CASH_ON_DELIVERY_SHARE = 0.15
MESSAGE_SHARE = 0.2
PAID_STATUSES = frozenset({"READY_FOR_PROCESSING"})


_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


def new_uuid(rng: random.Random) -> str:
    """A version-4 UUID drawn from `rng` (seeded runs give the same ids)."""
    # formatted by hand: uuid.UUID() is the bottleneck when generating 50 000 orders
    text = f"{rng.getrandbits(128) & _UUID4_CLEAR | _UUID4_SET:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def new_revision(rng: random.Random) -> str:
    """An 8-hex-digit checkout form revision like '819b5836'."""
    return f"{rng.getrandbits(32):08x}"


def price(amount: Decimal | str) -> dict[str, str]:
    """Allegro's Price: the amount as a string with two decimals."""
    return {"amount": f"{Decimal(amount):.2f}", "currency": "PLN"}


def make_buyer(rng: random.Random) -> dict[str, Any]:
    """A buyer with a Polish name, an allegromail alias and a home address (postCode, not zipCode)."""
    female = rng.random() < 0.5
    first = rng.choice(data.FEMALE_FIRST_NAMES if female else data.MALE_FIRST_NAMES)
    surname = rng.choice(data.SURNAMES)
    last = data.feminine_surname(surname) if female else surname
    place = rng.choice(data.PLACES)
    buyer: dict[str, Any] = {
        "id": str(rng.randint(10_000_000, 99_999_999)),
        "email": data.allegromail_alias(rng),
        "login": data.random_login(rng, first, last),
        "firstName": first,
        "lastName": last,
        "guest": rng.random() < 0.03,
        "phoneNumber": data.random_phone(rng),
        "preferences": {"language": "pl-PL"},
        "address": {
            "street": f"{place.street} {data.house_number(rng)}",
            "city": place.city,
            "postCode": place.post_code,
            "countryCode": "PL",
        },
    }
    if rng.random() < COMPANY_SHARE:
        buyer["companyName"] = _company_name(rng, first, surname)
    return buyer


def _company_name(rng: random.Random, first: str, surname: str) -> str:
    short = data.ascii_fold(surname)[:3].upper()
    return rng.choice(data.COMPANY_NAMES).format(surname=surname, first=first, short=short)


def make_line_items(rng: random.Random, bought_at: dt.datetime) -> list[dict[str, Any]]:
    """One to three different products, usually one piece each."""
    products = rng.sample(data.PRODUCTS, k=rng.choices((1, 2, 3), weights=(70, 22, 8))[0])
    items = []
    for product in products:
        original = Decimal(product.price)
        discounted = rng.random() < 0.1
        unit = (original * Decimal("0.9")).quantize(Decimal("0.01")) if discounted else original
        item: dict[str, Any] = {
            "id": new_uuid(rng),
            "offer": {"id": product.offer_id, "name": product.name, "external": {"id": product.sku}},
            "quantity": rng.choices((1, 2, 3), weights=(80, 15, 5))[0],
            "originalPrice": price(original),
            "price": price(unit),
            "tax": {"rate": "23.00", "subject": "GOODS", "exemption": None},
            "selectedAdditionalServices": [],
            "vouchers": [],
            "boughtAt": iso(bought_at),
        }
        if discounted:
            item["discounts"] = [{"type": "COUPON"}]
        items.append(item)
    return items


def items_total(items: list[dict[str, Any]]) -> Decimal:
    """Sum of price × quantity over line items."""
    return sum((Decimal(i["price"]["amount"]) * i["quantity"] for i in items), Decimal("0"))


def make_delivery(
    rng: random.Random, buyer: dict[str, Any], method: data.DeliveryMethod, bought_at: dt.datetime
) -> dict[str, Any]:
    """Delivery with the receiver's address (zipCode), the method, a pickup point and the time window."""
    smart = method.smart and rng.random() < 0.4
    address = buyer["address"]
    delivery: dict[str, Any] = {
        "address": {
            "firstName": buyer["firstName"],
            "lastName": buyer["lastName"],
            "street": address["street"],
            "city": address["city"],
            "zipCode": address["postCode"],
            "countryCode": "PL",
            "phoneNumber": buyer["phoneNumber"],
        },
        "method": {"id": method.id, "name": method.name},
        "cost": price("0.00" if smart else method.cost),
        "time": {
            "from": iso(bought_at + dt.timedelta(days=1)),
            "to": iso(bought_at + dt.timedelta(days=3)),
            "dispatch": {"from": iso(bought_at), "to": iso(bought_at + dt.timedelta(days=1))},
        },
        "smart": smart,
        "calculatedNumberOfPackages": 1,
    }
    if "companyName" in buyer:
        delivery["address"]["companyName"] = buyer["companyName"]
    if method.pickup:
        delivery["pickupPoint"] = make_pickup_point(rng, buyer["address"]["city"], method.pickup)
    return delivery


def make_pickup_point(rng: random.Random, city: str, kind: str) -> dict[str, Any]:
    """An InPost parcel locker ('KRA01M') or an Allegro One Box in the buyer's town."""
    place = rng.choice([p for p in data.PLACES if p.city == city] or data.PLACES)
    if kind == "inpost":
        point_id = f"{place.inpost}{rng.randint(1, 99):02d}{rng.choice('AMNP')}"
        name = f"Paczkomat {point_id}"
    else:
        point_id = f"AOB{place.inpost}{rng.randint(1, 9999):04d}"
        name = f"Allegro One Box {point_id}"
    return {
        "id": point_id,
        "name": name,
        "description": rng.choice(data.LOCKER_SPOTS),
        "address": {
            "street": f"{place.street} {rng.randint(1, 150)}",
            "zipCode": place.post_code,
            "city": place.city,
            "countryCode": "PL",
        },
    }


def make_invoice(rng: random.Random, buyer: dict[str, Any]) -> dict[str, Any]:
    """Company buyers ask for a VAT invoice with a checksum-valid NIP; a few private buyers too."""
    address = buyer["address"]
    base = {
        "street": address["street"],
        "city": address["city"],
        "zipCode": address["postCode"],
        "countryCode": "PL",
    }
    if "companyName" in buyer:
        nip = data.random_nip(rng)
        company = {
            "name": buyer["companyName"],
            "ids": [{"type": "PL_NIP", "value": nip}],
            "vatPayerStatus": "ACTIVE",
            "taxId": nip,
        }
        return {"required": True, "address": {**base, "company": company}, "features": []}
    if rng.random() < 0.05:
        person = {"firstName": buyer["firstName"], "lastName": buyer["lastName"]}
        return {"required": True, "address": {**base, "naturalPerson": person}, "features": []}
    return {"required": False}


def make_payment(
    rng: random.Random, *, cash_on_delivery: bool, total: Decimal, paid_at: dt.datetime | None
) -> dict[str, Any]:
    """ONLINE via PayU/Przelewy24 (paid once finished) or CASH_ON_DELIVERY (provider OFFLINE)."""
    payment: dict[str, Any] = {"id": new_uuid(rng)}
    if cash_on_delivery:
        payment.update(type="CASH_ON_DELIVERY", provider="OFFLINE")
        return payment
    payment.update(type="ONLINE", provider=rng.choices(("PAYU", "P24"), weights=(65, 35))[0])
    if rng.random() < 0.1:
        payment["features"] = ["ALLEGRO_PAY"]
    if paid_at is not None:
        mark_paid(payment, total, paid_at)
    return payment


def mark_paid(payment: dict[str, Any], total: Decimal, paid_at: dt.datetime) -> None:
    """Record a finished online payment (cash on delivery is never paid up front)."""
    if payment["type"] != "CASH_ON_DELIVERY":
        payment["finishedAt"] = iso(paid_at)
        payment["paidAmount"] = price(total)


def make_checkout_form(
    rng: random.Random,
    *,
    bought_at: dt.datetime,
    status: str,
    buyer: dict[str, Any] | None = None,
    paid_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """A complete CheckoutForm as GET /order/checkout-forms/{id} returns it.

    Paid statuses get a payment finished at `paid_at` (default: a few minutes after buying).
    """
    buyer = buyer or make_buyer(rng)
    cash_on_delivery = rng.random() < CASH_ON_DELIVERY_SHARE
    method = rng.choice(data.CASH_ON_DELIVERY_METHODS if cash_on_delivery else data.DELIVERY_METHODS)
    items = make_line_items(rng, bought_at)
    delivery = make_delivery(rng, buyer, method, bought_at)
    total = items_total(items) + Decimal(delivery["cost"]["amount"])
    if status not in PAID_STATUSES:
        paid_at = None
    elif paid_at is None:
        paid_at = bought_at + dt.timedelta(minutes=rng.randint(1, 20))
    form: dict[str, Any] = {"id": new_uuid(rng)}
    if rng.random() < MESSAGE_SHARE:
        form["messageToSeller"] = rng.choice(data.MESSAGES_TO_SELLER)
    form.update(
        buyer=buyer,
        payment=make_payment(rng, cash_on_delivery=cash_on_delivery, total=total, paid_at=paid_at),
        status=status,
        fulfillment={
            "status": "NEW",
            "shipmentSummary": {"lineItemsSent": "NONE"},
            "provider": {"id": "SELLER"},
        },
        delivery=delivery,
        invoice=make_invoice(rng, buyer),
        lineItems=items,
        surcharges=[],
        marketplace={"id": "allegro-pl"},
        summary={"totalToPay": price(total)},
        updatedAt=iso(paid_at or bought_at),
        revision=new_revision(rng),
    )
    return form
