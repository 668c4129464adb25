"""What DPD Polska allows, as Capabilities (carriers digest §2, §7, §8 unless marked "assumed").

- DPD Classic (courier): a domestic parcel up to 50 kg, longest side ≤ 150 cm, L+W+H ≤ 300 cm (§2.12,
  dpd.com.pl [V]). A package may hold several parcels (openUMLFeV3 packages[].parcels[]); the cap of 10
  per shipment is ours (assumed, the references give none).
- DPD Pickup (delivery to a Pickup point / Pickup Station, service `dpdPickup{pudo}`): sized for the
  Pickup Station locker 50 × 44 × 59 cm (§2.12 [V apaczka]); 20 kg is assumed (not in the references).
- Additional services are the flag/guarantee services of servicesOpenUMLFeV4 (§2.5) the desk offers.
- COD is decimal PLN (§8) and goes to the bank account of the DPD contract (the SOAP cod element has no
  account number); the cap of 10 000 PLN is assumed from the broker figure in §7 (DPD publishes none here).
- Text limits follow the authored XSD (assumed: address/name 100, city 50, content 300).
- Cancel: a package cannot be cancelled once its labels were generated (that advises it, §2.7).
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

CLASSIC = "dpd_classic"
PICKUP = "dpd_pickup"

# desk code -> (kind, wire value): flags are empty elements of servicesOpenUMLFeV4, guarantees go to
# guarantee{type} (only one guarantee per package)
ADDITIONAL = {
    "rod": ("flag", "rod"),  # return of documents
    "cud": ("flag", "cud"),  # exchange on delivery
    "in_pers": ("flag", "inPers"),  # delivery to the receiver in person
    "priv_pers": ("flag", "privPers"),  # delivery to a private person
    "carry_in": ("flag", "carryIn"),
    "saturday": ("guarantee", "SATURDAY"),
    "time0930": ("guarantee", "TIME0930"),
    "time1200": ("guarantee", "TIME1200"),
}

CLASSIC_LIMITS = ParcelLimits(
    max_length_mm=1500,
    max_width_mm=1500,
    max_height_mm=1500,
    max_weight_g=50_000,
    max_sum_mm=3000,
)
PICKUP_LIMITS = ParcelLimits(max_length_mm=590, max_width_mm=500, max_height_mm=440, max_weight_g=20_000)

FIELD_LIMITS = FieldLimits(
    name_max=100, street_max=100, city_max=50, reference_min=0, reference_max=100, content_max=300
)

CAPABILITIES = Capabilities(
    carrier="dpd",
    services=(
        Service(
            code=CLASSIC,
            name="DPD Classic",
            parcel_limits=CLASSIC_LIMITS,
            max_parcels=10,
            additional_services=tuple(ADDITIONAL),
        ),
        Service(
            code=PICKUP,
            name="DPD Pickup",
            point_required=True,
            parcel_limits=PICKUP_LIMITS,
            max_parcels=1,
            additional_services=(),
        ),
    ),
    field_limits=FIELD_LIMITS,
    cod_max=Decimal("10000.00"),
    insurance_max=Decimal("50000.00"),
    label_formats=(LabelFormat.PDF, LabelFormat.ZPL),
    label_sizes=(LabelSize.A6, LabelSize.A4),
    cancel_until="before_label",
    protocol=True,
    pickups=True,
    points=True,
    pickup_hours=(dt.time(8), dt.time(18)),
)
