"""Finding the point a parcel goes to or leaves from: lockers, PaczkoPunkty, DPD Pickup, post offices
and Orlen points, by postcode, city and street, through the carrier's own search."""

from __future__ import annotations

import re
from dataclasses import dataclass

from desk.services.errors import N_, ValidationError
from desk.services.shipping.dispatch import PortFor
from integrations.carriers import CarrierError

POSTCODE = re.compile(r"^\d{2}-\d{3}$")
LIMIT = 30


@dataclass(frozen=True)
class PointView:
    """One point as the picker lists it."""

    point_id: str
    kind: str  # locker | pickup_point | post_office
    name: str
    address: str
    opening_hours: str
    description: str
    cod: bool


def search_points(
    port_for: PortFor, account_id: int, carrier: str, *, postcode: str = "", city: str = "", street: str = ""
) -> list[PointView]:
    """Points of `carrier` near the postcode or in the city; ValidationError for a search that cannot work."""
    postcode, city, street = postcode.strip(), city.strip(), street.strip()
    if not postcode and not city:
        raise ValidationError(N_("Give a postcode or a city."))
    if postcode and not POSTCODE.match(postcode):
        raise ValidationError(N_("A postcode looks like 00-950."))
    try:
        found = port_for(carrier, account_id).points(postcode=postcode, city=city, street=street, limit=LIMIT)
    except CarrierError as exc:
        raise ValidationError(
            N_("The carrier's point search does not answer now: %(reason)s"), reason=str(exc)
        ) from exc
    return [
        PointView(
            point_id=point.point_id,
            kind=point.kind.value,
            name=point.name,
            address=f"{point.street}, {point.postcode} {point.city}".strip(", "),
            opening_hours=point.opening_hours,
            description=point.description,
            cod=point.cod,
        )
        for point in found
    ]
