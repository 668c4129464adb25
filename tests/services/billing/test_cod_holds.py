"""Withholding and offsets: an account with unpaid dues has its due COD withheld (the flag and its reason),
dues are set off against due COD as COD_OFFSET ledger entries linked to what they paid, never twice, and
the hold lifts when the dues are paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import EntryKind, LedgerEntry, PaymentMode
from desk.models.cod import CodAccount, CodOffset, CodState, HoldSource
from desk.services import billing
from desk.services.billing import Posting, dues
from desk.services.billing.cod import accounts, offsets, payouts, progress
from desk.services.errors import ValidationError
from tests.services.billing.cod_helpers import at, make_account, make_cod

D = Decimal
DAY = dt.date(2026, 12, 4)
PAY_DAY = dt.date(2026, 12, 7)
NOW = at(PAY_DAY)


def surcharge(account_id: int, amount: str, key: str) -> None:
    billing.post(Posting(account_id, EntryKind.SURCHARGE, -D(amount), key=key, enforce_limit=False))
    db.session.commit()


@pytest.fixture
def owing(app):
    """An account owing 30.00 zł (a surcharge below a zero balance) with 100 + 50 zł of COD due."""
    account = make_account()
    first = make_cod(account.id, "100.00", tier=1, delivered_on=DAY, received=True)
    second = make_cod(account.id, "50.00", tier=1, delivered_on=DAY, received=True)
    surcharge(account.id, "30.00", "s1")
    return account, first, second


def test_a_negative_balance_is_a_due_and_an_invoice_account_owes_its_overdue_invoices_only(app):
    account = make_account()
    assert dues.open_dues(account.id) == []
    surcharge(account.id, "30.00", "s1")
    [due] = dues.open_dues(account.id)
    assert (due.kind, due.amount) == ("balance", D("30.00"))
    profile = billing.profile(account.id)
    profile.payment_mode, profile.credit_limit = PaymentMode.INVOICE, D("20.00")
    db.session.commit()
    # on invoice the balance is never a due (its invoices are): nothing is overdue here
    assert dues.open_dues(account.id) == []


def test_unpaid_dues_hold_the_payouts_with_the_reason_and_the_batch_pays_nothing(owing):
    account, first, second = owing
    progress.run(now=NOW)
    held = db.session.get(CodAccount, account.id)
    assert held.held and held.hold_source is HoldSource.DUES
    db.session.expire_all()
    assert {first.state, second.state} == {CodState.WITHHELD}
    assert payouts.build(PAY_DAY, now=NOW).batch is None  # nothing due: all withheld
    assert [line.held for line in payouts.preview(PAY_DAY)] == [True]


def test_a_due_that_appears_just_before_the_batch_still_holds_the_account(app):
    account = make_account()
    record = make_cod(account.id, "80.00", tier=1, delivered_on=DAY, received=True)
    progress.run(now=NOW)
    assert record.state is CodState.DUE
    surcharge(account.id, "5.00", "late")  # after the job, before the batch
    result = payouts.build(PAY_DAY, now=NOW)
    assert (result.paid_accounts, result.held_accounts) == (0, 1)
    db.session.expire_all()
    assert record.state is CodState.WITHHELD and record.payout_id is None


def test_dues_are_set_off_against_due_cod_once_and_the_rest_is_paid(owing):
    account, first, second = owing
    progress.run(now=NOW)
    made = offsets.set_off(account.id, now=NOW, actor_id=None)

    assert [(o.cod_id, o.due_kind, o.amount) for o in made] == [(first.id, "balance", D("30.00"))]
    entry = db.session.get(LedgerEntry, made[0].ledger_entry_id)
    assert (entry.kind, entry.amount) == (EntryKind.COD_OFFSET, D("30.00"))
    assert entry.shipment_id == first.shipment_id
    assert entry.reference == f"balance:{made[0].due_id}" and entry.key.startswith(f"cod_offset:{first.id}:")
    assert billing.balance(account.id) == D("0.00") == billing.ledger_sum(account.id)
    db.session.expire_all()
    assert not db.session.get(CodAccount, account.id).held  # the hold went with the dues
    assert (first.state, first.payable, second.state) == (CodState.DUE, D("70.00"), CodState.DUE)

    with pytest.raises(ValidationError):  # nothing owed any more: nothing set off twice
        offsets.set_off(account.id, now=NOW, actor_id=None)
    assert db.session.scalar(select(func.count()).select_from(CodOffset)) == 1

    result = payouts.build(PAY_DAY, now=NOW)
    [(payout, _name)] = payouts.payouts_of(result.batch.id)
    assert (payout.amount, payout.items) == (D("120.00"), 2)


def test_a_due_larger_than_one_cod_takes_it_whole_and_goes_on_to_the_next(app):
    account = make_account()
    first = make_cod(account.id, "20.00", tier=1, delivered_on=DAY, received=True)
    second = make_cod(account.id, "50.00", tier=1, delivered_on=DAY, received=True)
    surcharge(account.id, "45.50", "s1")
    progress.run(now=NOW)
    made = offsets.set_off(account.id, now=NOW, actor_id=None)
    assert [(o.cod_id, o.amount) for o in made] == [(first.id, D("20.00")), (second.id, D("25.50"))]
    db.session.expire_all()
    assert first.state is CodState.PAID and first.payable == 0  # paid wholly by the offset
    assert second.state is CodState.DUE and second.payable == D("24.50")
    assert billing.balance(account.id) == D("0.00")


def test_cod_larger_than_nothing_due_cannot_be_set_off(app):
    account = make_account()
    make_cod(account.id, "20.00", tier=1, delivered_on=DAY, received=True)
    progress.run(now=NOW)
    with pytest.raises(ValidationError):
        offsets.set_off(account.id, now=NOW, actor_id=None)
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_a_manual_hold_needs_a_reason_and_stays_until_released(app):
    account = make_account()
    record = make_cod(account.id, "20.00", tier=1, delivered_on=DAY, received=True)
    progress.run(now=NOW)
    with pytest.raises(ValidationError):
        accounts.hold(account.id, "   ", now=NOW, actor_id=None)
    assert record.state is CodState.DUE
    accounts.hold(account.id, "Wyjaśniamy zwrot", now=NOW, actor_id=None)
    progress.run(now=NOW)  # no dues, but a hold by hand is not lifted by the job
    db.session.expire_all()
    settings = db.session.get(CodAccount, account.id)
    assert settings.held and settings.hold_reason == "Wyjaśniamy zwrot" and record.state is CodState.WITHHELD
    accounts.release(account.id, now=NOW, actor_id=None)
    db.session.expire_all()
    assert not settings.held and record.state is CodState.DUE


def test_the_default_tier_takes_only_1_5_or_10(app):
    account = make_account()
    with pytest.raises(ValidationError):
        accounts.set_default_tier(account.id, "7", now=NOW)
    assert accounts.default_tier(account.id) == 5
    accounts.set_default_tier(account.id, "10", now=NOW)
    assert accounts.default_tier(account.id) == 10
    assert make_cod(account.id, tier=None).tier == 10
