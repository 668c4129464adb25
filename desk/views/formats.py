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
_KEPT_TEXTS = 4096  # remembered day and minute texts per language, then started afresh
_LANGUAGES: dict[str, LanguageFormats] = {}


def for_locale(locale: Locale) -> LanguageFormats:
    """The formats of `locale`, made on first use and kept (a page asks once, not per value)."""
    key = str(locale)
    found = _LANGUAGES.get(key)
    if found is None:
        found = _LANGUAGES[key] = LanguageFormats(locale)
    return found


def in_zone(value: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """`value` (a naive one is UTC) in `zone`, as Babel converts it; a pytz zone is read through
    zoneinfo (the same IANA rules, converted in C instead of Python)."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    fast = _zoneinfo(zone)
    if fast is not None:
        return aware.astimezone(fast)
    when = aware.astimezone(zone)
    return zone.normalize(when) if hasattr(zone, "normalize") else when  # pytz


class LanguageFormats:
    """Money and named date formats of one language, with exactly Babel's output."""

    def __init__(self, locale: Locale) -> None:
        self.locale = locale
        self._currencies: dict[tuple[str, str], tuple | None] = {}
        self._datetimes: dict[str, tuple[str, DateTimePattern, DateTimePattern, bool]] = {}
        self._texts: dict[tuple, str] = {}  # a day's or a minute's text in a pattern, as Babel wrote it

    def currency(self, value: Decimal, code: str, pattern: str) -> str:
        """`babel.numbers.format_currency(value, code, format=pattern, locale=...)`."""
        key = (code, pattern)
        fast = self._currencies[key] if key in self._currencies else self._currency_format(*key)
        if fast is None or not value.is_finite():
            return parse_number_pattern(pattern).apply(value, self.locale, currency=code)
        affixes, quantum, separators = fast
        number = f"{abs(value).normalize().quantize(quantum):,f}".translate(separators)
        prefix, suffix = affixes[value.is_signed()]
        return prefix + number + suffix

    def datetime(self, when: dt.datetime, format: str) -> str:  # noqa: A002 (Babel's name)
        """`babel.dates.format_datetime(when, format, locale=...)` for a named format ("short",
        "medium", ...) and a datetime already in the zone it is shown in."""
        parts = self._datetimes.get(format) or self._datetime_parts(format)
        joined, time_pattern, date_pattern, minute_only = parts
        day = when.date()
        if minute_only:
            time_text = self._text(time_pattern, dt.time(when.hour, when.minute))
        else:
            time_text = time_pattern.apply(when.timetz(), self.locale, reference_date=day)
        return joined.replace("{0}", time_text).replace("{1}", self._text(date_pattern, day))

    def _text(self, pattern: DateTimePattern, value: dt.date | dt.time) -> str:
        key = (pattern.pattern, value)
        text = self._texts.get(key)
        if text is None:
            if len(self._texts) >= _KEPT_TEXTS:
                self._texts.clear()
            text = self._texts[key] = pattern.apply(value, self.locale)
        return text

    def _datetime_parts(self, format: str) -> tuple[str, DateTimePattern, DateTimePattern, bool]:  # noqa: A002
        """How babel.dates.format_datetime joins a named date format and time format."""
        locale = self.locale
        time_pattern = get_time_format(format, locale=locale)
        minute_only = all(name[0] in _HOUR_MINUTE_FIELDS for name in _FIELD.findall(time_pattern.format))
        joined = get_datetime_format(format, locale=locale).replace("'", "")
        parts = (joined, time_pattern, get_date_format(format, locale=locale), minute_only)
        self._datetimes[format] = parts
        return parts

    def _currency_format(self, code: str, pattern_text: str) -> tuple | None:
        """(affixes by sign, rounding quantum, separator table), or None where Babel must do it all.

        The fast path covers plain grouped patterns such as "#,##0.00 ¤": groups of three, at
        least one integer digit, the currency's own number of decimals (NumberPattern.apply's rules).
        """
        pattern: NumberPattern = parse_number_pattern(pattern_text)
        affix_text = "".join(pattern.prefix + pattern.suffix)
        fast = None
        if not (
            pattern.grouping != (3, 3) or pattern.int_prec[0] != 1 or pattern.scale != 0 or pattern.exp_prec
            or "@" in pattern.pattern or "'" in affix_text or "¤¤¤" in affix_text
        ):
            symbol = get_currency_symbol(code, self.locale)

            def affix(text: str) -> str:
                return text.replace("¤¤", code.upper()).replace("¤", symbol)

            affixes = tuple((affix(pattern.prefix[n]), affix(pattern.suffix[n])) for n in (0, 1))
            quantum = Decimal(10) ** -get_currency_precision(code)
            symbols = {",": get_group_symbol(self.locale), ".": get_decimal_symbol(self.locale)}
            fast = (affixes, quantum, str.maketrans(symbols))
        self._currencies[(code, pattern_text)] = fast
        return fast


@lru_cache(maxsize=16)
def _zoneinfo(zone: dt.tzinfo) -> ZoneInfo | None:
    if isinstance(zone, ZoneInfo):
        return zone
    try:
        return ZoneInfo(getattr(zone, "zone", None) or "")
    except (ZoneInfoNotFoundError, ValueError):
        return None
