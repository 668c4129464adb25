"""Stuck parcels: silence counted in Polish working days per carrier, too long at a pickup point,
going back to the sender; the list pages by keyset and never shows another account's parcels."""

from __future__ import annotations

import datetime as dt

import pytest

from desk.extensions import db
from desk.models import SellerAccount
from desk.services.shipping.tracking import stuck
from desk.services.shipping.tracking.stuck import StuckFilters, StuckRules, quiet_cutoff
from tests.services.shipping.parcel_rows import event, make_shipment, warsaw

RULES = StuckRules(working_days={"inpost": 2, "poczta": 4}, other_working_days=3, pickup_days=5)


@pytest.fixture
def account(app) -> SellerAccount:
    return _account("Sklep A")


def _account(name: str) -> SellerAccount:
    account = SellerAccount(name=name)
    db.session.add(account)
    db.session.commit()
    return account


def reason(shipment, now) -> str | None:
    found = stuck.reasons_for(RULES, [shipment.id], now=now)
    return found[shipment.id][0] if shipment.id in found else None


# --- working days -------------------------------------------------------------------------------


def test_the_cutoff_skips_weekends_and_polish_holidays():
    # Wednesday 11 November 2026 is Independence Day: Thursday's two working days back are Tue and Mon.
    assert quiet_cutoff(warsaw(2026, 11, 12, 9), 2) == warsaw(2026, 11, 9, 0)
    assert quiet_cutoff(warsaw(2026, 11, 19, 9), 2) == warsaw(2026, 11, 17, 0)  # an ordinary Thursday
    assert quiet_cutoff(warsaw(2026, 11, 23, 9), 1) == warsaw(2026, 11, 20, 0)  # Monday: back to Friday
    assert stuck.is_working_day(dt.date(2026, 11, 11)) is False
    assert stuck.is_working_day(dt.date(2026, 12, 24)) is False  # Christmas Eve, a holiday from 2025 on


def test_silence_over_a_polish_holiday_is_not_stuck_until_two_working_days_pass(account):
    parcel = make_shipment(account, events=[event("adopted_at_sorting_center", warsaw(2026, 11, 9, 10),
                                                  "in_transit")])
    assert reason(parcel, warsaw(2026, 11, 12, 9)) is None  # Tue 10th only: Wed 11th is a holiday
    assert reason(parcel, warsaw(2026, 11, 12, 23, 59)) is None
    assert reason(parcel, warsaw(2026, 11, 13, 0, 1)) == "silent"  # Tue and Thu have passed


def test_silence_counts_full_working_days_at_the_edge(account):
    parcel = make_shipment(account, events=[event("collected_from_sender", warsaw(2026, 11, 16, 10),
                                                  "handed_over")])
    assert reason(parcel, warsaw(2026, 11, 18, 23, 59)) is None  # Tuesday and Wednesday not over yet
    assert reason(parcel, warsaw(2026, 11, 19, 0, 1)) == "silent"


def test_a_weekend_does_not_count_and_each_carrier_has_its_own_days(account):
    thursday = warsaw(2026, 11, 19, 10)
    inpost = make_shipment(account, events=[event("in_transit", thursday, "in_transit")])
    poczta = make_shipment(account, carrier="poczta", events=[event("P_NAD", thursday, "in_transit")])
    dpd = make_shipment(account, carrier="dpd", events=[event("040101", thursday, "in_transit")])
    assert reason(inpost, warsaw(2026, 11, 23, 12)) is None  # Monday: only Friday has passed
    tuesday = warsaw(2026, 11, 24, 0, 30)
    assert reason(inpost, tuesday) == "silent"
    assert reason(dpd, tuesday) is None  # a carrier without its own setting waits 3 working days
    assert reason(dpd, warsaw(2026, 11, 25, 0, 30)) == "silent"
    assert reason(poczta, warsaw(2026, 11, 25, 0, 30)) is None  # Poczta Polska: 4 working days
    assert reason(poczta, warsaw(2026, 11, 26, 0, 30)) == "silent"


def test_a_labelled_parcel_never_handed_over_goes_quiet_from_its_label(account):
    parcel = make_shipment(account, created_at=warsaw(2026, 11, 16, 10))
    assert reason(parcel, warsaw(2026, 11, 18, 12)) is None
    assert reason(parcel, warsaw(2026, 11, 19, 12)) == "silent"


# --- pickup points, returns, problems -----------------------------------------------------------


def test_ready_for_pickup_more_than_five_days(account):
    arrived = warsaw(2026, 11, 20, 14)
    parcel = make_shipment(account, events=[
        event("out_for_delivery", arrived - dt.timedelta(hours=5), "out_for_delivery"),
        event("ready_to_pickup", arrived, "ready_for_pickup"),
        # a reminder to the buyer (an event that only informs) does not restart the clock
        event("pickup_reminder_sent", arrived + dt.timedelta(days=2), None),
    ])
    assert reason(parcel, arrived + dt.timedelta(days=5, minutes=-1)) is None
    found = stuck.reasons_for(RULES, [parcel.id], now=arrived + dt.timedelta(days=5, minutes=1))
    assert found[parcel.id] == ("pickup", arrived)


