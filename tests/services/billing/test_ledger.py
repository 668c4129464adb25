"""The ledger: postings are exact, keyed, limited, and serialised per account under concurrency."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import BillingProfile, EntryKind, LedgerEntry, PaymentMode, SellerAccount
from desk.services import billing
from desk.services.billing import Posting, Shortfall
from desk.services.errors import ValidationError


@pytest.fixture
def account(app) -> int:
    account = SellerAccount(name="Sklep z saldem")
    db.session.add(account)
    db.session.commit()
    return account.id


def topup(account_id: int, amount: str, key: str) -> None:
    billing.post(Posting(account_id, EntryKind.TOPUP, Decimal(amount), key=key, reference="PRZELEW 1"))
    db.session.commit()


def test_balance_is_the_running_sum_of_entries(account):
    topup(account, "100.00", "t1")
    billing.post(Posting(account, EntryKind.SHIPMENT_CHARGE, Decimal("-16.99"), key="c1"))
    billing.post(Posting(account, EntryKind.CANCEL_REFUND, Decimal("16.99"), key="r1"))
    billing.post(Posting(account, EntryKind.SHIPMENT_CHARGE, Decimal("-20.50"), key="c2"))
    db.session.commit()
    assert billing.balance(account) == Decimal("79.50")
    assert billing.ledger_sum(account) == Decimal("79.50")
    seqs = db.session.scalars(select(LedgerEntry.seq).where(LedgerEntry.account_id == account)).all()
    assert sorted(seqs) == [1, 2, 3, 4]


def test_the_same_key_posts_once(account):
    topup(account, "50.00", "bank:2026-12-01:1")
    topup(account, "50.00", "bank:2026-12-01:1")
    assert billing.balance(account) == Decimal("50.00")
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1


def test_a_debit_beyond_the_balance_is_refused_and_nothing_written(account):
    topup(account, "10.00", "t1")
    with pytest.raises(Shortfall) as refused:
        billing.post(Posting(account, EntryKind.SHIPMENT_CHARGE, Decimal("-16.99"), key="c1"))
    db.session.rollback()
    assert refused.value.missing == Decimal("6.99")
    assert billing.balance(account) == Decimal("10.00")
    assert billing.ledger.by_key("c1") is None


def test_a_credit_limit_lets_an_invoice_account_go_below_zero(account):
    profile = billing.profile(account)
    profile.payment_mode = PaymentMode.INVOICE
    profile.credit_limit = Decimal("30.00")
    db.session.commit()
    billing.post(Posting(account, EntryKind.SHIPMENT_CHARGE, Decimal("-25.00"), key="c1"))
    db.session.commit()
    with pytest.raises(Shortfall):
        billing.post(Posting(account, EntryKind.SHIPMENT_CHARGE, Decimal("-5.01"), key="c2"))
    db.session.rollback()
    assert billing.available(account) == Decimal("5.00")


def test_an_unlimited_debit_is_owed_whatever_the_balance(account):
    billing.post(Posting(account, EntryKind.SURCHARGE, Decimal("-13.69"), key="s1", enforce_limit=False))
    db.session.commit()
    assert billing.balance(account) == Decimal("-13.69")


@pytest.mark.parametrize(
    ("kind", "amount"),
    [
        (EntryKind.TOPUP, "-10.00"),
        (EntryKind.SHIPMENT_CHARGE, "10.00"),
        (EntryKind.TOPUP, "0"),
        (EntryKind.TOPUP, "1.005"),
    ],
)
def test_bad_amounts_are_refused(account, kind, amount):
    with pytest.raises(ValidationError):
        billing.post(Posting(account, kind, Decimal(amount), key="x"))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_concurrent_charges_lose_no_update_and_never_overdraw(app, account):
    """Eight threads charge one account 30 times each 1.00 zł from a 200.00 zł balance: exactly 200
    charges pass, the rest are refused, and the balance is the entries' sum (0.00)."""
    topup(account, "200.00", "t1")
    barrier = threading.Barrier(8)
    passed: list[int] = []
    refused: list[int] = []
    errors: list[BaseException] = []

    def charge(worker: int) -> None:
        with app.app_context():
            barrier.wait()
            for n in range(30):
                try:
                    billing.post(
                        Posting(account, EntryKind.SHIPMENT_CHARGE, Decimal("-1.00"), key=f"c{worker}-{n}")
                    )
                    db.session.commit()
                    passed.append(1)
                except Shortfall:
                    db.session.rollback()
                    refused.append(1)
                except BaseException as exc:  # noqa: BLE001  (reported below)
                    db.session.rollback()
                    errors.append(exc)
            db.session.remove()

    threads = [threading.Thread(target=charge, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(passed) == 200
    assert len(refused) == 40
    db.session.expire_all()
    assert billing.balance(account) == Decimal("0.00")
    assert billing.ledger_sum(account) == Decimal("0.00")
    assert db.session.get(BillingProfile, account).entry_count == 201
