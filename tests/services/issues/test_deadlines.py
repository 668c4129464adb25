"""Business-hours deadlines (Mon–Fri 8–18 Europe/Warsaw, Polish holidays) with concrete dates."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest

from desk.services.issues.deadlines import (
    BUSINESS_HOURS,
    WARSAW,
    DeadlinePolicy,
    Tone,
    effective_due,
    polish_holidays,
)


def warsaw(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WARSAW)


def local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(WARSAW).replace(tzinfo=None)


def test_the_holidays_package_knows_the_polish_days_we_rely_on():
    pl = holidays.country_holidays("PL", years=[2024, 2025, 2026])
    assert dt.date(2026, 11, 11) in pl  # Independence Day, a Wednesday in 2026
    assert dt.date(2026, 12, 24) in pl  # Christmas Eve: a public holiday from 2025 on
    assert dt.date(2025, 12, 24) in pl
    assert dt.date(2024, 12, 24) not in pl  # not before the 2025 law
    assert dt.date(2026, 6, 4) in pl  # Corpus Christi moves with Easter
    assert polish_holidays(2026) == frozenset(pl.keys() & {d for d in pl if d.year == 2026})


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        # inside one day
        (warsaw(2026, 11, 17, 9), 8, dt.datetime(2026, 11, 17, 17)),
        # Friday 17:00 + 8 h: one hour on Friday, seven on Monday
        (warsaw(2026, 11, 20, 17), 8, dt.datetime(2026, 11, 23, 15)),
        # after hours on Friday the clock starts on Monday at 8:00
        (warsaw(2026, 11, 20, 18, 30), 8, dt.datetime(2026, 11, 23, 16)),
        # a message on Saturday is counted from Monday morning
        (warsaw(2026, 11, 21, 10), 8, dt.datetime(2026, 11, 23, 16)),
        # before opening counts from 8:00
        (warsaw(2026, 11, 17, 6, 15), 2, dt.datetime(2026, 11, 17, 10)),
        # exactly a full day ends at closing time, not the next morning
        (warsaw(2026, 11, 17, 8), 10, dt.datetime(2026, 11, 17, 18)),
        # Wednesday 11 November 2026 is a holiday: Tuesday 17:00 + 8 h = Thursday 15:00
        (warsaw(2026, 11, 10, 17), 8, dt.datetime(2026, 11, 12, 15)),
        # Christmas 2026: Thu 24 (holiday since 2025), Fri 25, Sat 26, Sun 27 -> Monday 28
        (warsaw(2026, 12, 23, 17), 8, dt.datetime(2026, 12, 28, 15)),
        # New Year (Thu) and Epiphany (Tue 6 Jan 2026) inside one span
        (warsaw(2025, 12, 31, 12), 34, dt.datetime(2026, 1, 7, 16)),
        # across the spring clock change (29 March 2026): wall-clock hours stay right
        (warsaw(2026, 3, 27, 17), 8, dt.datetime(2026, 3, 30, 15)),
        # across the autumn clock change (25 October 2026)
        (warsaw(2026, 10, 23, 16), 4, dt.datetime(2026, 10, 26, 10)),
    ],
)
def test_adding_business_hours(start, hours, expected):
    result = BUSINESS_HOURS.add(start, hours)
    assert result.tzinfo is not None and result.utcoffset() == dt.timedelta(0)  # stored as UTC
    assert local(result) == expected


def test_utc_input_is_read_in_warsaw_time():
    # 16:30 UTC on a winter Friday is 17:30 in Warsaw: half an hour left that day
    start = dt.datetime(2026, 11, 20, 16, 30, tzinfo=dt.UTC)
    assert local(BUSINESS_HOURS.add(start, 1)) == dt.datetime(2026, 11, 23, 8, 30)


def test_summer_offset_is_applied():
    result = BUSINESS_HOURS.add(warsaw(2026, 7, 1, 9), 1)
    assert result == dt.datetime(2026, 7, 1, 8, tzinfo=dt.UTC)  # 10:00 CEST


@pytest.mark.parametrize(
    ("end", "hours", "expected"),
    [
        (warsaw(2026, 11, 23, 15), 8, dt.datetime(2026, 11, 20, 17)),
        # ending exactly 8 h into Monday gives Monday 8:00, not Friday 18:00 (the later equivalent)
        (warsaw(2026, 11, 23, 16), 8, dt.datetime(2026, 11, 23, 8)),
        (warsaw(2026, 11, 12, 15), 8, dt.datetime(2026, 11, 10, 17)),
        (warsaw(2026, 12, 28, 15), 8, dt.datetime(2026, 12, 23, 17)),
        # from a Sunday the walk starts at Friday's closing
        (warsaw(2026, 11, 22, 12), 2, dt.datetime(2026, 11, 20, 16)),
    ],
)
def test_subtracting_business_hours(end, hours, expected):
    assert local(BUSINESS_HOURS.subtract(end, hours)) == expected


@pytest.mark.parametrize(
    "start",
    [warsaw(2026, 11, 20, 17), warsaw(2026, 11, 21, 3), warsaw(2026, 12, 23, 12), warsaw(2026, 11, 10, 18)],
)
def test_subtract_inverts_add(start):
    target = BUSINESS_HOURS.add(start, 8)
    bound = BUSINESS_HOURS.subtract(target, 8)
    assert BUSINESS_HOURS.add(bound, 8) == target
    assert bound >= start or BUSINESS_HOURS.add(start, 8) == target


def test_business_time_between():
    assert BUSINESS_HOURS.between(warsaw(2026, 11, 20, 17), warsaw(2026, 11, 23, 15)) == dt.timedelta(hours=8)
    assert BUSINESS_HOURS.between(warsaw(2026, 11, 10, 12), warsaw(2026, 11, 12, 9)) == dt.timedelta(hours=7)
    assert BUSINESS_HOURS.between(warsaw(2026, 11, 23, 15), warsaw(2026, 11, 20, 17)) == -dt.timedelta(
        hours=8
    )


def test_reply_deadline_tones_count_business_time():
    rules = DeadlinePolicy(reply_hours=8, reply_soon_hours=2, allegro_soon_hours=48)
    since = warsaw(2026, 11, 20, 9)  # Friday morning: due Friday 17:00
    assert rules.reply_deadline(since, warsaw(2026, 11, 20, 10)).tone is Tone.OK
    assert rules.reply_deadline(since, warsaw(2026, 11, 20, 15, 30)).tone is Tone.SOON
    late = rules.reply_deadline(since, warsaw(2026, 11, 20, 17, 30))
    assert late.tone is Tone.OVERDUE and late.left == -dt.timedelta(minutes=30)
    # Friday 17:30, message from 11:00: due Monday 9:00, 63.5 real hours away but 1.5 business hours
    weekend = rules.reply_deadline(warsaw(2026, 11, 20, 11), warsaw(2026, 11, 20, 17, 30))
    assert local(weekend.at) == dt.datetime(2026, 11, 23, 9, 0)
    assert weekend.left > dt.timedelta(hours=60)
    assert weekend.tone is Tone.SOON


def test_allegro_deadline_tones_count_calendar_time():
    rules = DeadlinePolicy(reply_hours=8, reply_soon_hours=2, allegro_soon_hours=48)
    now = warsaw(2026, 11, 20, 12)
    assert rules.allegro_deadline(now + dt.timedelta(days=5), now).tone is Tone.OK
    assert rules.allegro_deadline(now + dt.timedelta(hours=47), now).tone is Tone.SOON
    assert rules.allegro_deadline(now - dt.timedelta(minutes=1), now).tone is Tone.OVERDUE
    assert rules.allegro_deadline(None, now) is None


def test_reply_risk_bound_matches_the_row_tones():
    rules = DeadlinePolicy(reply_hours=8, reply_soon_hours=2, allegro_soon_hours=48)
    now = warsaw(2026, 11, 20, 16)  # Friday 16:00
    bound = rules.reply_risk_bound(now)
    # at risk: reply target within 2 business hours, i.e. by Friday's closing
    assert local(bound) == dt.datetime(2026, 11, 20, 10)
    assert local(rules.reply_target(bound)) == dt.datetime(2026, 11, 20, 18)
    assert rules.reply_deadline(bound, now).tone is Tone.SOON
    later = bound + dt.timedelta(minutes=1)
    assert rules.reply_deadline(later, now).tone is Tone.OK


def test_claim_without_dates_gets_the_statutory_fourteen_days():
    opened = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)
    due, estimated = effective_due(
        "CLAIM_SUBMITTED", None, None, opened, awaiting_decision=True, is_open=True
    )
    assert (due, estimated) == (opened + dt.timedelta(days=14), True)
    decision = opened + dt.timedelta(days=13)
    assert effective_due("CLAIM_SUBMITTED", decision, None, opened, awaiting_decision=True, is_open=True) == (
        decision,
        False,
    )
    assert effective_due(
        "DISPUTE_CLOSED", None, decision, opened, awaiting_decision=False, is_open=False
    ) == (
        None,
        False,
    )
