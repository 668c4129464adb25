"""The 16:00 rule and the periods, across weekends and Polish holidays (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from desk.models import InvoiceMode
from desk.services.billing.invoices import timing
from tests.services.billing.invoicing import warsaw


@pytest.mark.parametrize(
    ("charged", "dated"),
    [
        (warsaw(2026, 12, 2, 10, 0), dt.date(2026, 12, 2)),  # Wednesday morning: that day
        (warsaw(2026, 12, 2, 16, 0), dt.date(2026, 12, 2)),  # at 16:00 sharp: still that day
        (warsaw(2026, 12, 2, 16, 0, 1), dt.date(2026, 12, 3)),  # a second later: the next working day
        (warsaw(2026, 12, 4, 17, 30), dt.date(2026, 12, 7)),  # Friday evening: Monday
        (warsaw(2026, 12, 5, 9, 0), dt.date(2026, 12, 7)),  # Saturday: Monday
        (warsaw(2026, 12, 23, 16, 30), dt.date(2026, 12, 28)),  # 24-27 Dec are days off (24th from 2025)
        (warsaw(2026, 12, 24, 10, 0), dt.date(2026, 12, 28)),  # Christmas Eve morning is a day off
        (warsaw(2026, 11, 10, 18, 0), dt.date(2026, 11, 12)),  # 11 November (Independence Day)
        (warsaw(2026, 12, 31, 16, 1), dt.date(2027, 1, 4)),  # New Year, then a weekend
    ],
)
def test_invoice_date_follows_the_16_00_rule(charged, dated):
    assert timing.invoice_date(charged) == dated


def test_issue_moment_is_at_once_or_midnight_of_the_invoice_date():
    morning = warsaw(2026, 12, 2, 9, 15)
    assert timing.issue_moment(morning) == morning
    assert timing.issue_moment(warsaw(2026, 12, 4, 17, 30)) == warsaw(2026, 12, 7, 0, 0)
    # UTC input: 15:30 UTC on 2 Dec is 16:30 in Warsaw (CET), so after the cutoff
    assert timing.invoice_date(dt.datetime(2026, 12, 2, 15, 30, tzinfo=dt.UTC)) == dt.date(2026, 12, 3)


def test_periods():
    assert timing.period_of(InvoiceMode.SEMIMONTHLY, dt.date(2026, 2, 20)) == timing.Period(
        dt.date(2026, 2, 16), dt.date(2026, 2, 28))
    assert timing.period_of(InvoiceMode.SEMIMONTHLY, dt.date(2026, 2, 15)).start == dt.date(2026, 2, 1)
    assert timing.period_of(InvoiceMode.MONTHLY, dt.date(2028, 2, 10)).end == dt.date(2028, 2, 29)
    now = warsaw(2026, 12, 16, 0, 5)
    assert timing.last_closed_period(InvoiceMode.SEMIMONTHLY, now) == timing.Period(
        dt.date(2026, 12, 1), dt.date(2026, 12, 15))
    assert timing.last_closed_period(InvoiceMode.MONTHLY, now) == timing.Period(
        dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    # the period ends at midnight in Warsaw (23:00 UTC in winter)
    assert timing.Period(dt.date(2026, 12, 1), dt.date(2026, 12, 15)).ends_at == dt.datetime(
        2026, 12, 15, 23, 0, tzinfo=dt.UTC)
