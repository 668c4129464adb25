"""e-Nadawca's own rules on top of checks.check_request, and the zamowKuriera fields.

The WSDL's simple types bound what the common checks do not: e-mail 6..50 characters, phone 20,
house and flat numbers 11 each (after splitting the street); a point is a placówka id (an int);
COD is paid only to a bank account (`sposobPobrania` RACHUNEK_BANKOWY or a postal order, never a wallet).
"""

from __future__ import annotations

from typing import Any

from integrations.carriers.addresses import split_street
from integrations.carriers.base import Address, CodSink, PickupRequest, ShipmentRequest
from integrations.carriers.checks import check_phone, check_postcode, check_text, problem
from integrations.carriers.errors import CarrierValidationError, FieldProblem
from integrations.carriers.poczta import build
from integrations.carriers.poczta import services as svc
from integrations.carriers.poczta.services import CARRIER


def _address_problems(prefix: str, address: Address) -> list[FieldProblem]:
    found: list[FieldProblem] = []
    email = address.email.strip()
    if email and not 6 <= len(email) <= svc.EMAIL_MAX:
        found.append(
            problem(
                f"{prefix}.email",
                "too_long",
                f"longer than {svc.EMAIL_MAX} characters",
                max=svc.EMAIL_MAX,
                length=len(email),
            )
        )
    _, building, flat = split_street(address)
    for name, value in (("building", building), ("flat", flat)):
        found += check_text(f"{prefix}.{name}", value, max_len=svc.HOUSE_NUMBER_MAX)
    return found


def extra_problems(request: ShipmentRequest) -> list[FieldProblem]:
    """Problems e-Nadawca would report that the common checks do not cover."""
    found = _address_problems("sender", request.sender) + _address_problems("receiver", request.receiver)
    point = request.target_point.strip()
    if request.service == svc.PACZKA_W_PUNKCIE and point and not point.isdigit():
        found.append(
            problem("target_point", "point_required", "must be a Poczta Polska point id", value=point)
        )
    if request.cod is not None and request.cod.sink is not CodSink.BANK_ACCOUNT:
        found.append(
            problem(
                "cod.sink",
                "cod_not_available",
                "Poczta Polska pays COD to a bank account only",
                value=str(request.cod.sink),
            )
        )
    if request.service != svc.PACZKA_POCZTOWA and request.parcels:
        parcel = request.parcels[0]
        allowed = svc.POINT_FORMATS if request.service == svc.PACZKA_W_PUNKCIE else svc.POCZTEX_FORMATS
        if not parcel.template and min(parcel.sides_mm) > 0 and svc.pocztex_format(parcel) not in allowed:
            found.append(
                problem(
                    "parcels[0].dimensions",
                    "too_big",
                    "larger than format XL of a point",
                    max_mm="700×600×600",
                )
            )
    return found


def pickup_fields(types: Any, request: PickupRequest) -> dict[str, Any]:
    """zamowKuriera's arguments. Its date, hour, count and weight are plain strings in the WSDL: the
    adapter sends ISO date, "HH:MM" and grams (the unit `masa` uses everywhere else) — assumed formats."""
    found = check_text(
        "address.name", request.address.name or request.address.company, max_len=60, required=True
    )
    found += check_text("address.street", request.address.street, max_len=60, required=True)
    found += check_text("address.city", request.address.city, max_len=63, required=True)
    found += check_postcode("address.postcode", request.address.postcode, request.address.country)
    found += check_phone("address.phone", request.address.phone, required=True)
    if found:
        raise CarrierValidationError(found, carrier=CARRIER)
    start = request.window.start
    email = request.address.email.strip()
    return {
        "miejsceOdbioru": build.address(types, request.address),
        "oczekiwanaDataOdbioru": start.date().isoformat(),
        "oczekiwanaGodzinaOdbioru": start.strftime("%H:%M"),
        "szacowanaIloscPrzeslek": str(max(1, request.parcel_count)),
        "szacowanaLacznaMasaPrzesylek": str(max(1, request.total_weight_g)),
        "potwierdzenieZamowieniaEmail": email if 6 <= len(email) <= svc.EMAIL_MAX else None,
    }
