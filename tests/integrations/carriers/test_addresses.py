"""Street numbers apart or in one line, postcodes with and without the dash."""

import pytest

from integrations.carriers import Address
from integrations.carriers.addresses import one_line, postcode_dashed, postcode_digits, split_street


def at(street: str, building: str = "", flat: str = "") -> Address:
    return Address(name="Jan", street=street, city="Kraków", postcode="30-001", building=building, flat=flat)


@pytest.mark.parametrize(
    ("address", "parts", "line"),
    [
        (at("Kwiatowa 5/3"), ("Kwiatowa", "5", "3"), "Kwiatowa 5/3"),
        (at("ul. Długa 12A m. 4"), ("ul. Długa", "12A", "4"), "ul. Długa 12A/4"),
        (at("Al. Jerozolimskie 100 lok. 7"), ("Al. Jerozolimskie", "100", "7"), "Al. Jerozolimskie 100/7"),
        (at("3 Maja 15"), ("3 Maja", "15", ""), "3 Maja 15"),
        (at("Rynek"), ("Rynek", "", ""), "Rynek"),
        (at("Kwiatowa", "5", "3"), ("Kwiatowa", "5", "3"), "Kwiatowa 5/3"),
    ],
)
def test_streets_split_and_join(address, parts, line):
    assert split_street(address) == parts
    assert one_line(address) == line


def test_postcodes_both_ways():
    assert postcode_digits("00-950") == "00950"
    assert postcode_dashed("00950") == "00-950"
    assert postcode_dashed("00-950") == "00-950"
