"""The clocks: the broker's 14-day answer (with weekends, 24 December, Easter Monday, 1 and 3 May,
11 November) and its alert, the carrier's 3 months before a complaint is ineffective, the filing terms, the
14 days an unclaimed parcel waits; dates stored and read back on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from desk.extensions import db
from desk.models import CarrierKind, Complaint
from desk.services.complaints import broker, carrier, carrier_flow, clocks, listing
from tests.services.complaints.helpers import LIMITS, account, damage_files, damage_form, delivered_parcel
from tests.services.shipping.parcel_rows import warsaw


def service(seller, at: dt.datetime) -> Complaint:
    values = {
        "account_id": str(seller.id),
        "subject": "Brak odpowiedzi",
        "description": "Nikt nie oddzwonił.",
    }
    return broker.file_service(values, None, actor_id=None, now=at)


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        (warsaw(2026, 11, 2, 9), dt.date(2026, 11, 16)),  # Monday + 14 = Monday
        (warsaw(2026, 11, 7, 23, 30), dt.date(2026, 11, 23)),  # + 14 = Saturday 21st: Monday
        (warsaw(2026, 12, 10, 0, 30), dt.date(2026, 12, 28)),  # + 14 = 24 Dec (day off): 25-27 off too
        (warsaw(2027, 3, 15, 12), dt.date(2027, 3, 30)),  # + 14 = Easter Monday 29 March 2027
        (warsaw(2027, 4, 17, 12), dt.date(2027, 5, 4)),  # + 14 = Saturday 1 May, 2nd Sunday, 3rd holiday
        (warsaw(2026, 10, 28, 12), dt.date(2026, 11, 12)),  # + 14 = 11 November
        (dt.datetime(2026, 11, 1, 23, 30, tzinfo=dt.UTC), dt.date(2026, 11, 16)),  # 00:30 on 2 Nov in Warsaw
    ],
)
def test_the_answer_is_due_14_days_on_moved_past_days_off(app, submitted, due):
    complaint = service(account(), submitted)
    db.session.expire_all()
    assert db.session.get(Complaint, complaint.id).answer_due_on == due


def test_administrators_are_warned_before_the_answer_runs_out(app):
    seller = account()
    due_soon = service(seller, warsaw(2026, 11, 2, 9))  # due Monday 16 Nov
    service(seller, warsaw(2026, 11, 10, 9))  # due Tuesday 24 Nov
    assert listing.answers_due(warsaw(2026, 11, 12, 8), alert_days=3) == 0
    assert listing.answers_due(warsaw(2026, 11, 13, 8), alert_days=3) == 1
    clock = clocks.answer_clock(due_soon.answer_due_on, warsaw(2026, 11, 13, 8), alert_days=3)
    assert (clock.days_left, clock.level) == (3, "soon")
    assert (
        clocks.answer_clock(due_soon.answer_due_on, warsaw(2026, 11, 16, 23), alert_days=3).level == "today"
    )
    assert (
        clocks.answer_clock(due_soon.answer_due_on, warsaw(2026, 11, 17, 0, 5), alert_days=3).level
        == "overdue"
    )
    broker.answer(
        due_soon,
        accepted=True,
        text="Przepraszamy.",
        amount="",
        corrections_port=None,
        actor_id=None,
        now=warsaw(2026, 11, 13, 9),
    )
    assert (
        listing.answers_due(warsaw(2026, 11, 21, 8), alert_days=3) == 1
    )  # the answered one no longer counts


@pytest.mark.parametrize(
    ("received", "last_day"),
    [
        ((2026, 11, 30), dt.date(2027, 2, 28)),  # February has no 30th: its last day
        ((2027, 11, 30), dt.date(2028, 2, 29)),  # a leap year
        ((2026, 5, 31), dt.date(2026, 8, 31)),
        ((2026, 8, 31), dt.date(2026, 11, 30)),
        ((2026, 12, 15), dt.date(2027, 3, 15)),
    ],
)
def test_the_ineffective_date_is_three_months_on(received, last_day):
    at = warsaw(*received, 10)
    assert clocks.ineffective_on(at) == last_day
    assert not clocks.court_route_open(at, warsaw(last_day.year, last_day.month, last_day.day, 23, 59))
    assert clocks.court_route_open(
        at, warsaw(last_day.year, last_day.month, last_day.day, 23, 59) + dt.timedelta(minutes=2)
    )


def test_the_three_months_start_when_the_carrier_received_it(app):
    seller = account()
    _order, shipment = delivered_parcel(seller, carrier="allegro")
    complaint = carrier.start(
        shipment.id,
        None,
        damage_form(),
        damage_files(),
        limits=LIMITS,
        actor_id=None,
        now=warsaw(2026, 11, 20, 10),
        submit=True,
    )
    carrier_flow.forward_manually(
        complaint, received_on=dt.date(2026, 11, 30), reference="", actor_id=None, now=warsaw(2026, 12, 1, 9)
    )
    db.session.expire_all()
    stored = db.session.get(Complaint, complaint.id)
    assert clocks.ineffective_on(stored.carrier_received_at) == dt.date(2027, 2, 28)


def test_filing_terms_chosen_per_kind():
    posted, delivered = warsaw(2026, 11, 16, 15), warsaw(2026, 11, 18, 11)
    hidden = clocks.filing_term(
        CarrierKind.DAMAGE, posted_at=posted, delivered_at=delivered, damage_report_made=False
    )
    assert (hidden.rule, hidden.due_on) == ("hidden_damage", dt.date(2026, 11, 25))
    reported = clocks.filing_term(
        CarrierKind.SHORTAGE, posted_at=posted, delivered_at=delivered, damage_report_made=True
    )
    assert (reported.rule, reported.due_on) == ("with_report", dt.date(2026, 12, 2))
    late = clocks.filing_term(
        CarrierKind.DELAY, posted_at=posted, delivered_at=delivered, damage_report_made=False
    )
    assert late.due_on == dt.date(2026, 12, 2)
    lost = clocks.filing_term(CarrierKind.LOSS, posted_at=posted, delivered_at=None, damage_report_made=False)
    assert (lost.opens_on, lost.due_on) == (dt.date(2026, 12, 16), dt.date(2027, 11, 16))
    assert (
        clocks.filing_term(
            CarrierKind.DAMAGE, posted_at=posted, delivered_at=None, damage_report_made=False
        ).due_on
        is None
    )


def test_a_hidden_damage_reported_after_seven_days_is_shown_late(app):
    seller = account()
    _order, shipment = delivered_parcel(seller)
    on_time = carrier.start(
        shipment.id,
        None,
        damage_form(damage_report_made=""),
        damage_files(),
        limits=LIMITS,
        actor_id=None,
        now=warsaw(2026, 11, 25, 20),
        submit=True,
    )
    late = carrier.start(
        shipment.id,
        None,
        damage_form(damage_report_made=""),
        damage_files(),
        limits=LIMITS,
        actor_id=None,
        now=warsaw(2026, 11, 26, 8),
        submit=True,
    )
    assert (carrier.filed_late(on_time), carrier.filed_late(late)) == (False, True)


def test_an_unclaimed_parcel_waits_14_days_for_instructions():
    assert clocks.return_instructions_due_on(warsaw(2026, 12, 10, 15)) == dt.date(2026, 12, 28)
    assert clocks.return_instructions_due_on(warsaw(2026, 11, 2, 15)) == dt.date(2026, 11, 16)
