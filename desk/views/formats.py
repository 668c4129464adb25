"""Babel's money and date formats at list-page speed, with exactly Babel's output.

A list page formats an amount and a time on each of its fifty rows, and each Babel call looks up
the pattern, the locale's symbols and the currency's name again. Here what depends only on the
language, the currency or the format is worked out once and kept, and the parts of a date that
repeat (its day, its minute of the day) are kept as Babel wrote them. A pattern the fast path does
not cover is left to Babel itself; tests/unit/test_filters.py holds both to the same output.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import DateTimePattern, get_date_format, get_datetime_format, get_time_format
from babel.numbers import (
    NumberPattern,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)
from babel.numbers import parse_pattern as parse_number_pattern

NAMED_FORMATS = frozenset({"short", "medium", "long", "full"})
# Time fields that read only the hour and the minute (no seconds, no zone, no date).
_HOUR_MINUTE_FIELDS = frozenset("HhKkma")
_FIELD = re.compile(r"%\((\w+)\)s")


# --- money --------------------------------------------------------------------------------------


def currency(value: Decimal, locale: Locale, code: str, pattern: str) -> str:
    """`babel.numbers.format_currency(value, code, format=pattern, locale=locale)`."""
    fast = _currency_format(locale, code, pattern)
    if fast is None or not value.is_finite():
        return parse_number_pattern(pattern).apply(value, locale, currency=code)
    affixes, quantum, separators = fast
    number = f"{abs(value).normalize().quantize(quantum):,f}".translate(separators)
    prefix, suffix = affixes[value.is_signed()]
    return prefix + number + suffix


@lru_cache(maxsize=64)
def _currency_format(locale: Locale, code: str, pattern_text: str):
    """(affixes by sign, rounding quantum, separator table), or None where Babel must do it all.

    The fast path covers plain grouped patterns such as "#,##0.00 ¤": groups of three, at least
    one integer digit, the currency's own number of decimals (NumberPattern.apply's rules).
    """
    pattern: NumberPattern = parse_number_pattern(pattern_text)
    affix_text = "".join(pattern.prefix + pattern.suffix)
    if (
        pattern.grouping != (3, 3) or pattern.int_prec[0] != 1 or pattern.scale != 0 or pattern.exp_prec
        or "@" in pattern.pattern or "'" in affix_text or "¤¤¤" in affix_text
    ):
        return None
    symbol = get_currency_symbol(code, locale)

    def affix(text: str) -> str:
        return text.replace("¤¤", code.upper()).replace("¤", symbol)

    affixes = tuple((affix(pattern.prefix[n]), affix(pattern.suffix[n])) for n in (0, 1))
    quantum = Decimal(10) ** -get_currency_precision(code)
    separators = str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale)})
    return affixes, quantum, separators


# --- dates --------------------------------------------------------------------------------------


def in_zone(value: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """`value` (a naive one is UTC) in `zone`, as Babel converts it; a pytz zone is read through
    zoneinfo (the same IANA rules, converted in C instead of Python)."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    fast = _zoneinfo(zone)
    if fast is not None:
        return aware.astimezone(fast)
    when = aware.astimezone(zone)
    return zone.normalize(when) if hasattr(zone, "normalize") else when  # pytz


@lru_cache(maxsize=16)
def _zoneinfo(zone: dt.tzinfo) -> ZoneInfo | None:
    if isinstance(zone, ZoneInfo):
        return zone
    try:
        return ZoneInfo(getattr(zone, "zone", None) or "")
    except (ZoneInfoNotFoundError, ValueError):
        return None


def named_datetime(when: dt.datetime, locale: Locale, format: str) -> str:  # noqa: A002 (Babel's name)
    """`babel.dates.format_datetime(when, format, locale=locale)` for a named format ("short",
    "medium", ...) and a datetime already in the zone it is shown in."""
    joined, time_pattern, date_pattern = _datetime_patterns(locale, format)
    day = when.date()
    if _reads_hour_and_minute_only(time_pattern):
        time_text = _time_part(time_pattern, locale, when.hour, when.minute)
    else:
        time_text = time_pattern.apply(when.timetz(), locale, reference_date=day)
    return joined.replace("{0}", time_text).replace("{1}", _date_part(date_pattern, locale, day))


@lru_cache(maxsize=32)
def _datetime_patterns(locale: Locale, format: str) -> tuple[str, DateTimePattern, DateTimePattern]:  # noqa: A002
    """How babel.dates.format_datetime joins a named date format and time format."""
    joined = get_datetime_format(format, locale=locale).replace("'", "")
    return joined, get_time_format(format, locale=locale), get_date_format(format, locale=locale)


@lru_cache(maxsize=64)
def _reads_hour_and_minute_only(pattern: DateTimePattern) -> bool:
    return all(name[0] in _HOUR_MINUTE_FIELDS for name in _FIELD.findall(pattern.format))


@lru_cache(maxsize=4096)
def _time_part(pattern: DateTimePattern, locale: Locale, hour: int, minute: int) -> str:
    return pattern.apply(dt.time(hour, minute), locale)


@lru_cache(maxsize=4096)
def _date_part(pattern: DateTimePattern, locale: Locale, day: dt.date) -> str:
    return pattern.apply(day, locale)
