"""Withdrawals: 2 % fee with a 2.00 zł minimum (half up), never more than the balance, due 5 Polish
working days later; payouts exported into one transfer file and paid once, even with two administrators
at once (both databases)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import EntryKind, LedgerEntry, PaymentMode, Payout, PayoutExport, PayoutState, SellerAccount
from desk.services import billing
from desk.services.billing import inputs, payouts, withdrawals
from desk.services.billing.policy import BillingPolicy
from desk.services.errors import ValidationError
from desk.services.shared.workdays import WARSAW
from tests.billing_helpers import fund

POLICY = BillingPolicy(bank_account="PL27114020040000300201355387")
NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
D = Decimal


@pytest.fixture
def account(app) -> int:
    account = SellerAccount(name="Sklep z wypłatą")
    db.session.add(account)
    db.session.commit()
    found = billing.profile(account.id)
    found.payout_iban, found.company_name = "PL61109010140000071219812874", "Sklep Ania Anna Nowak"
    db.session.commit()
    fund(account.id, "500.00")
    return account.id


@pytest.mark.parametrize(
    ("amount", "fee"),
    [("50.00", "2.00"), ("100.00", "2.00"), ("100.24", "2.00"), ("100.25", "2.01"), ("1000.00", "20.00"),
     ("0.01", "2.00")],
)
def test_the_fee_is_two_percent_at_least_two_zloty_rounded_half_up(amount, fee):
    assert withdrawals.fee_for(D(amount), POLICY) == D(fee)


def test_the_largest_withdrawal_fits_with_its_fee():
    assert withdrawals.max_withdrawal(D("500.00"), POLICY) == D("490.20")  # + 9.80 (9.804) = 500.00
    assert withdrawals.max_withdrawal(D("102.00"), POLICY) == D("100.00")
    assert withdrawals.max_withdrawal(D("2.00"), POLICY) == D("0.00")


@pytest.mark.parametrize(
    ("requested", "due"),
    [
        (dt.datetime(2026, 12, 3, 9, 0), dt.date(2026, 12, 10)),  # Thursday: the next Thursday
        (dt.datetime(2026, 12, 23, 12, 0), dt.date(2027, 1, 4)),  # 24-27 Dec and 1 Jan are days off
        (dt.datetime(2026, 12, 31, 23, 30), dt.date(2027, 1, 11)),  # 1 and 6 January are holidays
    ],
)
def test_the_payout_is_due_five_polish_working_days_later(requested, due):
    assert withdrawals.due_on(requested.replace(tzinfo=WARSAW), POLICY) == due


def test_a_withdrawal_posts_the_amount_and_the_fee_with_its_payout(account):
    def ask():
        return withdrawals.request_withdrawal(
            account, "100,25", key="w1", actor_id=None, now=NOW, policy=POLICY
        )

    payout, again = ask(), ask()
    assert again.id == payout.id and payout.state is PayoutState.REQUESTED
    assert (payout.amount, payout.fee, payout.due_on) == (D("100.25"), D("2.01"), dt.date(2026, 12, 10))
    assert payout.bank_name == "Erste Bank Polska Spółka Akcyjna"
    kinds = db.session.execute(select(LedgerEntry.kind, LedgerEntry.amount).order_by(LedgerEntry.seq)).all()
    assert kinds[1:] == [(EntryKind.WITHDRAWAL, D("-100.25")), (EntryKind.WITHDRAWAL_FEE, D("-2.01"))]
    assert billing.balance(account) == D("397.74")


def _nothing_more(account: int) -> None:
    assert db.session.scalar(select(func.count(Payout.id))) == 0
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 1 and billing.balance(account) == D("500")


def test_more_than_the_balance_with_the_fee_is_refused_with_the_most_possible(account):
    with pytest.raises(inputs.FieldError) as refused:
        withdrawals.request_withdrawal(account, "499,00", key="w1", actor_id=None, now=NOW, policy=POLICY)
    assert refused.value.params == {"fee": D("9.98"), "most": D("490.20")}
    _nothing_more(account)


def test_the_credit_limit_is_never_withdrawn(account):
    found = billing.profile(account)
    found.payment_mode, found.credit_limit = PaymentMode.INVOICE, D("10000.00")
    db.session.commit()
    with pytest.raises(inputs.FieldError):
        withdrawals.request_withdrawal(account, "600", key="w1", actor_id=None, now=NOW, policy=POLICY)
    _nothing_more(account)


@pytest.mark.parametrize("amount", ["-10", "0", "abc", "1,001"])
def test_bad_amounts_are_refused(account, amount):
    with pytest.raises(inputs.FieldError):
        withdrawals.request_withdrawal(account, amount, key="w1", actor_id=None, now=NOW, policy=POLICY)
    _nothing_more(account)


def test_no_withdrawal_without_a_payout_account(account):
    billing.profile(account).payout_iban = ""
    db.session.commit()
    with pytest.raises(ValidationError):
        withdrawals.request_withdrawal(account, "10", key="w1", actor_id=None, now=NOW, policy=POLICY)
    _nothing_more(account)


def test_export_then_paid_each_once(account):
    first = withdrawals.request_withdrawal(account, "100", key="w1", actor_id=None, now=NOW, policy=POLICY)
    second = withdrawals.request_withdrawal(account, "50", key="w2", actor_id=None, now=NOW, policy=POLICY)
    made = payouts.export(actor_id=None, now=NOW, policy=POLICY)
    assert made.count == 2 and made.total == D("150.00")
    rows = list(csv.reader(io.StringIO(made.content), delimiter=";"))
    assert rows[0] == list(payouts.HEADER)
    assert rows[1] == [
        "PL27114020040000300201355387", "PL61109010140000071219812874", "Sklep Ania Anna Nowak", "100,00",
        f"Wyplata salda W/{first.id} konto {account}", "2026-12-10", str(first.id),
    ]
    assert payouts.export(actor_id=None, now=NOW, policy=POLICY) is None  # nothing left
    assert payouts.export_file(made.id)[1] == made.content  # downloading again exports nothing
    assert payouts.mark_paid([first.id, second.id], actor_id=None, now=NOW) == 2
    assert payouts.mark_paid([first.id], actor_id=None, now=NOW) == 0
    assert payouts.pending() == []


def test_a_requested_payout_is_not_marked_paid_before_it_is_exported(account):
    payout = withdrawals.request_withdrawal(account, "100", key="w1", actor_id=None, now=NOW, policy=POLICY)
    assert payouts.mark_paid([payout.id], actor_id=None, now=NOW) == 0
    assert db.session.get(Payout, payout.id).state is PayoutState.REQUESTED


def _together(app, work) -> list:
    """`work` run by two threads at the same moment, each in its own session; their results."""
    barrier = threading.Barrier(2)
    results: list = []
    errors: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            barrier.wait()
            try:
                results.append(work())
            except BaseException as exc:  # noqa: BLE001  (reported below)
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_two_administrators_exporting_and_marking_at_once_pay_each_payout_once(app, account):
    ids = [
        withdrawals.request_withdrawal(account, amount, key=f"w{n}", actor_id=None, now=NOW, policy=POLICY).id
        for n, amount in enumerate(("100", "50", "25"))
    ]
    db.session.remove()
    def export_one():
        made = payouts.export(actor_id=None, now=NOW, policy=POLICY)
        return made.id if made else None

    made = _together(app, export_one)
    files = [found for found in made if found is not None]
    assert len(files) == 1  # the second found nothing left to export
    exported = db.session.scalars(select(Payout.export_id).where(Payout.id.in_(ids))).all()
    assert set(exported) == set(files) and db.session.scalar(select(func.count(PayoutExport.id))) == 1
    marked = _together(app, lambda: payouts.mark_paid(ids, actor_id=None, now=NOW))
    assert sorted(marked) == [0, 3]
    states = db.session.scalars(select(Payout.state).where(Payout.id.in_(ids))).all()
    assert states == [PayoutState.PAID] * 3
