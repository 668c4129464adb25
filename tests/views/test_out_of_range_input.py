"""Numbers and days typed into addresses and forms are bounded where they are read: never a 500."""

from __future__ import annotations

import pytest

from desk.models import Role
from desk.views.query_args import db_id, parse_day, parse_id
from tests.factories import make_agent

HUGE = "9" * 25  # beyond 64 bits
JUST_OVER = str(2**63)


def test_ids_are_bounded_to_what_the_database_holds():
    assert parse_id(str(2**63 - 1)) == 2**63 - 1
    for text in (JUST_OVER, HUGE, "0", "-1", "1e3", "١٢", "", None):
        assert parse_id(text) is None
    with pytest.raises(ValueError):
        db_id(JUST_OVER)


def test_days_are_bounded():
    assert parse_day("2024-05-31").isoformat() == "2024-05-31"
    assert parse_day("31.05.2024").isoformat() == "2024-05-31"
    assert parse_day("9999-12-31") is None and parse_day("0001-01-01") is None


@pytest.fixture
def admin(app, login):
    return login(make_agent(role=Role.ADMIN))


@pytest.mark.parametrize("path", ["/orders/", "/ratings/", "/ratings/dashboard"])
@pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=0001-01-01", f"account={HUGE}"])
def test_lists_take_out_of_range_filters(client, admin, path, query):
    assert client.get(f"{path}?{query}").status_code == 200


@pytest.mark.parametrize("path", [
    f"/orders/{JUST_OVER}", f"/issues/{JUST_OVER}", f"/ratings/{JUST_OVER}", f"/accounts/{JUST_OVER}",
    f"/admin/agents/{HUGE}",
])
def test_ids_beyond_64_bits_are_not_found(client, admin, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Nie znaleziono" in response.get_data(as_text=True)


def test_sync_history_and_issue_filters_take_huge_numbers(client, admin):
    assert client.get(f"/sync/?before={HUGE}").status_code == 200
    assert client.get(f"/issues/?account={HUGE}").status_code == 200


def test_forms_drop_ids_beyond_64_bits(client, admin):
    preview = client.post("/orders/bulk/preview", data={"order_ids": [JUST_OVER, HUGE], "status": "SENT"})
    assert preview.status_code in (200, 302, 422)
    created = client.post("/admin/agents", data={
        "email": "nowa@sklep.pl", "name": "Nowa", "role": "agent", "account_ids": [HUGE],
        "password": "długie hasło do sklepu 2026",
    })
    assert created.status_code in (302, 422)
