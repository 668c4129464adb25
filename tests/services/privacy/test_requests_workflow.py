"""The request workflow: every transition audited without personal data, scoping across the owner's
accounts only, execution once (a re-run changes nothing), holds turning erasure into restriction that
lifting completes, four eyes, and the requester's contact data gone 30 days after closing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models import BuyerRestriction, Order, PrivacyEvent, Role
from desk.models.privacy_request import Decision, HoldReason, HoldScope, RequestState, RequestType
from desk.services.errors import ConflictError, PermissionDenied, ValidationError
from desk.services.privacy import execution, hold_admin, requests, restrictions
from tests.factories import make_agent
from tests.services.privacy.helpers import NOW, account, fake_ports, seed_buyer

BUYER = "buyer-777"
CANARIES = ("Kowalski", "jan_k", "allegromail", "Rzepka", "Anna")


@pytest.fixture
def desk(app):
    """Two accounts of this desk with the buyer on both, a third account the owner's scope leaves out."""
    shop_a, shop_b, other = account("Sklep A"), account("Sklep B"), account("Inna firma")
    seeded = [
        seed_buyer(shop_a, BUYER, login="jan_k", first="Jan", last="Kowalski"),
        seed_buyer(shop_b, BUYER, login="jan_k", first="Jan", last="Kowalski"),
    ]
    seed_buyer(other, BUYER, login="jan_k", first="Jan", last="Kowalski")
    owner = make_agent(role=Role.OWNER)
    return {"accounts": [shop_a.id, shop_b.id], "other": other.id, "owner": owner, "seeded": seeded}


def new_request(desk, kind=RequestType.ERASURE):
    intake = requests.Intake(
        type=kind,
        buyer_allegro_id=BUYER,
        received_at=NOW,
        requester_name="Jan Kowalski",
        requester_contact="jan_k@allegromail.pl",
        details="Proszę usunąć moje dane",
    )
    return requests.create_request(intake, agent_id=desk["owner"].id, now=NOW)


def walk_to_decided(desk, decision=Decision.ERASE, agent_id=None):
    agent_id = agent_id or desk["owner"].id
    request = new_request(desk)
    requests.check_identity(request.id, note="Login Allegro i numer zamówienia", agent_id=agent_id, now=NOW)
    requests.scope(request.id, account_ids=desk["accounts"], agent_id=agent_id, now=NOW)
    requests.decide(request.id, decision=decision, reason="", agent_id=agent_id, now=NOW)
    return request


def orders_of(account_id):
    return list(db.session.scalars(select(Order).where(Order.account_id == account_id)))


def test_scoping_sees_the_owners_two_accounts_and_not_a_third(desk):
    request = new_request(desk)
    requests.check_identity(request.id, note="Login zgodny", agent_id=desk["owner"].id, now=NOW)
    requests.scope(request.id, account_ids=desk["accounts"], agent_id=desk["owner"].id, now=NOW)
    assert request.scope["accounts"] == desk["accounts"]
    counts = request.scope["counts"]
    assert counts["order"] == 2 and counts["issue"] == 2 and counts["rating"] == 2 and counts["shipment"] == 2
    assert counts["issue_message"] == 2 and counts["reply_file"] == 2 and counts["order_line"] == 2
    assert request.scope["holds"] == []
    assert not any(canary in json.dumps(request.scope) for canary in CANARIES)


