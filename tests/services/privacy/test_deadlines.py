"""The one-month clock: calendar months (31 Jan -> 28/29 Feb), Polish days, extensions by one or two
months with a reason, only within the first month, with a reminder to tell the requester."""

from __future__ import annotations

import datetime as dt

import pytest

from desk.extensions import db
from desk.models import PrivacyEvent
from desk.models.privacy_request import RequestState, RequestType
from desk.services.errors import ConflictError, ValidationError
from desk.services.privacy import deadlines, requests
from tests.clock import FakeClock
from tests.factories import make_agent

W = deadlines.WARSAW


def at_warsaw(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=W).astimezone(dt.UTC)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2027, 1, 31), 1, dt.date(2027, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2027, 3, 31), 1, dt.date(2027, 4, 30)),
        (dt.date(2027, 12, 15), 1, dt.date(2028, 1, 15)),
        (dt.date(2027, 11, 30), 3, dt.date(2028, 2, 29)),
        (dt.date(2027, 1, 31), 3, dt.date(2027, 4, 30)),
    ],
)
def test_calendar_months(day, months, expected):
    assert deadlines.add_months(day, months) == expected


def test_the_due_date_counts_from_the_polish_day_of_receipt():
    assert deadlines.due_date(at_warsaw(2027, 1, 31, 23, 30)) == dt.date(2027, 2, 28)
    # 31 Jan 23:30 UTC is already 1 Feb in Warsaw
    assert deadlines.due_date(dt.datetime(2027, 1, 31, 23, 30, tzinfo=dt.UTC)) == dt.date(2027, 3, 1)
    assert deadlines.extended_due_date(at_warsaw(2027, 1, 31, 9), 2) == dt.date(2027, 4, 30)
    with pytest.raises(ValueError):
        deadlines.extended_due_date(at_warsaw(2027, 1, 31, 9), 3)
    assert deadlines.days_left(dt.date(2027, 2, 28), at_warsaw(2027, 2, 27, 23, 59)) == 1
    assert deadlines.days_left(dt.date(2027, 2, 28), at_warsaw(2027, 3, 1, 0, 1)) == -1


def test_extension_with_a_fake_clock(app):
    owner = make_agent(role="owner")
    clock = FakeClock(at_warsaw(2027, 1, 31, 9))
    intake = requests.Intake(type=RequestType.ERASURE, buyer_allegro_id="b-1", received_at=clock.now())
    request = requests.create_request(intake, agent_id=owner.id, now=clock.now())
    assert request.due_on == request.first_due_on == dt.date(2027, 2, 28)

    clock.advance(10 * 86400)
    with pytest.raises(ValidationError):
        requests.extend(request.id, months=2, reason=" ", agent_id=owner.id, now=clock.now())
    with pytest.raises(ValidationError):
        requests.extend(request.id, months=3, reason="Wiele kont", agent_id=owner.id, now=clock.now())
    requests.extend(
        request.id, months=2, reason="Wiele kont do przejrzenia", agent_id=owner.id, now=clock.now()
    )
    assert request.state is RequestState.EXTENDED and request.due_on == dt.date(2027, 4, 30)
    assert request.working_state is RequestState.RECEIVED and requests.needs_telling(request)
    with pytest.raises(ConflictError):  # once only
        requests.extend(request.id, months=1, reason="Jeszcze raz", agent_id=owner.id, now=clock.now())

    requests.mark_requester_told(request.id, agent_id=owner.id, now=clock.now())
    assert not requests.needs_telling(request)
    # the workflow goes on from where it was
    requests.check_identity(request.id, note="Login Allegro zgodny", agent_id=owner.id, now=clock.now())
    assert request.state is RequestState.IDENTITY_CHECKED and request.due_on == dt.date(2027, 4, 30)
    actions = [e.action for e in db.session.query(PrivacyEvent).order_by(PrivacyEvent.id)]
    assert actions == ["received", "extended", "requester_told", "identity_checked"]


def test_no_extension_after_the_first_month(app):
    owner = make_agent(role="owner")
    received = at_warsaw(2027, 1, 31, 9)
    intake = requests.Intake(type=RequestType.ACCESS, buyer_allegro_id="b-1", received_at=received)
    request = requests.create_request(intake, agent_id=owner.id, now=received)
    with pytest.raises(ConflictError):
        requests.extend(
            request.id, months=1, reason="Za późno", agent_id=owner.id, now=at_warsaw(2027, 3, 1, 8)
        )
    assert request.due_on == dt.date(2027, 2, 28) and request.extended_at is None
