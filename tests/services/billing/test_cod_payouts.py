"""The daily payout batch: what is due per account as a transfer CSV, marked paid after export, and a
payout never made twice: two workers building at once, a worker dying in the middle (the rerun pays
exactly the rest), the export asked for twice."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models.cod import BatchStatus, CodPayout, CodPayoutBatch, CodState, ShipmentCod
from desk.services import billing
from desk.services.billing.cod import payouts, progress
from desk.services.errors import ConflictError
from tests.services.billing.cod_crash_worker import KILLED
from tests.services.billing.cod_helpers import OTHER_IBAN, at, make_account, make_cod

D = Decimal
DAY = dt.date(2026, 12, 4)
PAY_DAY = dt.date(2026, 12, 7)
NOW = at(PAY_DAY)
ROOT = Path(__file__).resolve().parents[3]


def _many(accounts: int, per_account: int) -> Decimal:
    """Accounts with COD received and due on PAY_DAY; returns the sum due."""
    total = D("0.00")
    for a in range(accounts):
        account = make_account(f"Sklep {a:03d}")
        for n in range(per_account):
            amount = D(10 + a) + D(n) / 100
            make_cod(account.id, f"{amount:.2f}", tier=1, delivered_on=DAY, received=True, commit=False)
            total += amount
        db.session.commit()
    progress.promote_due(today=PAY_DAY, now=NOW)
    return total


def _paid_once(expected_total: Decimal, accounts: int) -> None:
    """Every due COD is in exactly one payout, one payout per account, the sums agree."""
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(ShipmentCod.payout_id.is_(None))) == 0
    assert db.session.scalar(select(func.count()).select_from(CodPayout)) == accounts
    assert db.session.scalar(select(func.sum(CodPayout.amount))) == expected_total
    per_payout = db.session.execute(
        select(CodPayout.amount, func.sum(ShipmentCod.amount - ShipmentCod.offset_amount))
        .join(ShipmentCod, ShipmentCod.payout_id == CodPayout.id)
        .group_by(CodPayout.id, CodPayout.amount)
    ).all()
    assert all(amount == summed for amount, summed in per_payout)


def test_the_batch_pays_what_is_due_per_account_and_marks_it_paid_after_the_export(app):
    shop = make_account("Sklep Ania")
    other = make_account("Sklep Bartek")
    due = [make_cod(shop.id, "89.90", tier=1, delivered_on=DAY, received=True) for _ in range(2)]
    elsewhere = make_cod(shop.id, "10.00", tier=1, iban=OTHER_IBAN, delivered_on=DAY, received=True)
    later = make_cod(shop.id, "55.00", tier=10, delivered_on=DAY, received=True)
    collected = make_cod(other.id, "20.00", tier=1, delivered_on=DAY)  # the carrier has not remitted it
    billing.profile(shop.id).company_name = "Ania Nowak Handel"
    db.session.commit()
    progress.promote_due(today=PAY_DAY, now=NOW)

    assert [(line.account_name, line.amount, line.items) for line in payouts.preview(PAY_DAY)] == [
        ("Sklep Ania", D("10.00"), 1), ("Sklep Ania", D("179.80"), 2),
    ]
    result = payouts.build(PAY_DAY, now=NOW, actor_id=None)
    assert result.batch.status is BatchStatus.READY and result.paid_accounts == 1
    db.session.expire_all()
    assert due[0].state is CodState.DUE and due[0].payout_id is not None  # not paid before the export

    exported = payouts.export(result.batch.id, now=NOW, actor_id=None)
    text = exported.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert exported.first_export and exported.name == "wyplaty-pobran-2026-12-07-1.csv"
    assert lines[0] == "Rachunek odbiorcy;Nazwa odbiorcy;Kwota;Tytuł przelewu;Data;Wypłata"
    assert sorted(line.split(";")[:3] for line in lines[1:]) == [
        ["27114020040000300201355387", "Ania Nowak Handel", "10,00"],
        ["61109010140000071219812874", "Ania Nowak Handel", "179,80"],
    ]
    db.session.expire_all()
    assert {item.state for item in [*due, elsewhere]} == {CodState.PAID}
    assert later.state is CodState.RECEIVED and collected.state is CodState.COLLECTED
    assert result.batch.status is BatchStatus.EXPORTED

    again = payouts.export(result.batch.id, now=NOW, actor_id=None)  # the same file, marked as a copy
    assert not again.first_export and again.content == exported.content
    assert payouts.build(PAY_DAY, now=NOW).batch is None  # nothing left to pay


def test_two_workers_building_at_once_pay_every_cod_once(app):
    expected = _many(accounts=12, per_account=5)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        with app.app_context():
            try:
                barrier.wait()
                payouts.build(PAY_DAY, now=NOW)
            except BaseException as exc:  # noqa: BLE001  (reported below)
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.session.scalar(select(func.count()).select_from(CodPayoutBatch)) == 1
    _paid_once(expected, accounts=12)
    batch = db.session.scalar(select(CodPayoutBatch))
    payouts.export(batch.id, now=NOW, actor_id=None)
    assert db.session.scalar(select(func.count()).where(ShipmentCod.state != CodState.PAID)) == 0


class Crash(Exception):
    pass


def test_a_batch_stopped_in_the_middle_is_finished_by_the_rerun_paying_exactly_the_rest(app):
    expected = _many(accounts=6, per_account=3)
    done: list[int] = []

    def die_after_the_third(account_id: int) -> None:
        done.append(account_id)
        if len(done) == 3:
            raise Crash

    with pytest.raises(Crash):
        payouts.build(PAY_DAY, now=NOW, after_account=die_after_the_third)
    db.session.rollback()
    batch = db.session.scalar(select(CodPayoutBatch))
    assert batch.status is BatchStatus.OPEN
    assert db.session.scalar(select(func.count()).select_from(CodPayout)) == 3
    with pytest.raises(ConflictError):  # an unfinished batch cannot be exported
        payouts.export(batch.id, now=NOW, actor_id=None)

    result = payouts.build(PAY_DAY, now=NOW)
    assert result.batch.id == batch.id and result.paid_accounts == 3
    _paid_once(expected, accounts=6)


def test_a_worker_process_killed_mid_batch_leaves_nothing_half_paid(app, database_url):
    expected = _many(accounts=5, per_account=4)
    db.session.remove()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run(
        [sys.executable, "-m", "tests.services.billing.cod_crash_worker", database_url, str(PAY_DAY), "2"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert killed.returncode == KILLED, killed.stderr
    assert db.session.scalar(select(func.count()).select_from(CodPayout)) == 2
    assert db.session.scalar(select(func.count()).where(ShipmentCod.payout_id.is_not(None))) == 8

    payouts.build(PAY_DAY, now=NOW)
    _paid_once(expected, accounts=5)
    batch = db.session.scalar(select(CodPayoutBatch))
    exported = payouts.export(batch.id, now=NOW, actor_id=None)
    rows = exported.content.decode("utf-8-sig").splitlines()[1:]
    assert len(rows) == 5 and sum(D(row.split(";")[2].replace(",", ".")) for row in rows) == expected
