"""Reading and checking one freight row or add-on price as typed (a form or a CSV line).

Forms and CSV files share these checks, so a price reads the same wherever it is typed: amounts in
złoty with a decimal comma or point, weights in whole grams. Problems are (message, params) pairs with
N_-marked English messages that the views translate.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from desk.services.errors import N_, ValidationError
from desk.services.shipping.pricing import catalog

Problem = tuple[str, dict[str, Any]]
MONEY_MAX = Decimal("9999999999.99")  # what Numeric(12, 2) holds
WEIGHT_MAX_G = 1_000_000  # a tonne: far above any parcel
ROW_FIELDS = ("carrier", "service", "size_class", "weight_from_g", "weight_to_g", "net")
ADDON_FIELDS = ("carrier", "service", "code", "value_from", "value_to", "net_fixed", "percent", "min_net")
REQUIRED = N_("This field is required.")


class PriceFormError(ValidationError):
    """One or more fields are wrong: `errors` maps each field to its (message, params)."""

    def __init__(self, errors: Mapping[str, Problem]) -> None:
        message, params = next(iter(errors.values()))
        super().__init__(message, **params)
        self.errors = dict(errors)


@dataclass(frozen=True, slots=True)
class RowValues:
    carrier: str
    service: str
    size_class: str
    weight_from_g: int
    weight_to_g: int
    net: Decimal

    @property
    def key(self) -> tuple[str, str, str]:
        return self.carrier, self.service, self.size_class


@dataclass(frozen=True, slots=True)
class AddonValues:
    carrier: str
    service: str
    code: str
    value_from: Decimal | None
    value_to: Decimal | None
    net_fixed: Decimal
    percent: Decimal
    min_net: Decimal | None

    @property
    def key(self) -> tuple[str, str, str]:
        return self.carrier, self.service, self.code


def parse_money(text: str | None, *, required: bool = True, maximum: Decimal = MONEY_MAX) -> Decimal | None:
    """'12,50', '12.5' or '1 234,00' as a Decimal of grosze; None when empty and not required.

    Raises ValueError with a message (an N_ msgid) when it is not such an amount."""
    cleaned = (text or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not cleaned:
        if required:
            raise ValueError(REQUIRED)
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(N_("Enter an amount in złoty, e.g. 12,50.")) from None
    if not value.is_finite() or value < 0 or value > maximum or value != value.quantize(Decimal("0.01")):
        raise ValueError(N_("Enter an amount in złoty, e.g. 12,50."))
    return value.quantize(Decimal("0.01"))


def parse_grams(text: str | None) -> int:
    cleaned = (text or "").strip().replace(" ", "")
    if not cleaned:
        raise ValueError(REQUIRED)
    if not cleaned.isascii() or not cleaned.isdigit() or int(cleaned) > WEIGHT_MAX_G:
        raise ValueError(N_("Enter a whole number of grams."))
    return int(cleaned)


def _field(errors: dict[str, Problem], name: str, parse, *args, **kwargs):
    try:
        return parse(*args, **kwargs)
    except ValueError as exc:
        errors[name] = (str(exc), {})
        return None


def _carrier_service(fields: Mapping[str, str], errors: dict[str, Problem], *, optional: bool):
    carrier = (fields.get("carrier") or "").strip().lower()
    service = (fields.get("service") or "").strip()
    if catalog.service_info(carrier, service.lower()) is not None:
        service = service.lower()  # the carriers' own codes are lower case; Allegro's (ALLEGRO, DPD) upper
    if not carrier and not optional:
        errors["carrier"] = (REQUIRED, {})
    elif carrier and carrier not in catalog.carriers():
        errors["carrier"] = (N_("Unknown carrier: %(value)s."), {"value": carrier})
    if service and not carrier and "carrier" not in errors:
        errors["carrier"] = (N_("Name the carrier of this service."), {})
    elif not service and not optional:
        errors["service"] = (REQUIRED, {})
    elif service and "carrier" not in errors and catalog.service_info(carrier, service) is None:
        errors["service"] = (N_("Carrier %(carrier)s has no service %(value)s."),
                             {"carrier": carrier, "value": service})
    return carrier, service


def check_row(fields: Mapping[str, str]) -> tuple[RowValues | None, dict[str, Problem]]:
    """The row as values, or None and the problems per field."""
    errors: dict[str, Problem] = {}
    carrier, service = _carrier_service(fields, errors, optional=False)
    size = (fields.get("size_class") or "").strip().upper()
    info = catalog.service_info(carrier, service)
    if info is not None:
        if size and size not in info.size_classes:
            allowed = ", ".join(info.size_classes) or "—"
            errors["size_class"] = (N_("Size class %(value)s does not exist for this service (allowed: "
                                       "%(allowed)s)."), {"value": size, "allowed": allowed})
        elif not size and info.pricing is catalog.Pricing.POINT and info.size_classes:
            errors["size_class"] = (N_("A point service is priced by size class: choose one."), {})
    low = _field(errors, "weight_from_g", parse_grams, fields.get("weight_from_g"))
    high = _field(errors, "weight_to_g", parse_grams, fields.get("weight_to_g"))
    if low is not None and high is not None and high < low:
        errors["weight_to_g"] = (N_("The upper weight must not be below the lower one."), {})
    net = _field(errors, "net", parse_money, fields.get("net"))
    if errors:
        return None, errors
    return RowValues(carrier, service, size, low, high, net), {}


def check_addon(fields: Mapping[str, str]) -> tuple[AddonValues | None, dict[str, Problem]]:
    """The add-on price as values, or None and the problems per field."""
    errors: dict[str, Problem] = {}
    carrier, service = _carrier_service(fields, errors, optional=True)
    code = (fields.get("code") or "").strip().lower()
    if not code:
        errors["code"] = (REQUIRED, {})
    elif code not in catalog.ADDON_CODES:
        errors["code"] = (N_("Unknown additional service: %(value)s."), {"value": code})
    low = _field(errors, "value_from", parse_money, fields.get("value_from"), required=False)
    high = _field(errors, "value_to", parse_money, fields.get("value_to"), required=False)
    if low is not None and high is not None and high < low:
        errors["value_to"] = (N_("The upper amount must not be below the lower one."), {})
    if (low is not None or high is not None) and code and code not in catalog.AMOUNT_ADDONS:
        errors.setdefault("value_from", (N_("Only COD and insurance are priced by amount."), {}))
    fixed = _field(errors, "net_fixed", parse_money, fields.get("net_fixed") or "0")
    percent = _field(errors, "percent", parse_money, fields.get("percent") or "0", maximum=Decimal(100))
    minimum = _field(errors, "min_net", parse_money, fields.get("min_net"), required=False)
    if errors:
        return None, errors
    return AddonValues(carrier, service, code, low, high, fixed, percent, minimum), {}


def row_overlap(values: RowValues, others: Iterable[Any]) -> Problem | None:
    """A problem when the weight band overlaps another row with the same carrier, service and size."""
    for other in others:
        same = (other.carrier, other.service, other.size_class) == values.key
        if same and other.weight_from_g <= values.weight_to_g and values.weight_from_g <= other.weight_to_g:
            return (N_("The weight band overlaps another row of the same service and size class "
                       "(%(start)s–%(end)s g)."), {"start": other.weight_from_g, "end": other.weight_to_g})
    return None


def addon_overlap(values: AddonValues, others: Iterable[Any]) -> Problem | None:
    """A problem when the amount band overlaps another price of the same add-on, carrier and service."""
    low = values.value_from if values.value_from is not None else Decimal("-1")
    high = values.value_to if values.value_to is not None else MONEY_MAX
    for other in others:
        if (other.carrier, other.service, other.code) != values.key:
            continue
        other_low = other.value_from if other.value_from is not None else Decimal("-1")
        other_high = other.value_to if other.value_to is not None else MONEY_MAX
        if other_low <= high and low <= other_high:
            return (N_("The amount band overlaps another price of the same additional service "
                       "(%(start)s–%(end)s zł)."),
                    {"start": other.value_from if other.value_from is not None else "0",
                     "end": other.value_to if other.value_to is not None else "∞"})
    return None
