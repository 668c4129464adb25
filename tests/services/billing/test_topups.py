"""Top-ups: typed by an administrator or imported from a bank statement (dry run first), each transfer
booked once, bad input refused with the reason and nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import LedgerEntry, SellerAccount, Topup, TopupSource
from desk.services import billing
from desk.services.billing import bank_import, inputs, topups
from desk.services.errors import ValidationError

TODAY = dt.date(2026, 12, 3)
HEADER = "data;kwota;tytul;nadawca;rachunek;id_transakcji\n"


@pytest.fixture
def shops(app) -> tuple[int, int]:
    first, second = SellerAccount(name="Sklep Ania"), SellerAccount(name="Sklep Bolek")
    db.session.add_all([first, second])
    db.session.commit()
    billing.profile(second.id).nip = "8567346215"
    db.session.commit()
    return first.id, second.id


def written() -> tuple[int, int]:
    entries = db.session.scalar(select(func.count(LedgerEntry.id)))
    return entries, db.session.scalar(select(func.count(Topup.id)))


def test_an_administrators_top_up_is_booked_once_per_form(shops):
    form = {"amount": "1 250,50", "reference": "Przelew 2026/12/01", "booked_on": "01.12.2026"}
    first = topups.record_manual_topup(shops[0], form, key="form-1", actor_id=None, today=TODAY)
    again = topups.record_manual_topup(shops[0], form, key="form-1", actor_id=None, today=TODAY)
    assert first.id == again.id and first.booked_on == dt.date(2026, 12, 1)
    assert billing.balance(shops[0]) == Decimal("1250.50") and written() == (1, 1)


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"amount": "-10", "reference": "x", "booked_on": "2026-12-01"}, "amount",
         "The amount must be above zero."),
        ({"amount": "0", "reference": "x", "booked_on": "2026-12-01"}, "amount",
         "The amount must be above zero."),
        ({"amount": "dużo", "reference": "x", "booked_on": "2026-12-01"}, "amount",
         "This is not an amount: %(value)s"),
        ({"amount": "10,005", "reference": "x", "booked_on": "2026-12-01"}, "amount",
         "The amount must be in whole grosze."),
        ({"amount": "10", "reference": "", "booked_on": "2026-12-01"}, "reference",
         "Enter the bank transfer's reference or title."),
        ({"amount": "10", "reference": "x", "booked_on": "2026-12-04"}, "booked_on",
         "The transfer cannot be booked in the future."),
        ({"amount": "10", "reference": "x", "booked_on": "jutro"}, "booked_on",
         "This is not a date (2026-12-01 or 01.12.2026): %(value)s"),
    ],
)
def test_bad_top_ups_are_refused_at_their_field_and_nothing_is_written(shops, form, field, message):
    with pytest.raises(inputs.FormErrors) as refused:
        topups.record_manual_topup(shops[0], form, key="k", actor_id=None, today=TODAY)
    assert refused.value.errors[field].message == message
    assert written() == (0, 0)


def statement(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode("utf-8")


def test_the_dry_run_matches_by_title_and_by_nip_and_writes_nothing(shops):
    data = statement(
        f"2026-12-01;150,00;SALDO {shops[0]} doładowanie;Anna Nowak;PL61109010140000071219812874;TX-1",
        "02.12.2026;1 000.00;Zapłata NIP 856-734-62-15;Bolek sp. z o.o.;;TX-2",
        "2026-12-02;20,00;za towar;Jan;;TX-3",
    )
    plan = bank_import.plan(data)
    assert [(row.status, row.account_id) for row in plan.rows] == [
        ("new", shops[0]), ("new", shops[1]), ("unmatched", None)
    ]
    assert plan.ok and plan.total == Decimal("1150.00") and written() == (0, 0)


def test_the_import_books_each_transaction_once_and_leaves_unmatched_rows_alone(shops):
    data = statement(
        f"2026-12-01;150,00;SALDO {shops[0]};Anna Nowak;PL61109010140000071219812874;TX-1",
        "2026-12-02;20,00;za towar;Jan;;TX-3",
    )
    first = bank_import.apply(data, actor_id=None)
    assert first.count("new") == 1 and first.count("unmatched") == 1
    again = bank_import.apply(data, actor_id=None)
    assert again.count("imported") == 1 and again.count("new") == 0
    assert billing.balance(shops[0]) == Decimal("150.00") and written() == (1, 1)
    booked = db.session.scalar(select(Topup))
    assert booked.source is TopupSource.BANK_CSV and booked.sender_account == "PL61109010140000071219812874"


def test_rows_with_errors_block_the_whole_import(shops):
    data = statement(
        f"2026-12-01;150,00;SALDO {shops[0]};Anna;;TX-1",
        f"2026-12-01;-40,00;SALDO {shops[0]};Anna;;TX-2",
        f"2026-13-01;10,00;SALDO {shops[0]};Anna;;TX-3",
        f"2026-12-01;10,00;SALDO {shops[0]};Anna;;TX-1",
        f"2026-12-01;abc;SALDO {shops[0]};Anna;;",
    )
    plan = bank_import.plan(data)
    messages = [[error.message for error in row.errors] for row in plan.rows]
    assert messages[1] == ["Not an incoming transfer (a negative amount)."]
    assert messages[2] == ["This is not a date (2026-12-01 or 01.12.2026): %(value)s"]
    assert messages[3] == ["The same transaction id appears twice."]
    assert messages[4] == ["This is not an amount: %(value)s", "The transaction id is missing or too long."]
    with pytest.raises(ValidationError):
        bank_import.apply(data, actor_id=None)
    assert written() == (0, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"data,kwota,tytul\n2026-12-01,10,SALDO 1\n",
         "The header must name the columns %(columns)s; missing: %(missing)s."),
        (HEADER.encode(), "The file has no transfers."),
        (b"\x81\x98\xff\xfe" * 10, "The file is neither UTF-8 nor Windows-1250 text."),
        (b"x" * (bank_import.MAX_BYTES + 1), "The file is too large (at most 2 MB)."),
    ],
)
def test_a_malformed_file_is_refused_whole(shops, data, message):
    with pytest.raises(bank_import.StatementError) as refused:
        bank_import.plan(data)
    assert refused.value.message == message
    assert written() == (0, 0)


def test_a_windows_1250_statement_is_read(shops):
    data = (HEADER + f"2026-12-01;15,00;SALDO {shops[0]} wpłata;Łucja Żółć;;TX-9\n").encode("cp1250")
    plan = bank_import.plan(data)
    assert plan.rows[0].values["nadawca"] == "Łucja Żółć" and plan.rows[0].status == "new"
