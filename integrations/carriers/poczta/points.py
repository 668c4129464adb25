"""getPlacowkiPocztowe answers -> Points near a postcode or a city.

e-Nadawca lists placówki per voivodeship only (`idWojewodztwo` 02..32), so the adapter asks the
voivodeship(s) of the postcode (wire.voivodeships_for; every voivodeship when only a city is given) and
orders the answer itself: same postcode, same city, then the nearest postcode number. Post offices
(siecPlacowek POCZTAPOLSKA) collect cash on delivery; Orlen points do not (digest §3.5).
"""

from __future__ import annotations

from typing import Any

from integrations.carriers.addresses import postcode_dashed, postcode_digits
from integrations.carriers.base import Point, PointKind
from integrations.carriers.poczta.services import CARRIER
from integrations.carriers.poczta.wire import voivodeships_for

ALL_VOIVODESHIPS = tuple(f"{code:02d}" for code in range(2, 33, 2))


def voivodeships(postcode: str) -> tuple[str, ...]:
    """Which voivodeships to ask."""
    return (voivodeships_for(postcode) if postcode.strip() else ()) or ALL_VOIVODESHIPS


def _coordinate(lokalizacja: Any, name: str) -> float | None:
    value = getattr(lokalizacja, name, None) if lokalizacja is not None else None
    return None if value is None or value.dec is None else float(value.dec)


def to_point(placowka: Any) -> Point:
    """One placówka as a Point."""
    orlen = placowka.siecPlacowek == "ORLEN"
    street = " ".join(part for part in (placowka.ulica, placowka.numerDomu) if part)
    if placowka.numerLokalu:
        street += f"/{placowka.numerLokalu}"
    name = " ".join(part for part in (placowka.prefixNazwy, placowka.nazwa) if part)
    return Point(
        carrier=CARRIER,
        point_id=str(placowka.id),
        kind=PointKind.PICKUP_POINT if orlen else PointKind.POST_OFFICE,
        name=name or placowka.nazwaWydruk or str(placowka.id),
        street=street,
        city=placowka.miejscowosc or placowka.miejsce or "",
        postcode=postcode_dashed(placowka.kodPocztowy or ""),
        latitude=_coordinate(placowka.lokalizacjaGeograficzna, "szerokosc"),
        longitude=_coordinate(placowka.lokalizacjaGeograficzna, "dlugosc"),
        description=placowka.nazwaWydruk or "",
        cod=not orlen,
    )


def pick(placowki: list[Any], *, postcode: str, city: str, street: str, limit: int) -> tuple[Point, ...]:
    """The nearest `limit` points: filtered by city and street when given, ordered by postcode."""
    found = [to_point(placowka) for placowka in placowki]
    if city.strip():
        found = [point for point in found if point.city.casefold() == city.strip().casefold()]
    if street.strip():
        narrowed = [point for point in found if street.strip().casefold() in point.street.casefold()]
        found = narrowed or found
    target = postcode_digits(postcode)
    if target.isdigit():
        number = int(target)

        def distance(point: Point) -> int:
            digits = postcode_digits(point.postcode)
            return abs(int(digits) - number) if digits.isdigit() else 10**6

        found.sort(key=lambda point: (distance(point), point.point_id))
    return tuple(found[: max(0, limit)])
