"""Quotes: what a shipment costs by the price list valid on a day, line by line, net + VAT = gross.

The list is the account's individual list valid on `at` if it has one, else the public list valid then.
Each parcel is priced by its row (see catalog for courier vs point services); add-ons (COD, insurance,
SMS...) are priced once per shipment. VAT is computed per line and rounded half-up to grosze; totals
are the sums of the lines. When anything cannot be priced the answer is NotPriced with every reason,
never a made-up price.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import or_, select

from desk.extensions import db
from desk.models import AddonPrice, PriceList, PriceRow, SellerAccount
from desk.services.errors import N_
from desk.services.shipping.pricing import catalog

GROSZ = Decimal("0.01")
DIM_DIVISOR = 6000  # cm³ per kg (InPost/DPD brokers, carriers digest §7); in mm³ per gram as well
SNAPSHOT_VERSION = 1


def round_grosze(value: Decimal) -> Decimal:
    return value.quantize(GROSZ, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Parcel:
    """One parcel: weight in grams, sides in mm (optional for point services), size class if any."""

    weight_g: int
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    size_class: str = ""

    def dimensional_g(self) -> int:
        """L×W×H/6000 in cm and kg, i.e. mm³/6000 in grams, rounded up to a gram; 0 without sides."""
        if not (self.length_mm and self.width_mm and self.height_mm):
            return 0
        return math.ceil(self.length_mm * self.width_mm * self.height_mm / DIM_DIVISOR)

    def to_dict(self) -> dict[str, Any]:
        return {"weight_g": self.weight_g, "length_mm": self.length_mm, "width_mm": self.width_mm,
                "height_mm": self.height_mm, "size_class": self.size_class}


@dataclass(frozen=True, slots=True)
class QuoteLine:
    code: str  # "parcel" or the add-on code
    label_key: str  # a key of views.labels.QUOTE_LINES
    quantity: int
    unit_net: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal
    detail: str = ""  # e.g. "B", "5001-10000 g" (what the row matched)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why something could not be priced: an N_ message and its parameters."""

    code: str  # no_list | no_row | size_required | unknown_service | addon_not_priced
    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class QuoteRequest:
    carrier: str
    service: str
    parcels: tuple[Parcel, ...]
    cod_amount: Decimal | None
    insurance: Decimal | None
    additional_services: tuple[str, ...]
    at: dt.date

    def to_dict(self) -> dict[str, Any]:
        return {
            "carrier": self.carrier, "service": self.service, "at": self.at.isoformat(),
            "parcels": [p.to_dict() for p in self.parcels],
            "cod_amount": _text(self.cod_amount), "insurance": _text(self.insurance),
            "additional_services": list(self.additional_services),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuoteRequest:
        return cls(
            carrier=data["carrier"], service=data["service"], at=dt.date.fromisoformat(data["at"]),
            parcels=tuple(Parcel(**p) for p in data["parcels"]),
            cod_amount=_decimal(data["cod_amount"]), insurance=_decimal(data["insurance"]),
            additional_services=tuple(data["additional_services"]),
        )


@dataclass(frozen=True, slots=True)
class Quote:
    """A priced shipment: what it costs and by which list, exactly as it would be charged."""

    list_id: int
    list_name: str
    vat_rate: Decimal
    request: QuoteRequest
    lines: tuple[QuoteLine, ...]
    priced: bool = True

    @property
    def net(self) -> Decimal:
        return sum((line.net for line in self.lines), Decimal("0.00"))

    @property
    def vat(self) -> Decimal:
        return sum((line.vat for line in self.lines), Decimal("0.00"))

    @property
    def gross(self) -> Decimal:
        return sum((line.gross for line in self.lines), Decimal("0.00"))

    def to_snapshot(self) -> dict[str, Any]:
        """JSON-safe (decimals as strings), for a shipment to store what it was charged."""
        return {
            "version": SNAPSHOT_VERSION, "list_id": self.list_id, "list_name": self.list_name,
            "vat_rate": str(self.vat_rate), "request": self.request.to_dict(),
            "lines": [{"code": ln.code, "label_key": ln.label_key, "quantity": ln.quantity,
                       "unit_net": str(ln.unit_net), "net": str(ln.net), "vat": str(ln.vat),
                       "gross": str(ln.gross), "detail": ln.detail} for ln in self.lines],
            "net": str(self.net), "vat": str(self.vat), "gross": str(self.gross),
        }

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> Quote:
        """The quote a snapshot holds, with the same lines and totals (never re-priced)."""
        if data.get("version") != SNAPSHOT_VERSION:
            raise ValueError(f"unknown quote snapshot version {data.get('version')!r}")
        lines = tuple(
            QuoteLine(code=ln["code"], label_key=ln["label_key"], quantity=ln["quantity"],
                      unit_net=Decimal(ln["unit_net"]), net=Decimal(ln["net"]), vat=Decimal(ln["vat"]),
                      gross=Decimal(ln["gross"]), detail=ln.get("detail", ""))
            for ln in data["lines"]
        )
        return cls(list_id=data["list_id"], list_name=data["list_name"], vat_rate=Decimal(data["vat_rate"]),
                   request=QuoteRequest.from_dict(data["request"]), lines=lines)


@dataclass(frozen=True, slots=True)
class NotPriced:
    """No quote: every reason why (no list valid, no row for a parcel, an add-on without a price)."""

    request: QuoteRequest
    reasons: tuple[Reason, ...]
    list_id: int | None = None
    list_name: str | None = None
    priced: bool = False


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def list_for(owner: PriceList | SellerAccount | int | None, at: dt.date) -> PriceList | None:
    """The list that prices a shipment on `at`: `owner` itself when it is a PriceList; else the
    account's individual list valid then, else the public list valid then (None: neither)."""
    if isinstance(owner, PriceList):
        return owner
    account_id = owner.id if isinstance(owner, SellerAccount) else owner
    valid = (PriceList.valid_from <= at, or_(PriceList.valid_to.is_(None), PriceList.valid_to >= at))
    if account_id is not None:
        own = db.session.scalars(select(PriceList).where(PriceList.account_id == account_id, *valid)).first()
        if own is not None:
            return own
    return db.session.scalars(select(PriceList).where(PriceList.account_id.is_(None), *valid)).first()


def quote(
    list_or_account: PriceList | SellerAccount | int | None, *, carrier: str, service: str,
    parcels: Sequence[Parcel], cod_amount: Decimal | None = None, insurance: Decimal | None = None,
    additional_services: Iterable[str] = (), at: dt.date,
) -> Quote | NotPriced:
    """Price `parcels` of one (carrier, service) with its add-ons by the list valid on `at`.

    `list_or_account`: a PriceList (used as given), a seller account or its id (its individual list,
    else the public one), or None (the public list)."""
    request = QuoteRequest(carrier, service, tuple(parcels), cod_amount, insurance,
                           tuple(dict.fromkeys(additional_services)), at)
    price_list = list_for(list_or_account, at)
    if price_list is None:
        return NotPriced(request, (Reason("no_list", N_("No price list is valid on %(day)s."),
                                          {"day": at.isoformat()}),))
    return price_with(price_list, request)


def quotes_for(
    list_or_account: PriceList | SellerAccount | int | None, *, options: Iterable[tuple[str, str]],
    parcels: Sequence[Parcel], cod_amount: Decimal | None = None, insurance: Decimal | None = None,
    additional_services: Iterable[str] = (), at: dt.date,
) -> list[Quote | NotPriced]:
    """The same parcels and add-ons priced for several (carrier, service) pairs, in the given order."""
    extras = tuple(additional_services)
    return [quote(list_or_account, carrier=carrier, service=service, parcels=parcels, cod_amount=cod_amount,
                  insurance=insurance, additional_services=extras, at=at) for carrier, service in options]


def price_with(price_list: PriceList, request: QuoteRequest) -> Quote | NotPriced:
    """Price a request by one given list."""
    reasons: list[Reason] = []
    info = catalog.service_info(request.carrier, request.service)
    if info is None:
        reasons.append(Reason("unknown_service", N_("Carrier %(carrier)s has no service %(value)s."),
                              {"carrier": request.carrier, "value": request.service}))
        return NotPriced(request, tuple(reasons), price_list.id, price_list.name)
    if not request.parcels:
        reasons.append(Reason("no_parcels", N_("A shipment needs at least one parcel."), {}))
    rows = [r for r in price_list.rows if r.carrier == request.carrier and r.service == request.service]
    lines = _parcel_lines(info, rows, request.parcels, price_list.vat_rate, reasons)
    lines += _addon_lines(price_list, request, reasons)
    if reasons:
        return NotPriced(request, tuple(reasons), price_list.id, price_list.name)
    return Quote(price_list.id, price_list.name, price_list.vat_rate, request, tuple(lines))


def _line(code: str, label_key: str, quantity: int, unit_net: Decimal, vat_rate: Decimal,
          detail: str = "", net: Decimal | None = None) -> QuoteLine:
    net = round_grosze(unit_net * quantity if net is None else net)
    vat = round_grosze(net * vat_rate / 100)
    return QuoteLine(code, label_key, quantity, unit_net, net, vat, net + vat, detail)


def billable_g(info: catalog.ServiceInfo, parcel: Parcel) -> int:
    """Weight the band is chosen by: the actual weight for point services, else the larger of the
    actual and the dimensional weight."""
    if info.pricing is catalog.Pricing.POINT:
        return parcel.weight_g
    return max(parcel.weight_g, parcel.dimensional_g())


def _parcel_lines(info: catalog.ServiceInfo, rows: list[PriceRow], parcels: Sequence[Parcel],
                  vat_rate: Decimal, reasons: list[Reason]) -> list[QuoteLine]:
    grouped: dict[tuple[int, str], list] = {}
    for number, parcel in enumerate(parcels, start=1):
        size = parcel.size_class.strip().upper()
        if info.pricing is catalog.Pricing.POINT and info.size_classes and not size:
            reasons.append(Reason("size_required", N_("Parcel %(number)s: a point service is priced by size "
                                                      "class; give one."), {"number": number}))
            continue
        weight = billable_g(info, parcel)
        row = _row_for(rows, size, weight)
        if row is None:
            reasons.append(Reason("no_row", N_("Parcel %(number)s: the list has no price for %(weight)s g "
                                               "in size class %(size)s."),
                                  {"number": number, "weight": weight, "size": size or "—"}))
            continue
        detail = " ".join(filter(None, (row.size_class, f"{row.weight_from_g}–{row.weight_to_g} g")))
        grouped.setdefault((row.id, detail), [row, 0])[1] += 1
    return [_line("parcel", "parcel", count, row.net, vat_rate, detail)
            for (_id, detail), (row, count) in grouped.items()]


def _row_for(rows: list[PriceRow], size: str, weight_g: int) -> PriceRow | None:
    """The row for this size class and weight; a row of the exact size class wins over an "any" row."""
    matching = [r for r in rows if r.weight_from_g <= weight_g <= r.weight_to_g
                and r.size_class in (size, "")]
    matching.sort(key=lambda r: r.size_class != size)
    return matching[0] if matching else None


def _addon_lines(price_list: PriceList, request: QuoteRequest, reasons: list[Reason]) -> list[QuoteLine]:
    wanted: list[tuple[str, Decimal | None]] = []
    if request.cod_amount is not None:
        wanted.append(("cod", request.cod_amount))
    if request.insurance is not None:
        wanted.append(("insurance", request.insurance))
    wanted += [(code, None) for code in request.additional_services if code not in ("cod", "insurance")]
    lines = []
    for code, amount in wanted:
        addon = _addon_for(price_list.addons, request.carrier, request.service, code, amount)
        if addon is None:
            reasons.append(Reason("addon_not_priced", N_("The list has no price for the additional service "
                                                         "%(code)s."), {"code": code}))
            continue
        net = addon.net_fixed + (amount or Decimal(0)) * addon.percent / 100
        if addon.min_net is not None:
            net = max(net, addon.min_net)
        lines.append(_line(code, code, 1, round_grosze(net), price_list.vat_rate, _band(addon)))
    return lines


def _addon_for(addons: Iterable[AddonPrice], carrier: str, service: str, code: str,
               amount: Decimal | None) -> AddonPrice | None:
    """The most specific price of `code`: of this service, then of the carrier, then of everyone;
    within it, the amount band that holds the amount."""
    def fits(addon: AddonPrice) -> bool:
        if addon.code != code or addon.carrier not in ("", carrier):
            return False
        if addon.service not in ("", service) or (addon.service and addon.carrier != carrier):
            return False
        value = amount if amount is not None else Decimal(0)
        return ((addon.value_from is None or addon.value_from <= value)
                and (addon.value_to is None or value <= addon.value_to))

    found = sorted((a for a in addons if fits(a)), key=lambda a: (a.service == "", a.carrier == ""))
    return found[0] if found else None


def _band(addon: AddonPrice) -> str:
    if addon.value_from is None and addon.value_to is None:
        return ""
    low = addon.value_from if addon.value_from is not None else Decimal("0.00")
    return f"{low}–{addon.value_to if addon.value_to is not None else '∞'} zł"
