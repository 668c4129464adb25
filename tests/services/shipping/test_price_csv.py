"""CSV: Excel's format both ways, a dry run that names every problem, all-or-nothing import."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import PriceRow
from desk.services.errors import ValidationError
from desk.services.shipping import apply_import, export_csv, plan_import
from tests.services.shipping.helpers import ADDONS, DPD_BANDS, LOCKER, TODAY, D, make_list

TOMORROW = TODAY + dt.timedelta(days=1)
HEADER = (
    "type;carrier;service;size_class;weight_from_g;weight_to_g;code;value_from;value_to;net;net_fixed;"
    "percent;min_net"
)


def csv_bytes(*lines: str) -> bytes:
    return ("\ufeff" + "\r\n".join([HEADER, *lines]) + "\r\n").encode()


def test_export_opens_in_excel_with_polish_decimal_commas(app):
    source = make_list(rows=DPD_BANDS[:1], addons=ADDONS[:1])
    name, text = export_csv(source.id, account_ids=None)
    assert name.endswith(".csv") and text.startswith("\ufeff" + HEADER)
    assert "row;dpd;dpd_classic;;0;1000;;;;15,90;;;" in text
    assert "addon;;;;;;cod;;;;2,30;1,00;" in text


def test_export_then_import_gives_the_same_prices(app):
    source = make_list(rows=DPD_BANDS + LOCKER, addons=ADDONS)
    _name, text = export_csv(source.id, account_ids=None)
    target = make_list(valid_from=TOMORROW)
    plan = plan_import(target.id, text.encode("utf-8"), today=TODAY, account_ids=None)
    assert plan.ok and (plan.added, plan.replaced, plan.removed) == (10, 0, 0)
    apply_import(target.id, text.encode("utf-8"), today=TODAY, account_ids=None)
    db.session.expire_all()

    def rows(pl):
        return sorted(
            (r.carrier, r.service, r.size_class, r.weight_from_g, r.weight_to_g, r.net) for r in pl.rows
        )

    def addons(pl):
        return sorted(
            (a.code, a.carrier, a.value_from or 0, a.value_to or 0, a.net_fixed, a.percent, a.min_net or 0)
            for a in pl.addons
        )

    assert rows(target) == rows(source) and addons(target) == addons(source)
    again = plan_import(target.id, text.encode("utf-8"), today=TODAY, account_ids=None)
    assert (again.added, again.replaced, again.unchanged, again.removed) == (0, 0, 10, 0)


def test_dry_run_reports_each_bad_line_and_writes_nothing(app):
    target = make_list(valid_from=TOMORROW, rows=DPD_BANDS)
    data = csv_bytes(
        "row;dpd;dpd_classic;;0;1000;;;;12,5x;;;",  # bad number (line 2)
        "row;ups;ups_standard;;0;1000;;;;10,00;;;",  # unknown carrier (line 3)
        "row;dpd;dpd_classic;;0;2000;;;;10,00;;;",  # fine (line 4)
        "row;dpd;dpd_classic;;1500;3000;;;;11,00;;;",  # overlaps line 4 (line 5)
        "addon;;;;;;cod;;;;2,30;1,00;",  # fine
    )
    plan = plan_import(target.id, data, today=TODAY, account_ids=None)
    assert [(p.line, p.column, p.message.split(":")[0]) for p in plan.problems] == [
        (2, "net", "Enter an amount in złoty, e.g. 12,50."),
        (3, "carrier", "Unknown carrier"),
        (
            5,
            "weight_from_g",
            "The weight band overlaps another row of the same service and size class (%(start)s–%(end)s g).",
        ),
    ]
    assert plan.problems[2].params == {"start": 0, "end": 2000}
    with pytest.raises(ValidationError):
        apply_import(target.id, data, today=TODAY, account_ids=None)
    assert db.session.scalar(select(func.count(PriceRow.id))) == 3
    assert [r.net for r in target.rows] == [D("15.90"), D("18.50"), D("21.50")]


def test_a_missing_column_stops_the_file(app):
    target = make_list(valid_from=TOMORROW)
    data = (
        b"type;carrier;service;size_class;weight_from_g;weight_to_g;code;value_from;value_to;net;net_fixed;percent\r\n"
        b"row;dpd;dpd_classic;;0;1000;;;;10,00;;\r\n"
    )
    plan = plan_import(target.id, data, today=TODAY, account_ids=None)
    assert [(p.line, p.column, p.params) for p in plan.problems] == [(1, "min_net", {"column": "min_net"})]


def test_a_file_that_is_not_utf8_is_refused(app):
    target = make_list(valid_from=TOMORROW)
    plan = plan_import(
        target.id,
        HEADER.encode() + "\r\nrow;dpd;dpd_classic;;0;1;;;;1,00;;;;ż".encode("cp1250"),
        today=TODAY,
        account_ids=None,
    )
    assert plan.problems[0].line == 1 and "UTF-8" in plan.problems[0].message


def test_import_replaces_and_counts_changes(app):
    target = make_list(valid_from=TOMORROW, rows=DPD_BANDS)
    data = csv_bytes(
        "row;dpd;dpd_classic;;0;1000;;;;15,90;;;",
        "row;dpd;dpd_classic;;1001;5000;;;;19,00;;;",
        "row;inpost;inpost_locker_standard;a;0;25000;;;;13,81;;;",
    )
    plan = apply_import(target.id, data, today=TODAY, account_ids=None)
    assert (plan.added, plan.replaced, plan.unchanged, plan.removed) == (1, 1, 1, 1)
    db.session.expire_all()
    assert sorted((r.size_class, r.net) for r in target.rows) == [
        ("", D("15.90")),
        ("", D("19.00")),
        ("A", D("13.81")),
    ]
