"""Checks every adapter runs before any request, from the carrier's Capabilities.

Each problem names its field with a dotted path of ShipmentRequest and a stable `code`; the desk
turns codes into Polish sentences (its label table), so nothing here is user-facing prose.
Adapters add their own rules by passing `extra` problems to `raise_if_any`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import phonenumbers
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from integrations.carriers.base import (
    Address,
    Capabilities,
    CodSink,
    FieldLimits,
    ParcelLimits,
    ParcelSpec,
    Service,
    ShipmentRequest,
)
from integrations.carriers.errors import CarrierValidationError, FieldProblem

# every code a check can produce (the desk has a Polish sentence for each)
CODES = (
    "required",
    "too_long",
    "too_short",
    "postcode_format",
    "postcode_unknown",
    "phone_invalid",
    "email_invalid",
    "iban_invalid",
    "iban_not_polish",
    "service_unknown",
    "point_required",
    "parcels_none",
    "parcels_too_many",
    "dimension_invalid",
    "too_long_side",
    "too_heavy",
    "too_big",
    "too_thin",
    "template_unknown",
    "cod_not_available",
    "cod_above_max",
    "cod_invalid",
    "insurance_above_max",
    "insurance_invalid",
    "additional_service_unknown",
    "country_unsupported",
)

POSTCODE = re.compile(r"^\d{2}-\d{3}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PL = "PL"


def problem(field: str, code: str, message: str, **params: Any) -> FieldProblem:
    """A FieldProblem (shorthand used by every adapter)."""
    return FieldProblem(field=field, code=code, message=message, params=params)


def check_text(
    field: str, value: str, *, max_len: int, min_len: int = 0, required: bool = False
) -> list[FieldProblem]:
    """Presence and length of a text field; `min_len` applies only to a value that is given (an
    optional reference may be empty, but not shorter than the carrier's minimum)."""
    value = value.strip()
    if not value:
        return [problem(field, "required", "is required")] if required else []
    if len(value) > max_len:
        return [
            problem(field, "too_long", f"longer than {max_len} characters", max=max_len, length=len(value))
        ]
    if len(value) < min_len:
        return [
            problem(field, "too_short", f"shorter than {min_len} characters", min=min_len, length=len(value))
        ]
    return []


def check_postcode(field: str, value: str, country: str = PL) -> list[FieldProblem]:
    """Polish postcodes are NN-NNN (other countries are not offered)."""
    if country != PL:
        return [
            problem(
                field.rsplit(".", 1)[0] + ".country",
                "country_unsupported",
                "only PL is offered",
                country=country,
            )
        ]
    if not POSTCODE.match(value.strip()):
        return [problem(field, "postcode_format", "must look like 00-950", value=value)]
    return []


def normalize_phone(value: str) -> str:
    """The national number of a Polish phone ("+48 600-100-200" -> "600100200"); raises ValueError."""
    try:
        number = phonenumbers.parse(value, PL)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(str(exc)) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return str(number.national_number)


def is_mobile(value: str) -> bool:
    """True for a valid Polish mobile number (locker notices go by SMS)."""
    try:
        number = phonenumbers.parse(value, PL)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def check_phone(field: str, value: str, *, required: bool) -> list[FieldProblem]:
    """A phone the carrier can text or call."""
    if not value.strip():
        return [problem(field, "required", "is required")] if required else []
    try:
        normalize_phone(value)
    except ValueError:
        return [problem(field, "phone_invalid", "is not a valid phone number", value=value)]
    return []


def check_email(field: str, value: str, *, required: bool) -> list[FieldProblem]:
    """An e-mail address of plausible shape."""
    if not value.strip():
        return [problem(field, "required", "is required")] if required else []
    if not EMAIL.match(value.strip()) or len(value) > 100:
        return [problem(field, "email_invalid", "is not a valid e-mail address", value=value)]
    return []


def check_iban(field: str, value: str) -> list[FieldProblem]:
    """A Polish bank account (COD payouts go to Polish accounts only)."""
    if not value.strip():
        return [problem(field, "required", "is required for cash on delivery to a bank account")]
    compact = value.replace(" ", "").upper()
    if compact.isdigit() and len(compact) == 26:
        compact = "PL" + compact  # Poles write the NRB without the country code
    try:
        iban = IBAN(compact)
    except SchwiftyException as exc:
        return [problem(field, "iban_invalid", f"is not a valid account number ({exc})", value=value)]
    if iban.country_code != PL:
        return [problem(field, "iban_not_polish", "must be a Polish account", country=iban.country_code)]
    return []


def check_address(
    prefix: str, address: Address, limits: FieldLimits, *, phone: bool, email: bool
) -> list[FieldProblem]:
    """Name, street, city, postcode and contact of one address."""
    found = check_text(
        f"{prefix}.name", address.name or address.company, max_len=limits.name_max, required=True
    )
    found += check_text(f"{prefix}.company", address.company, max_len=limits.name_max)
    found += check_text(f"{prefix}.street", address.street, max_len=limits.street_max, required=True)
    found += check_text(f"{prefix}.city", address.city, max_len=limits.city_max, required=True)
    found += check_postcode(f"{prefix}.postcode", address.postcode, address.country)
    found += check_phone(f"{prefix}.phone", address.phone, required=phone)
    found += check_email(f"{prefix}.email", address.email, required=email)
    return found


def check_parcel(index: int, parcel: ParcelSpec, limits: ParcelLimits | None) -> list[FieldProblem]:
    """Dimensions and weight of one parcel against the service's limits."""
    field = f"parcels[{index}]"
    found: list[FieldProblem] = []
    if min(parcel.length_mm, parcel.width_mm, parcel.height_mm) <= 0:
        found.append(problem(f"{field}.dimensions", "dimension_invalid", "every side must be above zero"))
    if parcel.weight_g <= 0:
        found.append(problem(f"{field}.weight_g", "dimension_invalid", "weight must be above zero"))
    if limits is None or found:
        return found
    if parcel.template and limits.templates and parcel.template not in limits.templates:
        found.append(
            problem(
                f"{field}.template",
                "template_unknown",
                "not a size of this service",
                value=parcel.template,
                allowed=", ".join(limits.templates),
            )
        )
    if parcel.weight_g > limits.max_weight_g:
        found.append(
            problem(
                f"{field}.weight_g",
                "too_heavy",
                f"heavier than {limits.max_weight_g} g",
                max_g=limits.max_weight_g,
                value_g=parcel.weight_g,
            )
        )
    allowed = sorted((limits.max_length_mm, limits.max_width_mm, limits.max_height_mm), reverse=True)
    if any(side > cap for side, cap in zip(parcel.sides_mm, allowed, strict=True)):
        found.append(
            problem(
                f"{field}.dimensions",
                "too_long_side",
                "a side is longer than the service allows",
                max_mm="×".join(str(v) for v in allowed),
            )
        )
    if limits.max_sum_mm is not None and sum(parcel.sides_mm) > limits.max_sum_mm:
        found.append(
            problem(
                f"{field}.dimensions",
                "too_big",
                f"sides add up to more than {limits.max_sum_mm} mm",
                max_mm=limits.max_sum_mm,
                value_mm=sum(parcel.sides_mm),
            )
        )
    if limits.max_girth_mm is not None:
        longest, middle, shortest = parcel.sides_mm
        girth = longest + 2 * (middle + shortest)
        if girth > limits.max_girth_mm:
            found.append(
                problem(
                    f"{field}.dimensions",
                    "too_big",
                    f"girth above {limits.max_girth_mm} mm",
                    max_mm=limits.max_girth_mm,
                    value_mm=girth,
                )
            )
    if limits.min_height_mm and parcel.sides_mm[2] < limits.min_height_mm:
        found.append(
            problem(
                f"{field}.dimensions",
                "too_thin",
                f"thinner than {limits.min_height_mm} mm",
                min_mm=limits.min_height_mm,
            )
        )
    return found


def check_money(request: ShipmentRequest, service: Service, caps: Capabilities) -> list[FieldProblem]:
    """Cash on delivery (amount, cap, payout account) and insurance."""
    found: list[FieldProblem] = []
    cod = request.cod
    if cod is not None:
        if not service.cod:
            found.append(problem("cod", "cod_not_available", "the service does not take cash on delivery"))
        elif cod.amount <= 0 or cod.amount != cod.amount.quantize(Decimal("0.01")):
            found.append(
                problem("cod.amount", "cod_invalid", "must be above zero, in grosze", value=str(cod.amount))
            )
        elif cod.amount > caps.cod_max:
            found.append(
                problem(
                    "cod.amount",
                    "cod_above_max",
                    f"above {caps.cod_max} PLN",
                    max=str(caps.cod_max),
                    value=str(cod.amount),
                )
            )
        if service.cod and cod.sink is CodSink.BANK_ACCOUNT:
            found += check_iban("cod.iban", cod.iban)
    if request.insurance is not None:
        if request.insurance < 0:
            found.append(problem("insurance", "insurance_invalid", "cannot be negative"))
        elif request.insurance > caps.insurance_max:
            found.append(
                problem(
                    "insurance",
                    "insurance_above_max",
                    f"above {caps.insurance_max} PLN",
                    max=str(caps.insurance_max),
                    value=str(request.insurance),
                )
            )
    return found


def check_request(
    request: ShipmentRequest,
    caps: Capabilities,
    *,
    receiver_phone: bool = True,
    receiver_email: bool = False,
    sender_phone: bool = True,
) -> list[FieldProblem]:
    """Every common rule for a shipment request; returns the problems (empty when it may be sent)."""
    service = caps.service(request.service)
    if service is None:
        return [problem("service", "service_unknown", "not a service of this carrier", value=request.service)]
    limits = caps.field_limits
    need_email = receiver_email or service.point_required
    found = check_address("sender", request.sender, limits, phone=sender_phone, email=False)
    found += check_address(
        "receiver", request.receiver, limits, phone=receiver_phone or service.point_required, email=need_email
    )
    if service.point_required and not request.target_point.strip():
        found.append(problem("target_point", "point_required", "choose the point where the buyer collects"))
    if not request.parcels:
        found.append(problem("parcels", "parcels_none", "at least one parcel"))
    elif len(request.parcels) > service.max_parcels:
        found.append(
            problem(
                "parcels",
                "parcels_too_many",
                f"at most {service.max_parcels} parcels",
                max=service.max_parcels,
                value=len(request.parcels),
            )
        )
    for index, parcel in enumerate(request.parcels):
        found += check_parcel(index, parcel, service.parcel_limits)
    found += check_text(
        "reference", request.reference, max_len=limits.reference_max, min_len=limits.reference_min
    )
    if limits.label_text_max:
        found += check_text("label_text", request.label_text, max_len=limits.label_text_max)
    for code in request.additional_services:
        if code not in service.additional_services:
            found.append(
                problem(
                    "additional_services",
                    "additional_service_unknown",
                    "not offered with this service",
                    value=code,
                )
            )
    found += check_money(request, service, caps)
    return found


def raise_if_any(problems: list[FieldProblem], *, carrier: str) -> None:
    """Raise CarrierValidationError when there is at least one problem."""
    if problems:
        raise CarrierValidationError(problems, carrier=carrier)
