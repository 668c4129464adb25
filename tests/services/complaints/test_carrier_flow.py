"""A carrier complaint from the parcel to the money: prefilled from the shipment and its tracking, sent to the
broker with a complete checklist, forwarded to the carrier's fake, the carrier's request for a document
relayed and answered, the decision read by the job and the fee refunded once on the ledger."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Complaint, ComplaintState, EntryKind, LedgerEntry
from desk.services import billing
from desk.services.complaints import Upload, carrier, carrier_flow
from desk.services.complaints.money import refund_key
from desk.services.errors import ConflictError
from tests.services.complaints.helpers import (
    FEE,
    LIMITS,
    NOW,
    PDF,
    RecordingCorrections,
    account,
    damage_files,
    damage_form,
    delivered_parcel,
    inpost_state,
    later,
    ports,
)
from tests.services.shipping.parcel_rows import warsaw

RECHECK = later(NOW, minutes=60) - NOW


@pytest.fixture
def seller(app):
    return account()


@pytest.fixture
def parcel(seller):
    return delivered_parcel(seller)


def start(parcel, **form):
    _order, shipment = parcel
    return carrier.start(
        shipment.id,
        None,
        damage_form(**form),
        damage_files(),
        limits=LIMITS,
        actor_id=None,
        now=NOW,
        submit=True,
    )


def test_the_draft_is_prefilled_from_the_parcel_and_its_tracking(seller, parcel):
    order, shipment = parcel
    complaint = start(parcel)
    assert complaint.state is ComplaintState.SUBMITTED and complaint.order_id == order.id
    assert complaint.waybill == shipment.waybills[0] and complaint.carrier == "inpost"
    assert complaint.posted_at == warsaw(2026, 11, 16, 15) and complaint.delivered_at == warsaw(
        2026, 11, 18, 11
    )
    assert (complaint.fee_gross, complaint.cod_amount) == (FEE, Decimal("149.99"))
    assert complaint.iban == "PL61109010140000071219812874" and complaint.bank_name.startswith("Erste Bank")
    # the label the desk kept became the copy of the transport document
    assert sorted(f.doc_type for f in complaint.files) == [
        "damage_report",
        "photo",
        "transport_document",
        "value_invoice",
    ]


def test_the_whole_way_to_a_refund(app, seller, parcel):
    inpost, port_for, seam = inpost_state(app), ports(app), RecordingCorrections()
    complaint = start(parcel)
    carrier_flow.forward(port_for, complaint, actor_id=None, now=NOW, recheck=RECHECK)
    assert complaint.state is ComplaintState.FORWARDED and complaint.carrier_received_at is not None
    filed = inpost.complaints.get(complaint.carrier_complaint_id)
    assert filed.kind == "damage" and len(filed.documents) == 4 and filed.claimed == Decimal("120.00")

    assert carrier_flow.poll_due(port_for, seam, now=NOW, recheck=RECHECK) == {}  # not due yet
    assert carrier_flow.poll_due(port_for, seam, now=later(NOW, hours=1), recheck=RECHECK) == {"pending": 1}

    inpost.complaints.ask_for(complaint.carrier_complaint_id, ["value_invoice"], "Prosimy o fakturę zakupu.")
    counts = carrier_flow.poll_due(port_for, seam, now=later(NOW, hours=2), recheck=RECHECK)
    assert counts == {"documents": 1}
    db.session.refresh(complaint)
    assert complaint.state is ComplaintState.DOCUMENTS_REQUESTED
    assert complaint.carrier_request == "Prosimy o fakturę zakupu." and complaint.carrier_missing == [
        "value_invoice"
    ]

    with pytest.raises(Exception, match="Attach"):
        carrier_flow.send_documents(
            port_for, complaint, actor_id=None, now=later(NOW, hours=3), recheck=RECHECK
        )
    carrier.add_files(
        complaint.id,
        {seller.id},
        [Upload("faktura-zakupu.pdf", PDF, "value_invoice")],
        limits=LIMITS,
        actor_id=None,
        now=later(NOW, hours=3),
    )
    carrier_flow.send_documents(port_for, complaint, actor_id=None, now=later(NOW, hours=3), recheck=RECHECK)
    assert complaint.state is ComplaintState.FORWARDED and len(filed.documents) == 5

    inpost.complaints.decide(complaint.carrier_complaint_id, "accepted", compensation="120.00")
    assert carrier_flow.poll_due(port_for, seam, now=later(NOW, hours=5), recheck=RECHECK) == {"decided": 1}
    db.session.refresh(complaint)
    assert complaint.state is ComplaintState.ACCEPTED and complaint.compensation_amount == Decimal("120.00")
    assert complaint.fee_refund_amount == FEE and complaint.next_check_at is None
    entry = db.session.get(LedgerEntry, complaint.refund_entry_id)
    assert (entry.kind, entry.amount, entry.key) == (EntryKind.CORRECTION, FEE, refund_key(complaint.id))
    assert billing.balance(seller.id) == Decimal("100.00")  # 100 topped up - 16.99 + 16.99
    # the compensation is the carrier's money to the seller's bank: not on the ledger
    assert billing.ledger_sum(seller.id) == Decimal("100.00")
    # the correction invoice of the refunded fee was asked for, the money already on the ledger
    assert [(r.refund_gross, r.ledger_entry_id) for r in seam.requests] == [(FEE, entry.id)]
    assert complaint.correction_state == "pending"
    kinds = [event.kind for event in complaint.events]
    assert kinds == [
        "created",
        "state",
        "state",
        "carrier_request",
        "files",
        "documents",
        "decision",
        "refund",
    ]


def test_a_decision_read_twice_refunds_once(app, seller, parcel):
    inpost, port_for, seam = inpost_state(app), ports(app), RecordingCorrections()
    complaint = start(parcel)
    carrier_flow.forward(port_for, complaint, actor_id=None, now=NOW, recheck=RECHECK)
    inpost.complaints.decide(complaint.carrier_complaint_id, "accepted", compensation="120.00")
    status = port_for("inpost").complaint_status(complaint.carrier_complaint_id, since=NOW.date())
    carrier_flow.apply_status(complaint, status, seam, actor_id=None, now=later(NOW, hours=1))
    db.session.commit()
    with pytest.raises(ConflictError):
        carrier_flow.apply_status(complaint, status, seam, actor_id=None, now=later(NOW, hours=2))
    db.session.rollback()
    refunds = select(func.count(LedgerEntry.id)).where(LedgerEntry.kind == EntryKind.CORRECTION)
    assert db.session.scalar(refunds) == 1


def test_two_workers_deciding_at_once_refund_once(app, seller, parcel):
    """The job and an administrator record the carrier's decision at the same moment: one decision, one
    refund (the compare-and-set on the complaint's state; on both databases)."""
    port_for = ports(app)
    complaint = start(parcel)
    carrier_flow.forward(port_for, complaint, actor_id=None, now=NOW, recheck=RECHECK)
    complaint_id = complaint.id
    db.session.remove()
    barrier, outcomes = threading.Barrier(2), []

    def decide() -> None:
        with app.app_context():
            found = db.session.get(Complaint, complaint_id)
            barrier.wait()
            try:
                carrier_flow.record_decision(
                    found,
                    ComplaintState.ACCEPTED,
                    compensation=None,
                    fee_refund=None,
                    reason="",
                    corrections_port=RecordingCorrections(),
                    actor_id=None,
                    now=later(NOW, hours=1),
                )
                db.session.commit()
                outcomes.append("decided")
            except ConflictError:
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=decide) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "decided"]
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == EntryKind.CORRECTION)).all()
    assert [entry.amount for entry in entries] == [FEE]


