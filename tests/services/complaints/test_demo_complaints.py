"""`make run` shows complaints in several states: written once the demo parcels have their waybills, through
the same services the pages use, the forwarded one filed with the carrier's fake."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from desk import demo_complaints
from desk.extensions import db
from desk.models import Complaint, ComplaintState, ParcelReturn
from desk.wiring.carriers import FAKE_CARRIERS
from tests.services.complaints.helpers import account, delivered_parcel, inpost_state


def test_the_demo_writes_complaints_in_several_states_once(app):
    seller = account("Sklep demo")
    assert demo_complaints.seed(app, seller.id) == 0  # no parcels with waybills yet
    for _ in range(demo_complaints.NEEDED):
        delivered_parcel(seller, charged=False)
    inpost_state(app)
    assert demo_complaints.seed(app, seller.id) == 7
    assert demo_complaints.seed(app, seller.id) == 0
    states = Counter(c.state for c in db.session.scalars(select(Complaint)))
    # the account has no invoices here: its invoice complaint waits for the answer (with invoices, as in
    # `make run`, it is accepted and corrected)
    assert states == {
        ComplaintState.SUBMITTED: 2,
        ComplaintState.ACCEPTED: 1,
        ComplaintState.DRAFT: 1,
        ComplaintState.RETURNED: 1,
        ComplaintState.FORWARDED: 1,
        ComplaintState.DOCUMENTS_REQUESTED: 1,
    }
    assert db.session.scalar(select(ParcelReturn)) is not None
    fake = app.extensions[FAKE_CARRIERS]["inpost"].server.state.complaints
    assert len(fake.complaints) == 1 and fake.auto_after == demo_complaints.AUTO_DECIDE_SECONDS
