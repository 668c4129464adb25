"""Unclaimed parcels back at the broker (found from tracking once, 14 days for the seller's instruction, the
decision and its execution recorded), and what administrators record by hand for carriers outside the desk."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desk.extensions import db
from desk.models import ComplaintState, ReturnInstruction
from desk.services.complaints import FormErrors, carrier, carrier_flow, handling, returns
from desk.services.errors import ConflictError, NotFoundError
from desk.services.shipping.tracking import events as tracking
from tests.services.complaints.helpers import (
    FEE,
    LIMITS,
    NOW,
    RecordingCorrections,
    account,
    damage_files,
    damage_form,
    delivered_parcel,
    later,
)
from tests.services.shipping.parcel_rows import event, make_shipment, warsaw


def test_a_returned_parcel_is_found_once_and_waits_14_days(app):
    seller = account()
    shipment = make_shipment(
        seller, events=[event("returned_to_sender", warsaw(2026, 12, 10, 15), "returned")]
    )
    make_shipment(seller, events=[event("delivered", warsaw(2026, 12, 10, 15), "delivered")])
    assert returns.detect(now=warsaw(2026, 12, 10, 16)) == {"returned": 1}
    assert returns.detect(now=warsaw(2026, 12, 10, 17)) == {}
    (parcel,) = returns.returns({seller.id})
    assert parcel.shipment_id == shipment.id and parcel.instructions_due_on == dt.date(2026, 12, 28)
    assert parcel.notified_at == warsaw(2026, 12, 10, 16) and returns.waiting_count({seller.id}) == 1
    assert returns.overdue(parcel, warsaw(2026, 12, 29, 9)) and not returns.overdue(
        parcel, warsaw(2026, 12, 28, 9)
    )


def test_the_seller_decides_and_the_broker_does_it(app):
    seller, other = account(), account("Inny")
    shipment = make_shipment(seller, events=[event("returned", warsaw(2026, 11, 2, 12), "returned")])
    returns.detect(now=warsaw(2026, 11, 2, 13))
    (parcel,) = returns.returns(None)
    with pytest.raises(NotFoundError):
        returns.instruct(parcel.id, {other.id}, {"decision": "dispose"}, actor_id=None, now=NOW)
    with pytest.raises(FormErrors) as refused:
        returns.instruct(parcel.id, {seller.id}, {"decision": "resend", "note": ""}, actor_id=None, now=NOW)
    assert set(refused.value.fields) == {"note"} and parcel.decision is None
    with pytest.raises(ConflictError):
        returns.handled(parcel.id, actor_id=None, now=NOW)
    returns.instruct(
        parcel.id,
        {seller.id},
        {"decision": "resend", "note": "Nowy adres: Polna 3, Kraków"},
        actor_id=None,
        now=NOW,
    )
    returns.handled(parcel.id, actor_id=None, now=later(NOW, days=1))
    assert parcel.decision is ReturnInstruction.RESEND and parcel.handled_at == later(NOW, days=1)
    assert returns.waiting_count({seller.id}) == 0 and shipment.id == parcel.shipment_id
    with pytest.raises(ConflictError):
        returns.instruct(
            parcel.id, {seller.id}, {"decision": "dispose"}, actor_id=None, now=later(NOW, days=2)
        )


def test_tracking_that_ends_returned_is_what_the_job_reads(app):
    seller = account()
    shipment = make_shipment(seller, events=[event("sent", warsaw(2026, 11, 2, 12), "in_transit")])
    assert returns.detect(now=NOW) == {}
    tracking.record(shipment, (event("back", warsaw(2026, 11, 20, 9), "returned"),), warsaw(2026, 11, 20, 9))
    db.session.commit()
    assert returns.detect(now=NOW) == {"returned": 1}


@pytest.fixture
def manual(app):
    """A complaint about a Wysyłam z Allegro parcel, filed with Allegro by hand."""
    seller = account()
    _order, shipment = delivered_parcel(seller, carrier="allegro")
    complaint = carrier.start(
        shipment.id,
        None,
        damage_form(kind="delay", claimed_amount=""),
        damage_files(),
        limits=LIMITS,
        actor_id=None,
        now=NOW,
        submit=True,
    )
    with pytest.raises(FormErrors):
        handling.forward_manually(complaint, {"received_on": "jutro"}, actor_id=None, now=NOW)
    handling.forward_manually(
        complaint, {"received_on": NOW.date().isoformat(), "reference": "ALG/77"}, actor_id=None, now=NOW
    )
    return complaint


def test_requests_and_a_partial_decision_recorded_by_hand(manual):
    handling.record_request(
        manual,
        {"message": "Allegro prosi o zdjęcia."},
        ["photo", "bogus"],
        actor_id=None,
        now=later(NOW, days=1),
    )
    assert manual.state is ComplaintState.DOCUMENTS_REQUESTED and manual.carrier_missing == ["photo"]
    with pytest.raises(FormErrors) as refused:
        handling.decide(
            manual,
            {"outcome": "maybe", "compensation": "x"},
            RecordingCorrections(),
            actor_id=None,
            now=later(NOW, days=2),
        )
    assert set(refused.value.fields) == {"outcome", "compensation"}
    assert manual.state is ComplaintState.DOCUMENTS_REQUESTED
    handling.decide(
        manual,
        {"outcome": "partly_accepted", "reason": "Część opłaty."},
        RecordingCorrections(),
        actor_id=None,
        now=later(NOW, days=2),
    )
    # a late delivery accepted in part without the part named: the administrator enters it
    assert manual.state is ComplaintState.PARTLY_ACCEPTED and manual.refund_entry_id is None
    with pytest.raises(FormErrors):
        handling.refund(
            manual, {"amount": "0"}, RecordingCorrections(), actor_id=None, now=later(NOW, days=2)
        )
    handling.refund(manual, {"amount": "5,00"}, RecordingCorrections(), actor_id=None, now=later(NOW, days=2))
    assert manual.fee_refund_amount == Decimal("5.00")
    with pytest.raises(ConflictError):
        handling.refund(
            manual, {"amount": "5,00"}, RecordingCorrections(), actor_id=None, now=later(NOW, days=3)
        )


def test_the_refund_never_exceeds_the_fee(manual):
    handling.decide(
        manual,
        {"outcome": "accepted", "fee_refund": "99,00"},
        RecordingCorrections(),
        actor_id=None,
        now=later(NOW, days=2),
    )
    assert manual.fee_refund_amount == FEE


def test_compensation_paid_is_recorded_not_posted(manual):
    with pytest.raises(ConflictError):
        handling.compensation_paid(manual, {"paid_on": NOW.date().isoformat()}, actor_id=None, now=NOW)
    handling.decide(
        manual,
        {"outcome": "accepted", "compensation": "34,00"},
        RecordingCorrections(),
        actor_id=None,
        now=later(NOW, days=2),
    )
    with pytest.raises(Exception, match="future"):
        carrier_flow.record_compensation_paid(
            manual, paid_on=later(NOW, days=9).date(), actor_id=None, now=later(NOW, days=3)
        )
    handling.compensation_paid(
        manual, {"paid_on": later(NOW, days=3).date().isoformat()}, actor_id=None, now=later(NOW, days=3)
    )
    assert manual.compensation_amount == Decimal("34.00") and manual.compensation_paid_at is not None
