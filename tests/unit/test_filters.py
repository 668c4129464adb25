"""Money and time filters: Polish and English formats, Europe/Warsaw across DST changes."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask import Flask, render_template_string
from flask_babel import Babel, force_locale

from desk.views.filters import init_app, local_dt, money, timeago

NBSP = "\u00a0"
UTC = dt.UTC


@pytest.fixture
def ctx():
    """A bare Flask app with Babel as the desk configures it (Polish, Europe/Warsaw); no database."""
    app = Flask(__name__)
    Babel(app, default_locale="pl", default_timezone="Europe/Warsaw")
    init_app(app)
    with app.test_request_context():
        yield app


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("1234.56"), f"1{NBSP}234,56{NBSP}zł"),
        (Decimal("0"), f"0,00{NBSP}zł"),
        (Decimal("8.2"), f"8,20{NBSP}zł"),
        (Decimal("1234567.89"), f"1{NBSP}234{NBSP}567,89{NBSP}zł"),
        (Decimal("-49.99"), f"-49,99{NBSP}zł"),
        ("8.22", f"8,22{NBSP}zł"),  # Allegro sends amounts as strings
    ],
)
def test_money_in_polish(ctx, amount, expected):
    assert money(amount) == expected


def test_money_in_english_puts_the_code_first(ctx):
    with force_locale("en"):
        assert money(Decimal("1234.56")) == f"PLN{NBSP}1,234.56"
        assert money(Decimal("-5")) == f"-PLN{NBSP}5.00"


def test_money_other_currency(ctx):
    assert money(Decimal("10.5"), "EUR") == f"10,50{NBSP}€"
    with force_locale("en"):
        assert money(Decimal("10.5"), "EUR") == f"EUR{NBSP}10.50"


def test_money_missing_amount_is_a_dash(ctx):
    assert money(None) == "—"


def test_money_is_a_jinja_filter(ctx):
    html = render_template_string("{{ amount|money }} {{ amount|money('EUR') }}", amount=Decimal("1234.5"))
    assert html == f"1{NBSP}234,50{NBSP}zł 1{NBSP}234,50{NBSP}€"


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # Spring forward on 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
        (dt.datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "2026-03-29 01:59 +01:00"),
        (dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "2026-03-29 03:00 +02:00"),
        # Fall back on 2026-10-25: 03:00 CEST returns to 02:00 CET at 01:00 UTC, so 02:30 happens twice.
        (dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "2026-10-25 02:30 +02:00"),
        (dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "2026-10-25 02:30 +01:00"),
        (dt.datetime(2026, 10, 25, 2, 0, tzinfo=UTC), "2026-10-25 03:00 +01:00"),
    ],
)
def test_local_dt_follows_warsaw_dst(ctx, utc, expected):
    assert local_dt(utc, "yyyy-MM-dd HH:mm xxx") == expected


def test_local_dt_short_format_per_language(ctx):
    moment = dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert local_dt(moment) == "29.03.2026, 03:00"
    with force_locale("en"):
        assert local_dt(moment) == "3/29/26, 3:00\u202fAM"


def test_local_dt_takes_naive_values_as_utc(ctx):
    assert local_dt(dt.datetime(2026, 7, 1, 10, 0), "HH:mm") == "12:00"


def test_local_dt_converts_other_offsets(ctx):
    new_york = dt.timezone(dt.timedelta(hours=-4))
    assert local_dt(dt.datetime(2026, 7, 1, 6, 0, tzinfo=new_york), "HH:mm") == "12:00"


def test_local_dt_missing_value_is_a_dash(ctx):
    assert local_dt(None) == "—"


def test_local_dt_is_a_jinja_filter(ctx):
    html = render_template_string("{{ at|local_dt('HH:mm') }}", at=dt.datetime(2026, 1, 15, 8, 5, tzinfo=UTC))
    assert html == "09:05"


def test_timeago_in_both_languages(ctx):
    now = dt.datetime(2026, 10, 25, 12, 0, tzinfo=UTC)
    assert timeago(now - dt.timedelta(minutes=5), now=now) == "5 minut temu"
    assert timeago(now + dt.timedelta(hours=2), now=now) == "za 2 godziny"
    with force_locale("en"):
        assert timeago(now - dt.timedelta(days=3), now=now) == "3 days ago"


def test_timeago_within_a_minute_is_just_now(ctx):
    now = dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    # No catalog is loaded in this bare app, so the English msgid comes back.
    assert timeago(now - dt.timedelta(seconds=20), now=now) == "just now"
    assert timeago(None) == "—"


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("format_name", ["short", "medium", "long", "full", "d MMM y, HH:mm"])
def test_local_dt_matches_babel(ctx, language, format_name):
    # The filter keeps Babel's parsed patterns; what it prints must stay exactly Babel's.
    from flask_babel import format_datetime

    start = dt.datetime(2026, 3, 28, 22, 17, 5, tzinfo=UTC)
    moments = [start + dt.timedelta(minutes=97 * n) for n in range(60)]  # across the DST change
    moments += [dt.datetime(2026, 10, 25, 0, 30), dt.datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)]
    with force_locale(language):
        for moment in moments:
            assert local_dt(moment, format_name) == format_datetime(moment, format_name)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_money_matches_babel(ctx, language):
    # The filter keeps what the language and currency decide; the text must stay exactly Babel's.
    import random

    from flask_babel import format_currency

    rng = random.Random(7)
    amounts = [Decimal("0"), Decimal("-0.00"), Decimal("0.005"), Decimal("0.015"), Decimal("999.995"),
               Decimal("-1234567.891"), Decimal("1E+3"), Decimal("12345678901234.5"), Decimal("7")]
    amounts += [Decimal(rng.randint(-10**9, 10**9)) / 10 ** rng.randint(0, 4) for _ in range(300)]
    patterns = {"pl": f"#,##0.00{NBSP}¤", "en": f"¤¤{NBSP}#,##0.00"}
    with force_locale(language):
        for amount in amounts:
            for currency in ("PLN", "EUR", "CZK", "JPY", "HUF", "KWD"):
                expected = format_currency(amount, currency, format=patterns[language])
                assert money(amount, currency) == expected, (amount, currency)