def test_the_whole_erasure_workflow_audits_every_transition(desk):
    ports, eraser = fake_ports()
    owner = desk["owner"].id
    request = walk_to_decided(desk)
    execution.execute(request.id, ports=ports, agent_id=owner, now=NOW)
    requests.answer(request.id, note="Odpowiedź wysłana przez Allegro", agent_id=owner, now=NOW)
    requests.close(request.id, agent_id=owner, now=NOW)

    assert request.state is RequestState.CLOSED
    events = list(
        db.session.scalars(
            select(PrivacyEvent).where(PrivacyEvent.request_id == request.id).order_by(PrivacyEvent.id)
        )
    )
    assert [(e.from_state, e.to_state) for e in events] == [
        (None, "received"),
        ("received", "identity_checked"),
        ("identity_checked", "scoped"),
        ("scoped", "decided"),
        ("decided", "executed"),
        ("executed", "answered"),
        ("answered", "closed"),
    ]
    assert all(e.agent_id == owner for e in events)
    audit_text = json.dumps([[e.action, e.from_state, e.to_state, e.info] for e in events])
    assert BUYER not in audit_text and not any(canary in audit_text for canary in CANARIES)

    # the fake eraser nulled the buyer on the owner's two accounts only
    assert eraser.calls == [{"account_ids": desk["accounts"], "reason": f"privacy_request:{request.id}"}]
    assert all(o.buyer_last_name is None for a in desk["accounts"] for o in orders_of(a))
    assert all(o.buyer_last_name == "Kowalski" for o in orders_of(desk["other"]))
    receipt = request.receipt
    assert (
        receipt["counts"] == {"order": 2}
        and receipt["approved_by"] == owner
        and receipt["executed_by"] == owner
    )
    assert set(receipt["pseudonyms"]) == {str(a) for a in desk["accounts"]} and receipt["kept"] == []
    assert BUYER not in json.dumps(receipt) and not any(c in json.dumps(receipt) for c in CANARIES)


def test_running_an_executed_request_again_changes_nothing(desk):
    ports, eraser = fake_ports()
    request = walk_to_decided(desk)
    execution.execute(request.id, ports=ports, agent_id=desk["owner"].id, now=NOW)
    receipt, events = dict(request.receipt), db.session.query(PrivacyEvent).count()
    again = execution.execute(
        request.id, ports=ports, agent_id=desk["owner"].id, now=NOW + dt.timedelta(hours=1)
    )
    assert again.receipt == receipt and again.executed_at == NOW and len(eraser.calls) == 1
    assert db.session.query(PrivacyEvent).count() == events


def test_steps_out_of_order_are_refused(desk):
    request = new_request(desk)
    with pytest.raises(ConflictError):
        requests.scope(request.id, account_ids=desk["accounts"], agent_id=desk["owner"].id, now=NOW)
    with pytest.raises(ConflictError):
        requests.answer(request.id, note="", agent_id=desk["owner"].id, now=NOW)
    ports, _eraser = fake_ports()
    with pytest.raises(ConflictError):
        execution.execute(request.id, ports=ports, agent_id=desk["owner"].id, now=NOW)
    assert request.state is RequestState.RECEIVED


def test_four_eyes_needs_another_executor(desk):
    ports, eraser = fake_ports()
    request = walk_to_decided(desk)
    with pytest.raises(PermissionDenied):
        execution.execute(request.id, ports=ports, agent_id=desk["owner"].id, now=NOW, four_eyes=True)
    assert eraser.calls == []
    second = make_agent(role=Role.OWNER)
    execution.execute(request.id, ports=ports, agent_id=second.id, now=NOW, four_eyes=True)
    assert request.receipt["approved_by"] == desk["owner"].id and request.receipt["executed_by"] == second.id


