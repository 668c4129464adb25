"""Jinja filters for money and time, in the agent's language and the Europe/Warsaw time zone."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Flask
from flask_babel import format_currency, format_datetime, format_timedelta, get_locale, gettext

EMPTY = "—"
# Polish shops write "1 234,56 zł"; English readers expect the ISO code first: "PLN 1,234.56".
# Both keep the amount and its currency on one line with a non-breaking space.
_CURRENCY_PATTERNS = {"pl": "#,##0.00\u00a0¤", "en": "¤¤\u00a0#,##0.00"}


def money(amount: Decimal | str | int | None, currency: str = "PLN") -> str:
    """Format an amount with its currency for the current locale ("1 234,56 zł" / "PLN 1,234.56")."""
    if amount is None or amount == "":
        return EMPTY
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    language = _language()
    pattern = _CURRENCY_PATTERNS.get(language, _CURRENCY_PATTERNS["en"])
    return format_currency(value, currency, format=pattern)


def local_dt(value: dt.datetime | None, format: str = "short") -> str:  # noqa: A002  (Babel's name)
    """A UTC datetime shown in Europe/Warsaw time; naive values are taken as UTC."""
    if value is None:
        return EMPTY
    return format_datetime(value, format)


def timeago(value: dt.datetime | None, *, now: dt.datetime | None = None) -> str:
    """Relative time such as "5 minut temu" / "5 minutes ago" (or "za 2 godziny" for the future)."""
    if value is None:
        return EMPTY
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    delta = value - (now or dt.datetime.now(dt.UTC))
    if abs(delta) < dt.timedelta(minutes=1):
        return gettext("just now")
    return format_timedelta(delta, granularity="minute", add_direction=True)


def init_app(app: Flask) -> None:
    """Register the filters: `money`, `local_dt`, `timeago`."""
    app.add_template_filter(money)
    app.add_template_filter(local_dt)
    app.add_template_filter(timeago)


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "pl"
