"""The owners' retention page: floors and ceilings in Polish, a refused ceiling, preview then activation."""

from __future__ import annotations

from flask import url_for

from desk.models import Role
from desk.services.privacy import retention_policy
from desk.services.privacy.retention_policy import DataClass
from desk.wiring.retention import use_retention_ports
from tests.factories import make_agent
from tests.services.privacy import retention_data as data
from tests.services.privacy.retention_fakes import FakeEngine


def _form(**changes) -> dict[str, str]:
    values = {data_class.value: str(retention_policy.RULES[data_class].default) for data_class in DataClass}
    return values | changes


def test_owner_sees_floors_and_ceilings_and_a_ceiling_below_the_floor_is_refused(app, client, login):
    shop = data.account("Sklep Retencja", active=False)
    login(make_agent(role=Role.OWNER))
    html = client.get(url_for("privacy.retention_page")).get_data(as_text=True)
    assert "Retencja" in html and "Sklep Retencja" in html
    assert "od końca roku doręczenia lub anulowania" in html and "Retencja nieaktywna" in html

    response = client.post(
        url_for("privacy.retention_ceilings", account_id=shop.id), data=_form(order_identity="1")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Okres nie może być krótszy niż minimum prawne (lata od końca roku: 2)." in html
    assert retention_policy.account_policy(shop.id)[DataClass.ORDER_IDENTITY].ceiling == 3

    response = client.post(
        url_for("privacy.retention_ceilings", account_id=shop.id), data=_form(presale_threads="6")
    )
    assert response.status_code == 302
    assert retention_policy.account_policy(shop.id)[DataClass.PRESALE_THREADS].ceiling == 6


def test_activation_needs_a_preview_which_counts_what_would_be_done(app, client, login):
    shop = data.account("Sklep Podgląd", active=False)
    for _ in range(3):
        data.order(shop.id, bought=data.warsaw(2020, 1, 5), delivered=data.warsaw(2020, 1, 8))
    engine = FakeEngine()
    use_retention_ports(app, engine.ports())
    login(make_agent(role=Role.OWNER))

    client.post(url_for("privacy.retention_activation", account_id=shop.id), data={"active": "1"})
    assert not retention_policy.account_policy(shop.id).active  # no preview yet

    client.post(url_for("privacy.retention_preview", account_id=shop.id))
    html = client.get(url_for("privacy.retention_page", account=shop.id)).get_data(as_text=True)
    assert "Do pseudonimizacji: 3 zamówienia;" in html
    assert {dry for _, _, dry in engine.calls} == {True}

    client.post(url_for("privacy.retention_activation", account_id=shop.id), data={"active": "1"})
    assert retention_policy.account_policy(shop.id).active
    html = client.get(url_for("privacy.retention_page", account=shop.id)).get_data(as_text=True)
    assert "Retencja aktywna" in html


def test_agents_cannot_reach_the_retention_page(app, client, login):
    login(make_agent(role=Role.AGENT))
    assert client.get(url_for("privacy.retention_page")).status_code == 403
