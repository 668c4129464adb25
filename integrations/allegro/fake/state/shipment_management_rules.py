"""What the fake's "Wysyłam z Allegro" checks and how it shapes its answers.

Allegro publishes no table of per-carrier limits; the figures are those Allegro staff gave in
public threads (broker digest §2.3: referenceNumber per carrier, one package except DPD up to 10,
textOnLabel 20 on Allegro One and UPS). Every failure here surfaces only in the command status
(HTTP 200 with status ERROR), never as a 4xx of the POST, as Allegro does.
"""
from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

# the order's delivery method name decides the carrier (the fake's methods, see state/data.py)
_METHOD_CARRIERS = (("Paczkomaty InPost", "INPOST"), ("DPD", "DPD"), ("Pocztex", "POCZTA_POLSKA"),
                    ("Allegro One", "ALLEGRO"))
REFERENCE_MAX = {"ALLEGRO": 35, "UPS": 35, "DPD": 27, "POCZTA_POLSKA": 36, "INPOST": 28, "DHL": 36,
                 "ORLEN": 36, "PACKETA": 36}
TEXT_ON_LABEL_MAX = {"ALLEGRO": 20, "UPS": 20}
MAX_PACKAGES = {"DPD": 10}
# carriers whose shipments have no handover protocol: POST /protocol answers 204 (AA#12094, AA#13917)
NO_PROTOCOL = frozenset({"ALLEGRO", "INPOST", "UPS", "FEDEX", "POCZTA_POLSKA", "PACKETA"})
# no courier pickup through the API (AA#9374, AA#11822): proposals come back without times
NO_PICKUP = frozenset({"ALLEGRO", "POCZTA_POLSKA"})
NOT_CANCELLABLE = frozenset({"ALLEGRO"})  # AA#11716
_WAYBILL_PREFIX = {"INPOST": "6200", "DPD": "1000", "POCZTA_POLSKA": "PX", "ALLEGRO": "A00"}
_PHONE = re.compile(r"^(\+48)?\d{9}$")
# the fake seller's warehouse, used as the sender of suggested inputs
WAREHOUSE = {
    "name": "Magazyn sklepu", "company": "Sklep Testowy Sp. z o.o.", "street": "Magazynowa 12",
    "postalCode": "02-495", "city": "Warszawa", "countryCode": "PL", "email": "magazyn@example.pl",
    "phone": "+48600100200",
}


def carrier_of_method(method_name: str) -> str | None:
    """The carrier a delivery method ships with; None when the method is not a WzA one."""
    return next((carrier for part, carrier in _METHOD_CARRIERS if part in method_name), None)


def command_error(code: str, message: str, path: str | None = None) -> dict[str, Any]:
    """One Error400 as command statuses carry them (no metadata: the schema has none)."""
    return {"code": code, "message": message, "details": None, "path": path, "userMessage": message}


def shipment_errors(body: dict[str, Any], carrier: str) -> list[dict[str, Any]]:
    """Business rules of a parseable create command's input, per carrier."""
    data = body.get("input") or {}
    found: list[dict[str, Any]] = []
    packages = data.get("packages") or []
    if len(packages) > MAX_PACKAGES.get(carrier, 1):
        found.append(command_error("VALIDATION_ERROR", f"Too many packages for {carrier}", "packages"))
    reference = data.get("referenceNumber") or ""
    if len(reference) > REFERENCE_MAX.get(carrier, 36):
        found.append(command_error("VALIDATION_ERROR", "Reference number is too long", "referenceNumber"))
    for index, package in enumerate(packages):
        text = (package or {}).get("textOnLabel") or ""
        if len(text) > TEXT_ON_LABEL_MAX.get(carrier, 100):
            found.append(command_error("VALIDATION_ERROR", "Text on label is too long",
                                       f"packages[{index}].textOnLabel"))
    for side in ("sender", "receiver"):
        phone = str((data.get(side) or {}).get("phone") or "").replace(" ", "")
        if not _PHONE.match(phone):
            found.append(command_error("VALIDATION_ERROR", "Invalid phone number", f"{side}.phone"))
    cod = data.get("cashOnDelivery") or {}
    if cod.get("iban"):  # every WzA payout goes to the Allegro wallet (AA#13990)
        found.append(command_error("COD_IBAN_NOT_EMPTY", "IBAN must be empty", "cashOnDelivery.iban"))
    return found


def waybill_for(carrier: str, rng: random.Random) -> str:
    """A tracking number that looks like the carrier's."""
    prefix = _WAYBILL_PREFIX.get(carrier, "WZA")
    return prefix + "".join(str(rng.randint(0, 9)) for _ in range(20 - len(prefix)))


def shipment_payload(shipment_id: str, data: dict[str, Any], carrier: str, waybills: list[str],
                     now: dt.datetime, iso: Any) -> dict[str, Any]:
    """A ShipmentDto for a created shipment."""
    packages = [
        {**{k: v for k, v in package.items() if k in ("type", "length", "width", "height", "weight",
                                                       "textOnLabel")},
         "waybill": waybill, "transportingInfo": [{"carrierId": carrier, "carrierWaybill": waybill}]}
        for package, waybill in zip(data.get("packages") or [], waybills, strict=True)
    ]
    payload: dict[str, Any] = {
        "id": shipment_id,
        "sender": data["sender"],
        "receiver": data["receiver"],
        "referenceNumber": data.get("referenceNumber"),
        "packages": packages,
        "createdDate": iso(now),
        "carrier": carrier,
        "labelFormat": data.get("labelFormat") or "PDF",
        "additionalServices": list(data.get("additionalServices") or []),
        "additionalProperties": dict(data.get("additionalProperties") or {}),
        "transport": [carrier],
        "pickupAvailable": carrier not in NO_PICKUP,
    }
    for key in ("insurance", "cashOnDelivery"):
        if data.get(key):
            payload[key] = data[key]
    return {k: v for k, v in payload.items() if v is not None}


def pickup_times(carrier: str, ready: dt.date) -> list[dict[str, str]]:
    """The next three working days' windows from `ready` (none for carriers without API pickups)."""
    if carrier in NO_PICKUP:
        return []
    times, day = [], ready
    while len(times) < 3:
        if day.weekday() < 5:
            times.append({"date": day.isoformat(), "minTime": "10:00", "maxTime": "16:00"})
        day += dt.timedelta(days=1)
    return times