def test_a_second_complaint_on_the_parcel_cannot_refund_the_fee_again(app, seller, parcel):
    port_for, seam = ports(app), RecordingCorrections()
    first, second = start(parcel), start(parcel, kind="delay", claimed_amount="")
    for complaint in (first, second):
        carrier_flow.forward(port_for, complaint, actor_id=None, now=NOW, recheck=RECHECK)
        carrier_flow.record_decision(
            complaint,
            ComplaintState.ACCEPTED,
            compensation=None,
            fee_refund=None,
            reason="",
            corrections_port=seam,
            actor_id=None,
            now=later(NOW, hours=1),
        )
        db.session.commit()
    assert (first.fee_refund_amount, second.fee_refund_amount) == (FEE, Decimal("0.00"))
    assert second.refund_entry_id is None and billing.balance(seller.id) == Decimal("100.00")


def test_a_late_delivery_refunds_the_part_the_carrier_decided(app, seller, parcel):
    inpost, port_for, seam = inpost_state(app), ports(app), RecordingCorrections()
    complaint = start(parcel, kind="delay", claimed_amount="")
    carrier_flow.forward(port_for, complaint, actor_id=None, now=NOW, recheck=RECHECK)
    inpost.complaints.decide(complaint.carrier_complaint_id, "partly_accepted", fee_refund="8.50")
    carrier_flow.poll_due(port_for, seam, now=later(NOW, hours=1), recheck=RECHECK)
    db.session.refresh(complaint)
    assert complaint.state is ComplaintState.PARTLY_ACCEPTED and complaint.fee_refund_amount == Decimal(
        "8.50"
    )


def test_a_carrier_that_pays_less_than_claimed_partly_accepted(app, seller, parcel):
    inpost, port_for = inpost_state(app), ports(app)
    complaint = start(parcel)
    carrier_flow.forward(port_for, complaint, actor_id=None, now=NOW, recheck=RECHECK)
    inpost.complaints.decide(complaint.carrier_complaint_id, "accepted", compensation="60.00")
    carrier_flow.poll_due(port_for, RecordingCorrections(), now=later(NOW, hours=1), recheck=RECHECK)
    db.session.refresh(complaint)
    assert complaint.state is ComplaintState.PARTLY_ACCEPTED and complaint.fee_refund_amount == FEE


def test_wysylam_z_allegro_goes_through_allegro(app, seller):
    _order, shipment = delivered_parcel(seller, carrier="allegro")
    complaint = carrier.start(
        shipment.id, None, damage_form(), damage_files(), limits=LIMITS, actor_id=None, now=NOW, submit=True
    )
    with pytest.raises(carrier_flow.CarrierTrouble):
        carrier_flow.forward(ports(app), complaint, actor_id=None, now=NOW, recheck=RECHECK)
    assert complaint.state is ComplaintState.SUBMITTED
    carrier_flow.forward_manually(
        complaint, received_on=NOW.date(), reference="ALG-1", actor_id=None, now=NOW
    )
    assert complaint.state is ComplaintState.FORWARDED and complaint.forward_channel == "manual"
    assert (
        carrier_flow.poll_due(ports(app), RecordingCorrections(), now=later(NOW, days=1), recheck=RECHECK)
        == {}
    )
