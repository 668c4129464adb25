"""Which carriers and services a price list may name, and how each service is priced.

Read from the carriers' Capabilities, so a price list cannot name a service the desk cannot send:
- a service with `point_required` (a locker, a pick-up point) is a *point* service: priced by size
  class only; its weight band is matched on the actual weight (no dimensional weight);
- every other service is a *courier* service: billable weight = max(actual, L×W×H/6000) and, where it
  has size classes (Pocztex formats, InPost C2C gabaryt), the size class narrows the row.
Size classes are the names sellers see: InPost's templates as gabaryt A/B/C/D, Pocztex formats S..2XL,
paczka pocztowa gabaryt A/B (a small table below, as the Capabilities know no letters).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache

from integrations.allegro.carrier_rules import capabilities as allegro_capabilities
from integrations.carriers import Capabilities
from integrations.carriers.dpd.services import CAPABILITIES as DPD
from integrations.carriers.inpost.services import CAPABILITIES as INPOST
from integrations.carriers.poczta.services import capabilities as poczta_capabilities

INPOST_GABARYT = {"small": "A", "medium": "B", "large": "C", "xlarge": "D"}
# paczka pocztowa has no templates in e-Nadawca's Capabilities; its tariff is by gabaryt A/B
EXTRA_SIZE_CLASSES = {("poczta", "paczka_pocztowa"): ("A", "B")}
ADDON_CODES = (
    "cod", "insurance", "sms", "email", "saturday", "rod", "priority", "fragile", "own_hands",
    "check_content", "carry_in", "in_pers", "priv_pers", "cud", "time0930", "time1200",
    "dor1720", "courier_call", "nonstandard",
)
AMOUNT_ADDONS = ("cod", "insurance")  # priced by the COD amount / declared value (bands, percent)


class Pricing(enum.StrEnum):
    COURIER = "courier"
    POINT = "point"


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    carrier: str
    code: str
    name: str
    pricing: Pricing
    size_classes: tuple[str, ...]
    max_weight_g: int | None


@cache
def _capabilities() -> dict[str, Capabilities]:
    return {"inpost": INPOST, "dpd": DPD, "poczta": poczta_capabilities(), "allegro": allegro_capabilities()}


def carriers() -> tuple[str, ...]:
    """The carrier keys a price list may name."""
    return tuple(_capabilities())


@cache
def services() -> dict[tuple[str, str], ServiceInfo]:
    """Every (carrier, service code) the desk can send, with how it is priced."""
    found: dict[tuple[str, str], ServiceInfo] = {}
    for carrier, caps in _capabilities().items():
        for service in caps.services:
            limits = service.parcel_limits
            templates = limits.templates if limits else ()
            sizes = tuple(INPOST_GABARYT.get(t, t) for t in templates)
            sizes = sizes or EXTRA_SIZE_CLASSES.get((carrier, service.code), ())
            found[carrier, service.code] = ServiceInfo(
                carrier=carrier, code=service.code, name=service.name,
                pricing=Pricing.POINT if service.point_required else Pricing.COURIER,
                size_classes=sizes, max_weight_g=limits.max_weight_g if limits else None,
            )
    return found


def service_info(carrier: str, service: str) -> ServiceInfo | None:
    return services().get((carrier, service))


def service_names() -> dict[str, str]:
    """service code -> the carrier's own name of it, for pages."""
    return {info.code: info.name for info in services().values()}
