"""`make run`: the demo account shows cash on delivery due this week, paid last week, not yet remitted by
the carrier and on its way, all made through the desk's own services (first run only)."""

from __future__ import annotations

import datetime as dt

import pytest

from desk import demo_cod
from desk.models.cod import CodState
from desk.services.billing.cod import remittances, report
from tests.services.billing.cod_helpers import make_account


@pytest.mark.parametrize(
    ("now", "week"),
    [
        # Wednesday: Wednesday to Friday of this week
        (dt.datetime(2026, 12, 9, 9, 0, tzinfo=dt.UTC), (dt.date(2026, 12, 9), dt.date(2026, 12, 11))),
        # Saturday: the first days of the next week
        (dt.datetime(2026, 12, 12, 9, 0, tzinfo=dt.UTC), (dt.date(2026, 12, 14), dt.date(2026, 12, 15))),
    ],
)
def test_the_demo_account_has_cod_due_this_week(app, now, week):
    account = make_account("Sklep demo")
    assert demo_cod.seed(account.id, now) == len(demo_cod.PLAN)
    summary = report.summary(account.id)
    assert summary.count(CodState.DUE) + summary.count(CodState.RECEIVED) == 4
    assert summary.count(CodState.PAID) == 2 and summary.count(CodState.COLLECTED) == 1
    assert summary.count(CodState.TO_COLLECT) == 1
    coming = report.upcoming(account.id, now.date())
    assert coming and all(week[0] <= day <= week[1] for day, _amount, _count in coming)
    assert sum(count for _day, _amount, count in coming) == 4
    ageing = report.ageing({account.id}, now.date(), days=5)
    assert len(ageing["not_received"]) == 1 and ageing["unpaid"] == []
    assert [line.waybill for line in remittances.review_lines()] == ["523000099999999999999999"]
    assert demo_cod.seed(account.id, now) == 0  # the next start adds nothing
