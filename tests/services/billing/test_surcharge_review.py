"""Reviewing surcharges: accepted ones are charged to the ledger once (whatever the balance), disputes are
upheld (charged) or dropped by an administrator, unlinked ones are linked by waybill, and another
account's surcharge is never found."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import (
    BillingProfile,
    EntryKind,
    LedgerEntry,
    PaymentMode,
    Role,
    Surcharge,
    SurchargeState,
)
from desk.services import billing
from desk.services.billing import surcharges
from desk.services.errors import ConflictError, NotFoundError
from integrations.carriers.fakekit import FakeCharge
from tests.factories import make_agent
from tests.services.billing.surcharge_helpers import D, billing_file, make_account, parser, ship

NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def account(app):
    return make_account()


def imported(app, account, *charges: FakeCharge, carrier: str = "dpd") -> list[Surcharge]:
    surcharges.apply_import(parser(carrier), carrier=carrier, data=billing_file(app, carrier, list(charges)))
    return list(db.session.scalars(select(Surcharge).order_by(Surcharge.id)))


@pytest.fixture
def surcharge(app, account) -> Surcharge:
    shipment = ship(app, account)
    [found] = imported(app, account, FakeCharge(shipment.waybills[0], "WEIGHT_DIFFERENCE", D("12.00"),
                                                measured_weight_g=4200, reference="DPD-1"))
    return found


def entries() -> list[LedgerEntry]:
    """The surcharge entries (the account's top-up and shipment charge are not what these tests count)."""
    query = select(LedgerEntry).where(LedgerEntry.kind == EntryKind.SURCHARGE).order_by(LedgerEntry.id)
    return list(db.session.scalars(query))


def test_accepting_charges_the_gross_amount_once_whatever_the_balance(surcharge, account):
    agent = make_agent(accounts=[account])
    done = surcharges.accept(surcharge.id, agent_id=agent.id, account_ids={account.id}, now=NOW)
    assert done.state is SurchargeState.CHARGED and done.charged_at == NOW and done.reviewed_at == NOW
    [entry] = entries()
    assert (entry.kind, entry.amount) == (EntryKind.SURCHARGE, D("-14.76"))
    assert entry.key == f"surcharge:{surcharge.id}"
    assert entry.shipment_id == surcharge.shipment_id and entry.actor_id == agent.id
    assert entry.reference == f"{surcharge.document} DPD-1" and entry.reference.startswith("FV/DPD/")
    assert done.ledger_entry_id == entry.id
    assert billing.balance(account.id) == D("-14.76")  # owed even from an empty prepaid balance
    with pytest.raises(ConflictError):
        surcharges.accept(surcharge.id, agent_id=agent.id, account_ids={account.id})
    db.session.rollback()
    assert len(entries()) == 1


def test_an_invoice_account_gets_the_entry_its_next_invoice_is_built_from(surcharge, account):
    billing.profile(account.id)
    db.session.get(BillingProfile, account.id).payment_mode = PaymentMode.INVOICE
    db.session.commit()
    surcharges.accept(surcharge.id, agent_id=None, account_ids=None)
    assert [(e.kind, e.amount) for e in entries()] == [(EntryKind.SURCHARGE, D("-14.76"))]


def test_charging_again_posts_nothing_more(surcharge):
    surcharges.accept(surcharge.id, agent_id=None, account_ids=None)
    again = surcharges.charge(surcharge, actor_id=None, now=NOW)
    db.session.commit()
    assert again.id == surcharge.ledger_entry_id and len(entries()) == 1


def test_a_dispute_needs_a_reason_and_charges_nothing(surcharge, account):
    with pytest.raises(surcharges.FieldError) as empty:
        surcharges.dispute(surcharge.id, reason="  ", agent_id=None, account_ids={account.id})
    assert empty.value.field == "reason"
    with pytest.raises(surcharges.FieldError):
        surcharges.dispute(surcharge.id, reason="x" * 2001, agent_id=None, account_ids={account.id})
    db.session.rollback()
    assert db.session.get(Surcharge, surcharge.id).state is SurchargeState.NEW
    done = surcharges.dispute(surcharge.id, reason="Paczka ważyła 1 kg, mamy zdjęcie z wagi.", agent_id=None,
                              account_ids={account.id}, now=NOW)
    assert done.state is SurchargeState.DISPUTED and done.dispute_reason.startswith("Paczka ważyła")
    assert entries() == []
    with pytest.raises(ConflictError):  # reviewed: neither accepted nor disputed again
        surcharges.accept(surcharge.id, agent_id=None, account_ids={account.id})


def test_an_upheld_dispute_is_charged(surcharge):
    surcharges.dispute(surcharge.id, reason="Za drogo", agent_id=None, account_ids=None)
    admin = make_agent(role=Role.ADMIN)
    done = surcharges.resolve(surcharge.id, upheld=True, note="Zdjęcie z sortowni potwierdza wagę.",
                              agent_id=admin.id, now=NOW)
    assert done.state is SurchargeState.CHARGED and done.resolved_by == admin.id and done.resolved_at == NOW
    assert done.resolution_note.startswith("Zdjęcie") and [e.amount for e in entries()] == [D("-14.76")]


def test_a_dropped_dispute_is_never_charged(surcharge):
    surcharges.dispute(surcharge.id, reason="Błąd przewoźnika", agent_id=None, account_ids=None)
    done = surcharges.resolve(surcharge.id, upheld=False, note="", agent_id=None)
    assert done.state is SurchargeState.DROPPED and entries() == []
    with pytest.raises(ConflictError):
        surcharges.resolve(surcharge.id, upheld=True, agent_id=None)
    db.session.rollback()
    assert entries() == []


def test_only_a_disputed_surcharge_is_decided(surcharge):
    with pytest.raises(ConflictError):
        surcharges.resolve(surcharge.id, upheld=True, agent_id=None)
    db.session.rollback()
    assert db.session.get(Surcharge, surcharge.id).state is SurchargeState.NEW and entries() == []


def test_another_accounts_surcharge_is_not_found(app, surcharge):
    other = make_account("Inny sklep")
    for act in (
        lambda: surcharges.accept(surcharge.id, agent_id=None, account_ids={other.id}),
        lambda: surcharges.dispute(surcharge.id, reason="nie", agent_id=None, account_ids={other.id}),
        lambda: surcharges.get_surcharge(surcharge.id, account_ids=set()),
    ):
        with pytest.raises(NotFoundError):
            act()
        db.session.rollback()
    assert db.session.get(Surcharge, surcharge.id).state is SurchargeState.NEW and entries() == []
    assert surcharges.for_shipment(surcharge.shipment_id, account_ids={other.id}) == []


def test_an_unlinked_surcharge_is_linked_by_waybill_then_reviewed(app, account):
    shipment = ship(app, account)
    [unlinked] = imported(app, account, FakeCharge("1000123456789U", "REDIRECTION", D("17.00")))
    with pytest.raises(ConflictError):  # nobody can accept what belongs to no account
        surcharges.accept(unlinked.id, agent_id=None, account_ids=None)
    db.session.rollback()
    with pytest.raises(surcharges.FieldError) as wrong:
        surcharges.link(unlinked.id, waybill="1000000000000X", agent_id=None)
    assert wrong.value.field == "waybill"
    db.session.rollback()
    linked = surcharges.link(unlinked.id, waybill=shipment.waybills[0], agent_id=None)
    assert (linked.shipment_id, linked.account_id) == (shipment.id, account.id)
    assert linked.state is SurchargeState.NEW
    assert linked.quoted["gross"] == shipment.quote["gross"]
    with pytest.raises(ConflictError):
        surcharges.link(unlinked.id, waybill=shipment.waybills[0], agent_id=None)


def test_two_workers_accepting_at_once_charge_once(app, surcharge):
    results: list[str] = []

    def accept() -> None:
        with app.app_context():
            try:
                surcharges.accept(surcharge.id, agent_id=None, account_ids=None)
                results.append("charged")
            except ConflictError:
                results.append("conflict")
            except Exception as exc:  # SQLite: the loser's write waits for the lock, then conflicts
                results.append(type(exc).__name__)
            finally:
                db.session.rollback()
                db.session.remove()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("charged") >= 1
    surcharge_entries = select(func.count()).where(LedgerEntry.kind == EntryKind.SURCHARGE)
    assert db.session.scalar(surcharge_entries) == 1
    assert billing.ledger_sum(surcharge.account_id) == D("-14.76")


def test_the_inbox_filters_by_state_account_and_carrier(app, account):
    other = make_account("Drugi sklep")
    mine, theirs = ship(app, account, key="m"), ship(app, other, carrier="poczta", key="t")
    imported(app, account, FakeCharge(mine.waybills[0], "OVERSIZE", D("20.00")),
             FakeCharge(mine.waybills[0], "REDIRECTION", D("17.00")))
    imported(app, account, FakeCharge(theirs.waybills[0], "ZMIANA_ADRESU", D("17.00")), carrier="poczta")
    first = db.session.scalars(select(Surcharge).order_by(Surcharge.id)).first()
    surcharges.accept(first.id, agent_id=None, account_ids=None)

    def ids(account_ids=None, **filters) -> list[str]:
        page = surcharges.list_surcharges(surcharges.Filters(**filters), account_ids=account_ids)
        return [row.surcharge.carrier_code for row in page.rows]

    assert ids() == ["ZMIANA_ADRESU", "REDIRECTION"]  # open ones, newest first
    assert ids(view="charged") == ["OVERSIZE"]
    assert ids(view="all", carrier="dpd") == ["REDIRECTION", "OVERSIZE"]
    assert ids(view="all", account_id=other.id) == ["ZMIANA_ADRESU"]
    assert ids(account_ids={account.id}, view="all") == ["REDIRECTION", "OVERSIZE"]
    assert ids(account_ids={account.id}, view="all", account_id=other.id) == []
    assert surcharges.count_open({account.id}) == {"new": 1, "disputed": 0, "unlinked": 0}
    page = surcharges.list_surcharges(surcharges.Filters(view="all"), account_ids=None, limit=2)
    rest = surcharges.list_surcharges(surcharges.Filters(view="all"), account_ids=None, after=page.next_after)
    assert len(page.rows) == 2 and [r.surcharge.carrier_code for r in rest.rows] == ["OVERSIZE"]
    assert rest.next_after is None


def test_the_evidence_sets_measured_against_declared_and_quoted(surcharge):
    weight, length, *_ = surcharges.evidence(surcharge)
    assert (weight.declared, weight.measured, weight.quoted, weight.differs) == (1000, 4200, 1000, True)
    assert length.measured is None and not length.differs
    lines = surcharges.quoted_lines(surcharge)
    assert lines[0]["code"] == "parcel" and lines[0]["gross"] == D(surcharge.quoted["gross"])
