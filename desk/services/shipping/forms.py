"""The shipment form: what carriers and services can be offered, and the form's text turned into a
ShipmentRequest, with every problem named by the form field it belongs to.

People type centimetres and kilograms with a decimal comma; the port wants millimetres and grams.
Carrier problems arrive as request paths (`receiver.postcode`, `parcels[0].weight_g`); `FIELD_OF` maps
them back to the form's fields so each message stands next to its input.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from desk.extensions import db
from desk.models.shipment import Shipment
from desk.services.billing.cod import accounts as cod_accounts
from desk.services.billing.cod import records as cod_records
from desk.services.errors import N_, ValidationError
from desk.services.shipping.dispatch import PortFor
from desk.services.shipping.pricing import quotes
from desk.services.shipping.pricing.catalog import INPOST_GABARYT, service_info
from integrations.carriers import Address, CashOnDelivery, CodSink, FieldProblem, ParcelSpec, ShipmentRequest

ADDRESS_FIELDS = ("name", "company", "street", "city", "postcode", "phone", "email")
_PATH = re.compile(r"^parcels\[\d+\]\.")


@dataclass(frozen=True)
class ServiceChoice:
    """One service the form offers."""

    carrier: str
    code: str
    name: str
    point_required: bool
    cod: bool
    additional: tuple[str, ...]


@dataclass(frozen=True)
class FieldError:
    """A problem next to a form field: a catalog message with its parameters, or a carrier problem."""

    field: str
    message: str = ""
    params: Mapping[str, object] | None = None
    problem: FieldProblem | None = None


def service_choices(port_for: PortFor, account_id: int, carriers: tuple[str, ...]) -> list[ServiceChoice]:
    """Every service of the carriers (capabilities are known without asking the carrier)."""
    choices = []
    for carrier in carriers:
        for service in port_for(carrier, account_id).capabilities().services:
            choices.append(
                ServiceChoice(
                    carrier,
                    service.code,
                    service.name,
                    service.point_required,
                    service.cod,
                    service.additional_services,
                )
            )
    return choices


def last_sender(account_id: int) -> Address | None:
    """The sender of the account's newest shipment (what the form starts from next time)."""
    request = db.session.scalar(
        select(Shipment.request)
        .where(Shipment.account_id == account_id)
        .order_by(Shipment.id.desc())
        .limit(1)
    )
    return Address(**request["sender"]) if request else None


def field_of(problem: FieldProblem) -> str:
    """The form field a carrier's problem belongs to."""
    path = _PATH.sub("parcel.", problem.field)
    return {
        "parcel.weight_g": "weight_kg",
        "parcel.dimensions": "length_cm",
        "parcel.template": "length_cm",
        "parcels": "length_cm",
        "cod.amount": "cod_amount",
        "cod.iban": "cod_iban",
        "cod": "cod_amount",
        "additional_services": "additional",
    }.get(path, path.replace(".", "_"))


def _decimal(
    form: Mapping[str, str], field: str, errors: list[FieldError], *, required: bool
) -> Decimal | None:
    text = (form.get(field) or "").strip().replace(" ", "").replace(",", ".")
    if not text:
        if required:
            errors.append(FieldError(field, N_("Required.")))
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.append(FieldError(field, N_("Not a number: %(value)s"), {"value": form.get(field)}))
        return None
    if not value.is_finite() or value < 0:
        errors.append(FieldError(field, N_("Must be zero or more.")))
        return None
    return value


def _address(form: Mapping[str, str], prefix: str) -> Address:
    values = {name: (form.get(f"{prefix}_{name}") or "").strip() for name in ADDRESS_FIELDS}
    return Address(**values)


def _parcel(form: Mapping[str, str], errors: list[FieldError]) -> ParcelSpec | None:
    sides = [_decimal(form, name, errors, required=True) for name in ("length_cm", "width_cm", "height_cm")]
    weight = _decimal(form, "weight_kg", errors, required=True)
    if weight is None or any(side is None for side in sides):
        return None
    length, width, height = (int((side * 10).to_integral_value()) for side in sides)  # type: ignore[operator]
    return ParcelSpec(
        length,
        width,
        height,
        int((weight * 1000).to_integral_value()),
        template=(form.get("template") or "").strip(),
    )


def parse_parcel(form: Mapping[str, str]) -> tuple[ParcelSpec | None, list[FieldError]]:
    """One parcel from its typed sides (cm) and weight (kg), or the errors next to those fields."""
    errors: list[FieldError] = []
    parcel = _parcel(form, errors)
    return (None, errors) if errors else (parcel, [])