def test_a_redirected_parcel_waits_anew_at_its_new_point(account):
    first = warsaw(2026, 11, 10, 14)
    again = warsaw(2026, 11, 20, 9)
    parcel = make_shipment(account, events=[
        event("ready_to_pickup", first, "ready_for_pickup"),
        event("redirected", first + dt.timedelta(days=1), "in_transit"),
        event("ready_to_pickup", again, "ready_for_pickup"),
    ])
    # another parcel's later events change nothing about this one
    make_shipment(account, events=[event("in_transit", again + dt.timedelta(days=1), "in_transit")])
    waiting = make_shipment(account, events=[event("ready_to_pickup", first, "ready_for_pickup")])
    assert reason(parcel, again + dt.timedelta(days=3)) is None
    assert reason(parcel, again + dt.timedelta(days=6)) == "pickup"
    assert stuck.reasons_for(RULES, [waiting.id], now=again)[waiting.id] == ("pickup", first)


def test_returning_and_problem_parcels_are_stuck_at_once_delivered_ones_never(account):
    at = warsaw(2026, 11, 20, 9)
    returning = make_shipment(account, events=[event("returned_to_sender", at, "returning")])
    problem = make_shipment(account, events=[event("undelivered_wrong_address", at, "problem")])
    delivered = make_shipment(account, events=[event("delivered", at, "delivered")])
    later = at + dt.timedelta(minutes=5)
    assert reason(returning, later) == "returning"
    assert reason(problem, later) == "problem"
    assert reason(delivered, at + dt.timedelta(days=60)) is None


# --- the list and its badge ---------------------------------------------------------------------


def test_the_list_pages_by_keyset_oldest_news_first(account):
    made = [make_shipment(account, events=[event("in_transit", warsaw(2026, 11, 2 + day, 10), "in_transit")])
            for day in (3, 0, 4, 1, 2)]
    now = warsaw(2026, 11, 30, 12)
    seen, after, pages = [], None, 0
    while True:
        page = stuck.list_stuck(RULES, filters=StuckFilters(), account_ids=None, after=after, limit=2,
                                now=now)
        seen += [row.shipment.id for row in page.rows]
        pages += 1
        after = page.next_cursor
        if after is None:
            break
    by_news = sorted(made, key=lambda s: s.tracking_at)
    assert seen == [s.id for s in by_news] and pages == 3
    assert stuck.list_stuck(RULES, filters=StuckFilters(), account_ids=None, after="garbage!", now=now).rows


def test_the_list_filters_and_never_shows_another_accounts_parcels(account):
    other = _account("Sklep B")
    at = warsaw(2026, 11, 20, 9)
    mine = make_shipment(account, events=[event("returned_to_sender", at, "returning")])
    make_shipment(other, events=[event("returned_to_sender", at, "returning")])
    silent = make_shipment(account, carrier="dpd", events=[event("040101", at, "in_transit")])
    now = warsaw(2026, 11, 30, 12)

    def ids(account_ids, **filters):
        page = stuck.list_stuck(RULES, filters=StuckFilters(**filters), account_ids=account_ids, now=now)
        return {row.shipment.id for row in page.rows}

    assert ids({account.id}) == {mine.id, silent.id}
    assert ids({account.id}, reason="returning") == {mine.id}
    assert ids({account.id}, carrier="dpd") == {silent.id}
    assert ids({account.id}, account_id=other.id) == set()  # asking for another account shows nothing
    assert ids(set()) == set()
    assert len(ids(None)) == 3
    row = stuck.list_stuck(RULES, filters=StuckFilters(reason="returning"), account_ids={account.id},
                           now=now).rows[0]
    assert row.account_name == "Sklep A" and row.since == at


def test_the_badge_counts_only_visible_stuck_parcels_up_to_its_cap(account, monkeypatch):
    other = _account("Sklep B")
    at = warsaw(2026, 11, 20, 9)
    for owner in (account, account, account, other):
        make_shipment(owner, events=[event("returned_to_sender", at, "returning")])
    make_shipment(account, events=[event("delivered", at, "delivered")])
    now = at + dt.timedelta(hours=1)
    assert stuck.stuck_count(RULES, {account.id}, now=now) == 3
    assert stuck.stuck_count(RULES, {other.id}, now=now) == 1
    assert stuck.stuck_count(RULES, set(), now=now) == 0
    monkeypatch.setattr(stuck, "BADGE_CAP", 1)
    assert stuck.stuck_count(RULES, None, now=now) == 2  # counted no further than cap + 1


def test_the_rules_come_from_the_settings(app):
    from desk.wiring.parcels import stuck_rules

    app.config["STUCK_WORKING_DAYS_POCZTA"] = 6
    app.config["STUCK_PICKUP_DAYS"] = 7
    rules = stuck_rules(app)
    assert rules.days_for("poczta") == 6
    assert rules.days_for("inpost") == app.config["STUCK_WORKING_DAYS_INPOST"]
    assert rules.days_for("kurier_x") == app.config["STUCK_WORKING_DAYS_OTHER"] and rules.pickup_days == 7
