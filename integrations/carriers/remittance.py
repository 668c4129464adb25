"""Carrier COD remittances (rozliczenia pobrań): the file a carrier sends with the transfer of the cash it
collected, read into carrier-neutral frozen DTOs.

Each carrier has its own format (`integrations.carriers.<carrier>.cod_remittance.parse`); they all give a
`Remittance` or raise `RemittanceFormatError` listing every problem (line, field, stable code), so the
desk refuses the whole file and writes nothing. Amounts are exact Decimals in PLN.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_LINES = 50_000
# stable codes the desk translates
CODES = (
    "empty_file",
    "encoding",
    "unreadable",
    "missing_column",
    "no_lines",
    "too_many_lines",
    "empty_waybill",
    "bad_amount",
    "bad_currency",
    "bad_date",
    "duplicate_waybill",
    "total_mismatch",
)


@dataclass(frozen=True, slots=True)
class RemittanceLine:
    """One parcel's cash in the transfer."""

    line_no: int  # the line (or element) of the file it came from, 1-based
    waybill: str
    amount: Decimal  # PLN
    collected_on: dt.date | None = None  # when the carrier took the money from the buyer


@dataclass(frozen=True, slots=True)
class Remittance:
    """A carrier's remittance: its statement number, the transfer's date and the parcels it pays."""

    carrier: str
    reference: str
    transfer_date: dt.date | None
    lines: tuple[RemittanceLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class RemittanceProblem:
    """What is wrong where: `line` 0 for the file as a whole; `code` one of CODES."""

    line: int
    field: str
    code: str
    message: str  # English, for logs
    params: dict[str, Any] = field(default_factory=dict)


class RemittanceFormatError(ValueError):
    """The file cannot be read as this carrier's remittance; `problems` says where and why."""

    def __init__(self, problems: list[RemittanceProblem] | tuple[RemittanceProblem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"line {p.line}: {p.message}" for p in self.problems[:5]))


class Collector:
    """Gathers problems while a parser walks the file, so one pass reports them all."""

    def __init__(self) -> None:
        self.problems: list[RemittanceProblem] = []

    def add(self, line: int, field_name: str, code: str, message: str, **params: Any) -> None:
        self.problems.append(RemittanceProblem(line, field_name, code, message, params))

    def amount(self, line: int, field_name: str, text: str, *, comma: bool = False) -> Decimal | None:
        """A positive PLN amount with at most two decimals ("12.50", or "12,50" with `comma`)."""
        raw = (text or "").strip().replace("\u00a0", "").replace(" ", "")
        if comma:
            raw = raw.replace(".", "").replace(",", ".") if "," in raw else raw
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
            self.add(line, field_name, "bad_amount", f"not an amount: {text!r}", value=text)
            return None
        return value.quantize(Decimal("0.01"))

    def date(self, line: int, field_name: str, text: str, formats: tuple[str, ...]) -> dt.date | None:
        """A date in one of `formats` (strptime), or None with a problem."""
        raw = (text or "").strip()
        for pattern in formats:
            try:
                return dt.datetime.strptime(raw, pattern).date()
            except ValueError:
                continue
        self.add(line, field_name, "bad_date", f"not a date: {text!r}", value=text)
        return None

    def finish(self, carrier: str, reference: str, transfer_date: dt.date | None,
               lines: list[RemittanceLine]) -> Remittance:
        """The remittance, or RemittanceFormatError with every problem found (duplicates included)."""
        if not lines and not self.problems:
            self.add(0, "", "no_lines", "the file lists no parcels")
        if len(lines) > MAX_LINES:
            self.add(0, "", "too_many_lines", "too many lines", limit=MAX_LINES)
        seen: dict[str, int] = {}
        for line in lines:
            if line.waybill in seen:
                self.add(line.line_no, "waybill", "duplicate_waybill", f"{line.waybill} listed twice",
                         waybill=line.waybill, first=seen[line.waybill])
            seen.setdefault(line.waybill, line.line_no)
        if self.problems:
            raise RemittanceFormatError(self.problems)
        return Remittance(carrier, reference, transfer_date, tuple(lines))


def decode(data: bytes, collector: Collector, *, fallback: str | None = None) -> str | None:
    """The file's text: UTF-8 (a BOM is dropped), else `fallback` (e.g. cp1250), else a problem."""
    if not data.strip():
        collector.add(0, "", "empty_file", "the file is empty")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if fallback:
            try:
                return data.decode(fallback)
            except UnicodeDecodeError:
                pass
    collector.add(0, "", "encoding", "the file's characters cannot be read")
    return None
