"""Jinja filters for money and time, in the agent's language and the Europe/Warsaw time zone.

Their output is Babel's; desk/views/formats.py makes it fast enough for fifty rows a page.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel import Locale
from babel.dates import format_timedelta, parse_pattern
from flask import Flask
from flask_babel import format_currency, format_datetime, get_locale, get_timezone, gettext
from jinja2 import pass_context
from jinja2.runtime import Context

from desk.views import formats

EMPTY = "—"
# Render context: the page's formats (language) and time zone, looked up once per page.
_FORMATS, _ZONE = "_desk_formats", "_desk_zone"
# Polish shops write "1 234,56 zł"; English readers expect the ISO code first: "PLN 1,234.56".
# Both keep the amount and its currency on one line with a non-breaking space.
_CURRENCY_PATTERNS = {"pl": "#,##0.00\u00a0¤", "en": "¤¤\u00a0#,##0.00"}


def money(
    amount: Decimal | str | int | None,
    currency: str = "PLN",
    *,
    language: formats.LanguageFormats | None = None,
) -> str:
    """Format an amount with its currency for the current locale ("1 234,56 zł" / "PLN 1,234.56")."""
    if amount is None or amount == "":
        return EMPTY
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    language = language or _current()
    if language is None:  # no request or app context: Babel's own defaults
        return format_currency(value, currency, format=_CURRENCY_PATTERNS["pl"])
    pattern = _CURRENCY_PATTERNS.get(language.locale.language, _CURRENCY_PATTERNS["en"])
    return language.currency(value, currency, pattern)


def local_dt(
    value: dt.datetime | None,
    format: str = "short",  # noqa: A002  (Babel's name)
    *,
    language: formats.LanguageFormats | None = None,
    zone: dt.tzinfo | None = None,
) -> str:
    """A UTC datetime shown in Europe/Warsaw time; naive values are taken as UTC."""
    if value is None:
        return EMPTY
    language = language or _current()
    if language is None:  # no request or app context: Babel's own defaults
        return format_datetime(value, format)
    when = formats.in_zone(value, zone or get_timezone())
    if format not in formats.NAMED_FORMATS:
        return parse_pattern(format).apply(when, language.locale)
    return language.datetime(when, format)


def timeago(
    value: dt.datetime | None, *, now: dt.datetime | None = None, locale: Locale | None = None
) -> str:
    """Relative time such as "5 minut temu" / "5 minutes ago" (or "za 2 godziny" for the future)."""
    if value is None:
        return EMPTY
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    delta = value - (now or dt.datetime.now(dt.UTC))
    if abs(delta) < dt.timedelta(minutes=1):
        return gettext("just now")
    return format_timedelta(delta, granularity="minute", add_direction=True, locale=locale or get_locale())


def init_app(app: Flask) -> None:
    """Register the filters: `money`, `local_dt`, `timeago`.

    In templates they take the language's formats and the time zone from the render context,
    looked up once per page instead of once per value.
    """
    app.context_processor(lambda: {_FORMATS: _current(), _ZONE: get_timezone()})
    app.add_template_filter(_money_filter, "money")
    app.add_template_filter(_local_dt_filter, "local_dt")
    app.add_template_filter(_timeago_filter, "timeago")


def _current() -> formats.LanguageFormats | None:
    locale = get_locale()
    return formats.for_locale(locale) if locale is not None else None


@pass_context
def _money_filter(context: Context, amount: Decimal | str | int | None, currency: str = "PLN") -> str:
    return money(amount, currency, language=context.get(_FORMATS))


@pass_context
def _local_dt_filter(context: Context, value: dt.datetime | None, format: str = "short") -> str:  # noqa: A002
    return local_dt(value, format, language=context.get(_FORMATS), zone=context.get(_ZONE))


@pass_context
def _timeago_filter(context: Context, value: dt.datetime | None) -> str:
    language = context.get(_FORMATS)
    return timeago(value, locale=language.locale if language is not None else None)