def parse(
    form: Mapping[str, str], additional: list[str], *, need_service: bool = True
) -> tuple[ShipmentRequest | None, list[FieldError]]:
    """The request the form describes, or the form's own errors (numbers, required choices); for a
    price comparison the service may still be open (`need_service=False`)."""
    errors: list[FieldError] = []
    service = (form.get("service") or "").strip()
    if not service and need_service:
        errors.append(FieldError("service", N_("Choose a service.")))
    parcel = _parcel(form, errors)
    cod_amount = _decimal(form, "cod_amount", errors, required=False)
    insurance = _decimal(form, "insurance", errors, required=False)
    key = (form.get("idempotency_key") or "").strip()
    if not key:
        errors.append(FieldError("service", N_("The form is damaged. Reload the page and try again.")))
    if errors or parcel is None:
        return None, errors
    wallet = (form.get("cod_sink") or "") == CodSink.ALLEGRO_WALLET.value
    cod = None
    if cod_amount:
        sink = CodSink.ALLEGRO_WALLET if wallet else CodSink.BANK_ACCOUNT
        cod = CashOnDelivery(cod_amount, sink=sink, iban=(form.get("cod_iban") or "").strip())
    request = ShipmentRequest(
        service=service,
        sender=_address(form, "sender"),
        receiver=_address(form, "receiver"),
        parcels=(parcel,),
        idempotency_key=key[:64],
        reference=(form.get("reference") or "").strip(),
        target_point=(form.get("target_point") or "").strip(),
        dropoff_point=(form.get("dropoff_point") or "").strip(),
        cod=cod,
        insurance=insurance or None,
        additional_services=tuple(additional),
        order_id=(form.get("allegro_order_id") or "").strip(),
    )
    return request, []


def cod_tier(form: Mapping[str, str]) -> tuple[int | None, list[FieldError]]:
    """The COD payout tier chosen on the form (1, 5 or 10 working days; empty: the account's default)."""
    text = (form.get("cod_tier") or "").strip()
    if not text:
        return None, []
    try:
        return cod_accounts.parse_tier(text), []
    except ValidationError as error:
        return None, [FieldError("cod_tier", error.message)]


def default_cod_tier(account_id: int) -> int:
    """The tier the form offers first: the account's default."""
    return cod_accounts.default_tier(account_id)


def cod_of(shipment_id: int):
    """The shipment's COD record (tier, sink, bank), if it carries cash on delivery."""
    return cod_records.of_shipment(shipment_id)


def cod_bank(iban: str) -> str:
    """The bank of the account number typed for the COD ("" until it is a valid Polish account)."""
    return cod_records.bank_name(iban) if (iban or "").strip() else ""


def quote_parcels(request: ShipmentRequest, carrier: str) -> list[quotes.Parcel]:
    """The request's parcels as the price list sees them: sides, weight and, where the service is priced
    by size, its size class (an InPost template becomes gabaryt A/B/C; a size from another carrier's
    vocabulary is not this service's and is left out)."""
    info = service_info(carrier, request.service)
    sizes = info.size_classes if info else ()

    def size_of(template: str) -> str:
        size = INPOST_GABARYT.get(template, template) if carrier == "inpost" else template
        return size if size in sizes else ""

    return [
        quotes.Parcel(
            weight_g=parcel.weight_g,
            length_mm=parcel.length_mm,
            width_mm=parcel.width_mm,
            height_mm=parcel.height_mm,
            size_class=size_of(parcel.template),
        )
        for parcel in request.parcels
    ]


def price(
    account_id: int, carrier: str, request: ShipmentRequest, at: dt.date
) -> quotes.Quote | quotes.NotPriced:
    """The request priced by the account's list valid on `at` (its own, else the public one)."""
    return quotes.quote(
        account_id,
        carrier=carrier,
        service=request.service,
        parcels=quote_parcels(request, carrier),
        cod_amount=request.cod.amount if request.cod else None,
        insurance=request.insurance,
        additional_services=request.additional_services,
        at=at,
    )


def compare(
    account_id: int, request: ShipmentRequest, choices: list[ServiceChoice], at: dt.date
) -> list[tuple[ServiceChoice, quotes.Quote | quotes.NotPriced]]:
    """The same parcel priced for every service offered, side by side (cheapest priced first)."""
    pairs = [
        (
            choice,
            price(
                account_id,
                choice.carrier,
                dataclasses.replace(request, service=choice.code, additional_services=()),
                at,
            ),
        )
        for choice in choices
    ]
    return sorted(pairs, key=lambda pair: (not pair[1].priced, getattr(pair[1], "gross", 0)))
