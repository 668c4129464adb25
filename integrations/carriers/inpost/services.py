"""What InPost ShipX offers, as Capabilities: services, parcel templates and limits, field limits.

Figures come from ../shared/reference/carriers-digest.md (§1.3 body, §1.4 services, §1.5 templates and
locker limits, §1.8 labels, §1.2 cancel rule). Where the digest is silent the value is marked
"assumed" and listed in the adapter's report.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from integrations.carriers.base import (
    Capabilities,
    FieldLimits,
    LabelFormat,
    LabelSize,
    ParcelLimits,
    Service,
)

CARRIER = "inpost"

# digest §1.5: template -> (max height, width, length in mm, min height mm); every template <= 25 kg
TEMPLATES: dict[str, tuple[int, int, int, int]] = {
    "small": (80, 380, 640, 1),
    "medium": (190, 380, 640, 81),
    "large": (410, 380, 640, 191),
    "xlarge": (500, 500, 800, 1),  # gabaryt D, only inpost_courier_c2c
}
TEMPLATE_MAX_G = 25_000
LOCKER_TEMPLATES = ("small", "medium", "large")
C2C_TEMPLATES = (*LOCKER_TEMPLATES, "xlarge")

LOCKER_STANDARD = "inpost_locker_standard"
LOCKER_POP = "inpost_locker_customer_service_point"  # ShipX switches to it for a POP- target point
COURIER_STANDARD = "inpost_courier_standard"
COURIER_C2C = "inpost_courier_c2c"

# a locker takes at most a "large" compartment (digest §1.5)
LOCKER_LIMITS = ParcelLimits(
    max_length_mm=640,
    max_width_mm=380,
    max_height_mm=410,
    max_weight_g=TEMPLATE_MAX_G,
    templates=LOCKER_TEMPLATES,
)
C2C_LIMITS = ParcelLimits(
    max_length_mm=800,
    max_width_mm=500,
    max_height_mm=500,
    max_weight_g=TEMPLATE_MAX_G,
    templates=C2C_TEMPLATES,
)
# courier "standard" parcel: longest side <= 120 cm, L+W+H <= 220 cm (digest §1.5, inpost.pl help);
# the 50 kg cap is assumed (the digest only says surcharges start above 50 kg dimensional weight)
COURIER_LIMITS = ParcelLimits(
    max_length_mm=1200, max_width_mm=1200, max_height_mm=1200, max_weight_g=50_000, max_sum_mm=2200
)

# additional services of inpost_courier_standard from GET /v1/services (digest §1.4); cod and
# insurance travel as their own objects, so they are not listed here
COURIER_EXTRAS = ("sms", "email", "saturday", "dor1720", "rod")
LOCKER_EXTRAS = ("sms", "email")  # assumed: notices only
COURIER_MAX_PARCELS = 99  # digest §1.3: "a later version says 99"


def _courier(code: str, name: str) -> Service:
    return Service(
        code=code,
        name=name,
        parcel_limits=COURIER_LIMITS,
        max_parcels=COURIER_MAX_PARCELS,
        additional_services=COURIER_EXTRAS,
    )


SERVICES = (
    Service(
        code=LOCKER_STANDARD,
        name="Paczkomat InPost",
        point_required=True,
        parcel_limits=LOCKER_LIMITS,
        additional_services=LOCKER_EXTRAS,
    ),
    Service(
        code=LOCKER_POP,
        name="InPost PaczkoPunkt",
        point_required=True,
        parcel_limits=LOCKER_LIMITS,
        additional_services=LOCKER_EXTRAS,
    ),
    _courier(COURIER_STANDARD, "Kurier InPost"),
    _courier("inpost_courier_express_1000", "Kurier InPost Express do 10:00"),
    _courier("inpost_courier_express_1200", "Kurier InPost Express do 12:00"),
    _courier("inpost_courier_express_1700", "Kurier InPost Express do 17:00"),
    Service(
        code=COURIER_C2C,
        name="Kurier InPost C2C",
        parcel_limits=C2C_LIMITS,
        additional_services=LOCKER_EXTRAS,
    ),
)
LOCKER_SERVICES = frozenset({LOCKER_STANDARD, LOCKER_POP})
# services priced by template; the others take dimensions and weight (a template given is not sent)
TEMPLATE_SERVICES = LOCKER_SERVICES | {COURIER_C2C}

REFERENCE_MIN = 3  # digest §1.3: reference 3-100 characters, optional
REFERENCE_MAX = 100

CAPABILITIES = Capabilities(
    carrier=CARRIER,
    services=SERVICES,
    # name/street/city limits are assumed (not in the digest); reference_min stays 0 because the
    # reference is optional: the adapter checks the 3-character minimum only when one is given
    field_limits=FieldLimits(reference_min=0, reference_max=REFERENCE_MAX),
    cod_max=Decimal("5000.00"),  # assumed: InPost's usual COD cap, not in the digest
    insurance_max=Decimal("50000.00"),  # broker insurance tiers go up to 50k (digest §7)
    label_formats=(LabelFormat.PDF, LabelFormat.ZPL),
    label_sizes=(LabelSize.A6, LabelSize.A4),
    cancel_until="before_label",  # DELETE only before the offer is bought (digest §1.2)
    protocol=True,  # dispatch order printouts
    pickups=True,  # dispatch orders
    points=True,
    pickup_hours=(dt.time(9), dt.time(17)),  # assumed courier hours; ShipX has no proposals endpoint
)


def template_fits(template: str, sides_mm: tuple[int, int, int]) -> bool:
    """Whether a parcel (sides longest first) fits the compartment of a template."""
    height, width, length = TEMPLATES[template][:3]
    caps = sorted((height, width, length), reverse=True)
    return all(side <= cap for side, cap in zip(sides_mm, caps, strict=True))


def smallest_template(sides_mm: tuple[int, int, int], allowed: tuple[str, ...] = LOCKER_TEMPLATES) -> str:
    """The smallest template a parcel fits, or "" when none does."""
    return next((name for name in allowed if template_fits(name, sides_mm)), "")