def test_a_hold_turns_erasure_into_restriction_and_lifting_completes_it(desk):
    ports, eraser = fake_ports()
    shop_a, shop_b = desk["accounts"]
    hold = hold_admin.set_hold(
        hold_admin.HoldForm(
            shop_a, HoldScope.BUYER, HoldReason.COURT_CASE, target=BUYER, review_on=dt.date(2027, 6, 30)
        ),
        account_ids=desk["accounts"],
        agent_id=desk["owner"].id,
        now=NOW,
    )
    request = walk_to_decided(desk)
    assert request.scope["holds"][0]["ref"] == f"legal_hold:{hold.id}"
    execution.execute(request.id, ports=ports, agent_id=desk["owner"].id, now=NOW)

    # shop B erased now, shop A kept and restricted until the hold goes
    assert eraser.calls == [{"account_ids": [shop_b], "reason": f"privacy_request:{request.id}"}]
    assert all(o.buyer_last_name == "Kowalski" for o in orders_of(shop_a))
    assert all(o.buyer_last_name is None for o in orders_of(shop_b))
    kept = request.receipt["kept"]
    assert kept[0]["account_id"] == shop_a and kept[0]["until"] == "2027-06-30"
    assert kept[0]["reason"] == "manual:court_case"
    assert restrictions.restricted_buyers() == {(shop_a, BUYER)}

    assert restrictions.complete_released(erase_buyer=eraser, now=NOW) == 0  # still held
    hold_admin.lift_hold(hold.id, account_ids=desk["accounts"], agent_id=desk["owner"].id, now=NOW)
    later = NOW + dt.timedelta(days=1)
    assert restrictions.complete_released(erase_buyer=eraser, now=later) == 1
    assert all(o.buyer_last_name is None for o in orders_of(shop_a))
    assert restrictions.restricted_buyers() == set()
    assert request.receipt["completed_later"][0]["account_id"] == shop_a
    assert restrictions.complete_released(erase_buyer=eraser, now=later) == 0  # nothing left to do
    actions = [e.action for e in db.session.scalars(select(PrivacyEvent).order_by(PrivacyEvent.id))]
    assert "hold_set" in actions and "hold_lifted" in actions and actions[-1] == "restriction_completed"


def test_an_open_conversation_holds_automatically(desk):
    ports, eraser = fake_ports()
    shop_a = desk["accounts"][0]
    issue = desk["seeded"][0].issue
    issue.lane, issue.status = "reply", "OPEN"
    db.session.commit()
    request = walk_to_decided(desk)
    execution.execute(request.id, ports=ports, agent_id=desk["owner"].id, now=NOW)
    assert request.receipt["kept"][0]["reason"] == "issue:open_conversation"
    restriction = db.session.scalar(select(BuyerRestriction))
    assert restriction.account_id == shop_a and restriction.completed_at is None
    issue.lane, issue.status = "closed", "CLOSED"
    db.session.commit()
    assert restrictions.complete_released(erase_buyer=eraser, now=NOW) == 1


def test_a_restriction_decision_keeps_data_and_is_not_erased_later(desk):
    ports, eraser = fake_ports()
    request = walk_to_decided(desk, decision=Decision.RESTRICT)
    execution.execute(request.id, ports=ports, agent_id=desk["owner"].id, now=NOW)
    assert eraser.calls == [] and len(request.receipt["kept"]) == 2
    assert restrictions.complete_released(erase_buyer=eraser, now=NOW) == 0
    assert restrictions.restricted_buyers() == {(a, BUYER) for a in desk["accounts"]}


def test_rejection_needs_a_reason_and_then_closes(desk):
    request = new_request(desk)
    with pytest.raises(ValidationError):
        requests.reject(request.id, reason="", agent_id=desk["owner"].id, now=NOW)
    requests.reject(request.id, reason="Tożsamość niepotwierdzona", agent_id=desk["owner"].id, now=NOW)
    requests.close(request.id, agent_id=desk["owner"].id, now=NOW)
    assert request.state is RequestState.CLOSED and request.decision is Decision.REJECT


def test_contact_data_goes_30_days_after_closing(desk):
    request = new_request(desk)
    requests.reject(request.id, reason="Brak danych", agent_id=desk["owner"].id, now=NOW)
    requests.close(request.id, agent_id=desk["owner"].id, now=NOW)
    assert requests.purge_contacts(now=NOW + dt.timedelta(days=29)) == 0
    assert request.requester_contact == "jan_k@allegromail.pl"
    assert requests.purge_contacts(now=NOW + dt.timedelta(days=30)) == 1
    assert request.requester_contact is None and request.requester_name is None
    assert request.buyer_allegro_id is None and request.contact_purged_at is not None
    assert requests.purge_contacts(now=NOW + dt.timedelta(days=31)) == 0
