"""Address shapes carriers disagree on: the street apart from its numbers or in one line, postcodes
with or without the dash, Warsaw local time without an offset."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from integrations.carriers.base import Address

WARSAW = ZoneInfo("Europe/Warsaw")

# "Kwiatowa 5/3", "ul. Długa 12A m. 4", "Aleje Jerozolimskie 100 lok. 7"
_STREET = re.compile(
    r"^(?P<street>.*?\D)\s+(?P<building>\d+[A-Za-z]?(?:[-/]\d+[A-Za-z]?)??)"
    r"(?:\s*(?:/|m\.?|lok\.?)\s*(?P<flat>\w+))?$"
)


def split_street(address: Address) -> tuple[str, str, str]:
    """(street, building, flat). An Address may hold the numbers inside `street` when `building` is
    empty ("Kwiatowa 5/3" -> ("Kwiatowa", "5", "3")); without a number at the end, building is ""."""
    street = " ".join(address.street.split())
    if address.building.strip():
        return street, address.building.strip(), address.flat.strip()
    found = _STREET.match(street)
    if not found:
        return street, "", address.flat.strip()
    return found["street"].strip(), found["building"], (found["flat"] or address.flat).strip()


def one_line(address: Address) -> str:
    """Street, number and flat in one line ("Kwiatowa 5/3")."""
    street, building, flat = split_street(address)
    number = f"{building}/{flat}" if building and flat else building
    return f"{street} {number}".strip()


def postcode_digits(postcode: str) -> str:
    """ "00-950" -> "00950"."""
    return "".join(ch for ch in postcode if ch.isalnum()).upper()


def postcode_dashed(digits: str) -> str:
    """ "00950" -> "00-950" (the port's shape); anything else is returned as given."""
    digits = digits.replace("-", "").strip()
    return f"{digits[:2]}-{digits[2:]}" if len(digits) == 5 else digits
