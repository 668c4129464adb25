"""Surcharges after the fact (dopłaty): what a carrier's billing file says it charged for a parcel.

A carrier re-weighs and re-measures parcels, fails to deliver to a wrong address, redirects one on the way
or is ordered something directly, and bills it days or months later in a specification beside its invoice.
Each carrier's package reads its own file format (`<carrier>/billing.py`) into these carrier-neutral frozen
values, with the units of base.py: grams, millimetres, Decimal PLN. A file with any bad line is refused as
a whole (`BillingFileError` lists every problem with its line), so nothing half-read ever reaches the desk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

GROSZ = Decimal("0.01")


class SurchargeKind(StrEnum):
    """Why the carrier charged more (each carrier's codes map onto these)."""

    OVERSIZE = "oversize"  # larger than declared: another size class, non-standard, long
    UNDERSTATED_WEIGHT = "understated_weight"  # heavier than declared (or its dimensional weight)
    WRONG_ADDRESS = "wrong_address"  # wrong or insufficient address: undeliverable as given
    ADDRESS_CHANGE = "address_change"  # redirected on the way at the sender's request
    DAMAGE = "damage"  # the parcel damaged other parcels (leaking, badly packed)
    DIRECT_ORDER = "direct_order"  # a service ordered from the carrier directly, not through the broker
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Measure:
    """A parcel's weight and size as declared by the sender or measured by the carrier (None: not given)."""

    weight_g: int | None = None
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    size: str = ""  # the carrier's size class: locker A/B/C, Pocztex S..2XL, gabaryt A/B

    @property
    def empty(self) -> bool:
        return self == Measure()


@dataclass(frozen=True, slots=True)
class SurchargeLine:
    """One charge of a billing file."""

    line: int  # the line of the file it was read from (CSV row, XML element line)
    reference: str  # the carrier's own id of this charge: unique per carrier, the key of a re-import
    document: str  # the carrier's invoice (or specification) it was billed on
    waybill: str
    code: str  # the carrier's surcharge code as written in the file
    kind: SurchargeKind
    description: str
    charged_on: dt.date
    net: Decimal
    vat_rate: Decimal  # percent, e.g. 23
    vat: Decimal
    gross: Decimal
    declared: Measure = field(default_factory=Measure)
    measured: Measure = field(default_factory=Measure)
    shipment_reference: str = ""  # what else the carrier knows the shipment by (the sender's reference)


@dataclass(frozen=True, slots=True)
class BillingFile:
    """A whole billing file: every line was read and checked."""

    carrier: str
    document: str
    issued_on: dt.date | None
    lines: tuple[SurchargeLine, ...]


# problem codes: what the desk turns into a message in its own language
UNREADABLE = "unreadable"  # not the carrier's format at all (encoding, XML, zip)
MISSING_COLUMNS = "missing_columns"
NO_LINES = "no_lines"
MISSING = "missing"  # a required value is empty
BAD_NUMBER = "bad_number"
BAD_DATE = "bad_date"
BAD_AMOUNT = "bad_amount"  # not a positive amount in grosze
AMOUNTS_DIFFER = "amounts_differ"  # net + VAT is not gross
BAD_CURRENCY = "bad_currency"
UNKNOWN_CODE = "unknown_code"
DUPLICATE = "duplicate"  # the same charge reference twice in one file


@dataclass(frozen=True, slots=True)
class LineProblem:
    """Why a line (or, with line None, the file) cannot be read."""

    line: int | None
    code: str
    field: str = ""
    value: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "file"
        detail = f" {self.field}={self.value!r}" if self.field else (f" {self.value}" if self.value else "")
        return f"{where}: {self.code}{detail}"


class BillingFileError(ValueError):
    """The file was refused: every problem found, each naming its line."""

    def __init__(self, carrier: str, problems: tuple[LineProblem, ...] | list[LineProblem]) -> None:
        self.carrier = carrier
        self.problems = tuple(problems)
        super().__init__(f"{carrier} billing file refused: " + "; ".join(str(p) for p in self.problems))


class LineReader:
    """Reads the values of one line, noting each problem instead of stopping at the first; parsers build
    a SurchargeLine only when `problems` stayed empty."""

    def __init__(self, line: int, problems: list[LineProblem]) -> None:
        self.line = line
        self.problems = problems
        self._before = len(problems)

    @property
    def ok(self) -> bool:
        return len(self.problems) == self._before

    def problem(self, code: str, name: str = "", value: str = "") -> None:
        self.problems.append(LineProblem(self.line, code, name, value))

    def text(self, name: str, raw: str | None, *, required: bool = True) -> str:
        value = (raw or "").strip()
        if required and not value:
            self.problem(MISSING, name)
        return value

    def number(self, name: str, raw: str | None, *, required: bool = False) -> Decimal | None:
        """A decimal written with a dot or a Polish decimal comma (no thousands separators)."""
        value = self.text(name, raw, required=required)
        if not value:
            return None
        number = _parse_decimal(value)
        if number is None or number < 0:
            self.problem(BAD_NUMBER, name, value)
            return None
        return number

    def integer(self, name: str, raw: str | None, *, required: bool = False) -> int | None:
        value = self.text(name, raw, required=required)
        if not value:
            return None
        if not value.isdigit():
            self.problem(BAD_NUMBER, name, value)
            return None
        return int(value)

    def grams(self, name: str, kilograms: str | None) -> int | None:
        """Kilograms as written (2,5) to grams, half up."""
        number = self.number(name, kilograms)
        return None if number is None else int((number * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def date(self, name: str, raw: str | None) -> dt.date | None:
        value = self.text(name, raw)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            self.problem(BAD_DATE, name, value)
            return None

    def amount(
        self, name: str, raw: str | None, *, grosze: bool = False, zero: bool = False
    ) -> Decimal | None:
        """An amount in PLN (or in whole grosze, as Poczta Polska writes them): above zero (or zero when
        `zero`), in whole grosze; None (and a problem) otherwise."""
        value = self.text(name, raw)
        if not value:
            return None
        number = _parse_grosze(value) if grosze else _parse_decimal(value)
        if number is None or number < 0 or (number == 0 and not zero) or number != number.quantize(GROSZ):
            self.problem(BAD_AMOUNT, name, value)
            return None
        return number.quantize(GROSZ)

    def amounts(self, net: Decimal | None, vat: Decimal | None, gross: Decimal | None) -> None:
        """Net plus VAT must be gross (checked when all three could be read)."""
        if net is not None and vat is not None and gross is not None and net + vat != gross:
            self.problem(AMOUNTS_DIFFER, "gross", f"{net} + {vat} != {gross}")

    def kind(self, name: str, code: str, codes: Mapping[str, SurchargeKind]) -> SurchargeKind:
        if code and code not in codes:
            self.problem(UNKNOWN_CODE, name, code)
        return codes.get(code, SurchargeKind.OTHER)

    def currency(self, name: str, raw: str | None) -> None:
        value = (raw or "PLN").strip() or "PLN"
        if value != "PLN":
            self.problem(BAD_CURRENCY, name, value)


def _parse_decimal(value: str) -> Decimal | None:
    """A finite decimal written with a dot or a Polish decimal comma; None for anything else."""
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _parse_grosze(value: str) -> Decimal | None:
    """Whole grosze ("1845") as PLN (18.45); None for anything else."""
    return Decimal(value).scaleb(-2) if value.isdigit() else None


def refuse_duplicates(lines: list[SurchargeLine], problems: list[LineProblem]) -> None:
    """Note every line whose charge reference appeared earlier in the same file."""
    seen: set[str] = set()
    for line in lines:
        if line.reference in seen:
            problems.append(LineProblem(line.line, DUPLICATE, "reference", line.reference))
        seen.add(line.reference)


def finish(carrier: str, document: str, issued_on: dt.date | None, lines: list[SurchargeLine],
           problems: list[LineProblem]) -> BillingFile:
    """The file, or BillingFileError with every problem (lines sorted by where they are)."""
    refuse_duplicates(lines, problems)
    if not lines and not problems:
        problems.append(LineProblem(None, NO_LINES))
    if problems:
        raise BillingFileError(carrier, sorted(problems, key=lambda p: (p.line or 0, p.field)))
    return BillingFile(carrier, document, issued_on, tuple(lines))
