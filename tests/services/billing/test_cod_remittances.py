"""Carrier remittances: a dry run that writes nothing, matching by waybill, short, over, unknown and
duplicate amounts on the review list (never lost), the same file refused twice, a bad file refused whole."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models.cod import CodRemittance, CodRemittanceLine, CodState, LineOutcome
from desk.services.billing.cod import remittances
from desk.services.errors import ConflictError, ValidationError
from desk.wiring.carriers import remittance_parsers
from integrations.carriers.dpd.fake.cod_remittance import specification_file
from integrations.carriers.inpost.fake.cod_remittance import settlement_file
from tests.services.billing.cod_helpers import at, make_account, make_cod

D = Decimal
DAY = dt.date(2026, 12, 4)
NOW = at(dt.date(2026, 12, 8))
PARSERS = remittance_parsers()


def _file(*lines: tuple[str, str]) -> bytes:
    return _settlement([(waybill, D(amount), DAY) for waybill, amount in lines], "RS/1")


def _settlement(lines, number: str) -> bytes:
    return settlement_file(lines, settlement_id=number, transfer_date=NOW.date())


def _apply(data: bytes):
    return remittances.apply(PARSERS, "inpost", data, file_name="a.csv", now=NOW, actor_id=None)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def cods(app):
    account = make_account()
    exact = make_cod(account.id, "89.90", tier=1, delivered_on=DAY)
    short = make_cod(account.id, "100.00", tier=1, delivered_on=DAY)
    over = make_cod(account.id, "20.00", tier=1, delivered_on=DAY)
    done = make_cod(account.id, "15.00", tier=1, delivered_on=DAY, received=True)
    wallet = make_cod(account.id, "33.00", carrier="inpost", sink="allegro_wallet", iban="", delivered_on=DAY)
    return {"exact": exact, "short": short, "over": over, "done": done, "wallet": wallet}


def test_the_dry_run_names_every_outcome_and_writes_nothing(cods):
    data = _file(
        (cods["exact"].waybill, "89.90"), (cods["short"].waybill, "90.00"), (cods["over"].waybill, "25.00"),
        (cods["done"].waybill, "15.00"), (cods["wallet"].waybill, "33.00"), ("999000111", "12.00"),
    )
    plan = remittances.plan(PARSERS, "inpost", data)
    assert [line.outcome for line in plan.lines] == [
        LineOutcome.MATCHED, LineOutcome.SHORT, LineOutcome.OVER, LineOutcome.DUPLICATE,
        LineOutcome.UNEXPECTED, LineOutcome.UNKNOWN,
    ]
    assert plan.total == D("264.90") and plan.review_total == D("175.00")
    assert plan.lines[1].expected == D("100.00")
    assert _count(CodRemittance) == 0 and _count(CodRemittanceLine) == 0
    db.session.expire_all()
    assert cods["exact"].state is CodState.COLLECTED and cods["exact"].received_amount == 0


def test_applying_marks_the_money_received_and_keeps_every_other_line_for_review(cods):
    data = _file(
        (cods["exact"].waybill, "89.90"), (cods["short"].waybill, "90.00"), (cods["over"].waybill, "25.00"),
        ("999000111", "12.00"),
    )
    record = remittances.apply(PARSERS, "inpost", data, file_name="rs1.csv", now=NOW, actor_id=None)
    db.session.expire_all()
    assert (record.total, record.line_count, record.reference) == (D("216.90"), 4, "RS/1")
    # paid on 7 Dec (tier 1 after Friday 4 Dec): due at once, as the import is on 8 Dec
    assert cods["exact"].state is CodState.DUE and cods["exact"].received_amount == D("89.90")
    assert cods["short"].state is CodState.COLLECTED and cods["short"].received_amount == D("90.00")
    assert cods["over"].state is CodState.DUE and cods["over"].received_amount == D("25.00")
    review = remittances.review_lines()
    assert [(line.waybill, line.outcome) for line in review] == [
        (cods["short"].waybill, LineOutcome.SHORT),
        (cods["over"].waybill, LineOutcome.OVER),
        ("999000111", LineOutcome.UNKNOWN),
    ]
    assert review[2].cod_id is None and review[2].amount == D("12.00")  # kept although nobody owns it


def test_the_rest_of_a_short_payment_later_completes_it(cods):
    short = cods["short"]
    _apply(_file((short.waybill, "90.00")))
    later = _settlement([(short.waybill, D("10.00"), DAY)], "RS/2")
    plan = remittances.plan(PARSERS, "inpost", later)
    assert plan.lines[0].outcome is LineOutcome.MATCHED and plan.lines[0].expected == D("10.00")
    remittances.apply(PARSERS, "inpost", later, file_name="b", now=NOW, actor_id=None)
    db.session.expire_all()
    assert short.state is CodState.DUE and short.received_amount == D("100.00")


def test_a_short_line_can_be_accepted_as_received_with_a_note(cods):
    short = cods["short"]
    _apply(_file((short.waybill, "90.00")))
    line = remittances.review_lines()[0]
    with pytest.raises(ValidationError):
        remittances.resolve(line.id, "  ", now=NOW, actor_id=None)
    remittances.resolve(line.id, "Reklamacja u przewoźnika", accept_short=True, now=NOW, actor_id=None)
    db.session.expire_all()
    assert short.state is CodState.DUE and remittances.review_lines() == []
    assert line.resolution == "Reklamacja u przewoźnika"
    with pytest.raises(ConflictError):
        remittances.resolve(line.id, "jeszcze raz", now=NOW, actor_id=None)


def test_the_same_file_is_refused_the_second_time(cods):
    data = _file((cods["exact"].waybill, "89.90"))
    remittances.apply(PARSERS, "inpost", data, file_name="a", now=NOW, actor_id=None)
    assert remittances.plan(PARSERS, "inpost", data).imported is not None
    with pytest.raises(ConflictError):
        remittances.apply(PARSERS, "inpost", data, file_name="a", now=NOW, actor_id=None)
    assert _count(CodRemittance) == 1 and _count(CodRemittanceLine) == 1
    db.session.expire_all()
    assert cods["exact"].received_amount == D("89.90")


def test_a_bad_file_is_refused_whole_with_nothing_written(cods):
    good = (cods["exact"].waybill, "89.90")
    bad = _file(good).decode() + "X1,abc,PLN,2026-12-04,RS/1,2026-12-08\r\n"
    with pytest.raises(remittances.RemittanceRefused) as refused:
        remittances.apply(PARSERS, "inpost", bad.encode(), file_name="a", now=NOW, actor_id=None)
    assert [(p.line, p.code) for p in refused.value.problems] == [(3, "bad_amount")]
    with pytest.raises(ValidationError):
        remittances.plan(PARSERS, "ups", _file(good))
    assert _count(CodRemittance) == 0
    db.session.expire_all()
    assert cods["exact"].received_amount == 0


def test_a_waybill_of_another_carrier_is_unknown_and_a_later_parcel_of_the_shipment_matches(app):
    account = make_account()
    dpd = make_cod(account.id, "45.00", carrier="dpd", tier=1, delivered_on=DAY)
    dpd.shipment.waybills = [dpd.waybill, "0000999888777U"]
    db.session.commit()
    elsewhere = remittances.plan(PARSERS, "inpost", _file((dpd.waybill, "45.00")))
    assert elsewhere.lines[0].outcome is LineOutcome.UNKNOWN
    spec = specification_file([("0000999888777U", D("45.00"), DAY)], number="SP/1", transfer_date=NOW.date())
    plan = remittances.plan(PARSERS, "dpd", spec)
    assert plan.lines[0].outcome is LineOutcome.MATCHED and plan.lines[0].cod_id == dpd.id


def test_money_received_before_tracking_says_delivered_counts_from_the_carriers_day(app):
    account = make_account()
    record = make_cod(account.id, "60.00", tier=5)
    _apply(_file((record.waybill, "60.00")))
    db.session.expire_all()
    assert record.state is CodState.RECEIVED and record.due_on == dt.date(2026, 12, 11)


def test_two_imports_paying_one_parcel_at_once_lose_nothing(app):
    """Two settlements arrive together, each with half of one parcel's money: whichever is first is
    short, the other completes it; the parcel has received exactly its amount."""
    import threading

    account = make_account()
    record = make_cod(account.id, "100.00", tier=5, delivered_on=DAY)
    files = [_settlement([(record.waybill, D("50.00"), DAY)], f"RS/{n}") for n in (1, 2)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def importer(data: bytes) -> None:
        with app.app_context():
            try:
                barrier.wait()
                remittances.apply(PARSERS, "inpost", data, file_name="x", now=NOW, actor_id=None)
            except BaseException as exc:  # noqa: BLE001  (reported below)
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=importer, args=(data,)) for data in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    assert record.received_amount == D("100.00") and record.state is CodState.RECEIVED
    outcomes = sorted(line.outcome.value for line in db.session.scalars(select(CodRemittanceLine)))
    assert outcomes == ["matched", "short"]
