"""The complaints job: reads the carriers' decisions of forwarded complaints (with the injected clock), asks
again for pending corrections, and records parcels that came back to the broker."""

from __future__ import annotations

from desk import jobs
from desk.extensions import db
from desk.models import ComplaintState
from desk.services.complaints import carrier, carrier_flow
from desk.wiring import use_clock
from desk.wiring.complaints import complaint_ports, complaint_settings
from tests.clock import FakeClock
from tests.services.complaints.helpers import (
    LIMITS,
    NOW,
    account,
    damage_files,
    damage_form,
    delivered_parcel,
    inpost_state,
    later,
)
from tests.services.shipping.parcel_rows import event, make_shipment, warsaw


def test_the_job_reads_decisions_and_finds_returns(app):
    seller = account()
    _order, shipment = delivered_parcel(seller)
    complaint = carrier.start(shipment.id, None, damage_form(), damage_files(), limits=LIMITS, actor_id=None,
                              now=NOW, submit=True)
    carrier_flow.forward(complaint_ports(app), complaint, actor_id=None, now=NOW,
                         recheck=complaint_settings(app).recheck)
    inpost_state(app).complaints.decide(complaint.carrier_complaint_id, "rejected", message="Brak podstaw.")
    make_shipment(seller, events=[event("back", warsaw(2026, 11, 19, 9), "returned")])
    use_clock(app, FakeClock(later(NOW, minutes=30)))
    assert jobs.complaints_job(app) == {"returned": 1}  # the complaint's turn has not come yet
    use_clock(app, FakeClock(later(NOW, hours=2)))
    assert jobs.complaints_job(app) == {"decided": 1}
    db.session.refresh(complaint)
    assert complaint.state is ComplaintState.REJECTED and complaint.decision_reason == "Brak podstaw."
    assert complaint.fee_refund_amount is None
