"""Small conversions between the port's values and e-Nadawca's wire values.

e-Nadawca counts `masa` in grams and `wartosc`/`kwotaPobrania` in grosze (WSDL annotations, digest §3.3),
identifies a shipment by a 32-character `guid` the client may choose, wants postcodes as five digits
(its own `placowkaPocztowaType.kodPocztowy` has length 5) and a street apart from its house and flat numbers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from integrations.carriers.addresses import WARSAW, postcode_digits


def guid_for(idempotency_key: str) -> str:
    """The shipment guid derived from the desk's idempotency key: the same key always names the same
    e-Nadawca shipment, so an attempt whose answer was lost can be found again (guidType: 32 chars)."""
    return hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32].upper()


def grosze(amount: Decimal) -> int:
    """PLN to grosze, exactly; a fraction of a grosz is a caller error (checks reject it earlier)."""
    value = amount * 100
    if value != value.to_integral_value():
        raise ValueError(f"{amount} PLN is not a whole number of grosze")
    return int(value)


def pln(value: int | None) -> Decimal | None:
    """Grosze from the wire to Decimal PLN."""
    return None if value is None else (Decimal(value) / 100).quantize(Decimal("0.01"))


def national_bank_number(iban: str) -> str:
    """The 26-digit NRB e-Nadawca's `nrb` takes (at most 26 characters: no PL prefix, no spaces)."""
    compact = iban.replace(" ", "").upper()
    return compact[2:] if compact.startswith("PL") else compact


def warsaw_time(text: str) -> dt.datetime:
    """Poczta Polska tracking gives Warsaw local time without an offset ("2026-10-05 14:30[:15]")."""
    value = text.strip().replace("T", " ")
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            parsed = dt.datetime.strptime(value, pattern)
        except ValueError:
            continue
        return parsed.replace(tzinfo=WARSAW)
    raise ValueError(f"not a Poczta Polska time: {text!r}")


# Voivodeship codes of getPlacowkiPocztowe (TERYT, 02..32) by the first two postcode digits. Postal
# zones do not follow voivodeship borders exactly; a prefix that straddles one is listed under the
# voivodeship holding most of it, and the caller also asks the neighbour listed second.
_VOIVODESHIP_BY_PREFIX: dict[str, tuple[str, ...]] = {}
for _codes, _prefixes in (
    (("14",), "00 01 02 03 04 05 06 07 08 09 26"),
    (("28",), "10 11 12 13 14 82"),
    (("20",), "15 16 17 18 19"),
    (("06",), "20 21 22 23 24"),
    (("26",), "25 27 28 29"),
    (("12",), "30 31 32 33 34"),
    (("18",), "35 36 37 38 39"),
    (("24",), "40 41 43 44"),
    (("24", "16"), "42"),
    (("16",), "45 46 47 48 49"),
    (("02",), "50 51 52 53 54 55 56 57 58 59"),
    (("30",), "60 61 62 63 64"),
    (("08",), "65 66 67 68 69"),
    (("32",), "70 71 72 73 74 75 76 77 78"),
    (("22",), "80 81 83 84 77"),
    (("04",), "85 86 87 88 89"),
    (("10",), "90 91 92 93 94 95 96 97 98 99"),
):
    for _prefix in _prefixes.split():
        _VOIVODESHIP_BY_PREFIX.setdefault(_prefix, _codes)


def voivodeships_for(postcode: str) -> tuple[str, ...]:
    """The getPlacowkiPocztowe `idWojewodztwo` values to ask for points near a postcode (empty: unknown)."""
    return _VOIVODESHIP_BY_PREFIX.get(postcode_digits(postcode)[:2], ())
