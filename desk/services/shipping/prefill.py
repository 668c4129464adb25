"""What a shipment of an order most likely is: the carrier and service the buyer's delivery method asks
for, the receiver or the chosen point, cash on delivery, declared value and reference.

Allegro's delivery method names say it ("Allegro Paczkomaty InPost", "Allegro Kurier DPD pobranie",
"Allegro Pocztex Kurier 48"); the rules below read them in order, first match wins. A method nothing
matches (personal pick-up, a carrier the broker does not serve) leaves the choice to the agent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, Shipment
from desk.services.errors import N_, NotFoundError
from integrations.carriers import Address

# (words that must all appear in the method's name, lower case) -> (carrier, service)
METHOD_RULES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("paczkomat",), "inpost", "inpost_locker_standard"),
    (("paczkopunkt",), "inpost", "inpost_locker_customer_service_point"),
    (("inpost", "kurier"), "inpost", "inpost_courier_standard"),
    (("dpd", "pickup"), "dpd", "dpd_pickup"),
    (("dpd", "punkt"), "dpd", "dpd_pickup"),
    (("dpd",), "dpd", "dpd_classic"),
    (("pocztex", "punkt"), "poczta", "pocztex_punkt"),
    (("odbiór w punkcie", "poczt"), "poczta", "pocztex_punkt"),
    (("pocztex",), "poczta", "pocztex_kurier"),
    (("paczka pocztowa",), "poczta", "paczka_pocztowa"),
)
COD_WORDS = ("pobranie", "za pobraniem")


@dataclass(frozen=True)
class Fit:
    """The carrier and service a delivery method asks for, and whether the buyer pays on delivery."""

    carrier: str
    service: str
    cash_on_delivery: bool


@dataclass(frozen=True)
class Draft:
    """The shipment form's starting values for an order."""

    fit: Fit | None
    receiver: Address
    target_point: str
    cod_amount: Decimal | None
    insurance: Decimal
    reference: str


def fit_for(method_name: str | None, *, cash_on_delivery: bool = False) -> Fit | None:
    """The carrier/service the delivery method names (None when no rule matches)."""
    name = (method_name or "").casefold()
    cod = cash_on_delivery or any(word in name for word in COD_WORDS)
    for words, carrier, service in METHOD_RULES:
        if all(word in name for word in words):
            return Fit(carrier, service, cod)
    return None


def receiver_of(order: Order) -> Address:
    """The buyer's delivery address, phone and e-mail (the Allegro alias, which carriers accept)."""
    address = order.delivery_address or {}
    first = address.get("first_name") or order.buyer_first_name or ""
    last = address.get("last_name") or order.buyer_last_name or ""
    return Address(
        name=f"{first} {last}".strip() or (order.buyer_login or ""),
        company=address.get("company_name") or "",
        street=address.get("street") or "",
        city=address.get("city") or "",
        postcode=address.get("zip_code") or "",
        country=address.get("country_code") or "PL",
        phone=address.get("phone_number") or order.buyer_phone or "",
        email=order.buyer_email or "",
    )


def draft_for(order: Order) -> Draft:
    """The form's starting values: COD for cash-on-delivery orders (the order's total), declared value =
    order value, reference = the order's number, the buyer's point when they chose one."""
    fit = fit_for(order.delivery_method_name, cash_on_delivery=bool(order.is_cash_on_delivery))
    point = (order.pickup_point or {}).get("id") or ""
    cod = order.total_amount if fit is not None and fit.cash_on_delivery else None
    return Draft(
        fit=fit,
        receiver=receiver_of(order),
        target_point=point,
        cod_amount=cod,
        insurance=order.total_amount,
        reference=order.allegro_id,
    )


def order_to_ship(order_id: int, account_ids: set[int] | None) -> Order:
    """The order, if the caller may see it; NotFoundError otherwise (no hint that it exists)."""
    order = db.session.get(Order, order_id)
    if order is None or (account_ids is not None and order.account_id not in account_ids):
        raise NotFoundError(N_("Order not found."))
    return order


def shipment_of(shipment_id: int, account_ids: set[int] | None) -> Shipment:
    """The shipment, if the caller may see its account; NotFoundError otherwise."""
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None or (account_ids is not None and shipment.account_id not in account_ids):
        raise NotFoundError(N_("Shipment not found."))
    return shipment


def shipments_of_order(order_id: int) -> list[Shipment]:
    """The order's shipments, newest first."""
    return list(
        db.session.scalars(select(Shipment).where(Shipment.order_id == order_id).order_by(Shipment.id.desc()))
    )
