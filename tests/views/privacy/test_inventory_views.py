"""The owners' inventory page shows every data class; its CSV opens in Polish Excel."""

from __future__ import annotations

import csv
import io

from flask import url_for

from desk.models import Role
from desk.services.privacy import inventory
from tests.factories import make_agent


def test_owner_sees_every_class_in_polish(client, login):
    login(make_agent(role=Role.OWNER))
    response = client.get(url_for("privacy.inventory"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for word in ("Tożsamość", "Dane kontaktowe", "Adres", "Tekst swobodny", "Rachunek bankowy", "Plik"):
        assert word in html
    for key in inventory.CLASSES:
        assert f'data-class="{key}"' in html
    assert "buyer_login" in html and "Zastępowane pseudonimem z kluczem" in html
    assert "Inwentarz danych" in client.get(url_for("privacy.index")).get_data(as_text=True)


def test_csv_has_a_bom_semicolons_and_every_row(client, login):
    login(make_agent(role=Role.OWNER))
    response = client.get(url_for("privacy.inventory_csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Tabela", "Kolumna", "Kategoria danych"]
    assert len(rows) - 1 == len(inventory.inventory_rows())
    assert ["order", "buyer_phone", "Dane kontaktowe"] in [row[:3] for row in rows]


def test_agents_cannot_open_it(client, login):
    login(make_agent(role=Role.AGENT))
    assert client.get(url_for("privacy.inventory")).status_code == 403
    assert client.get(url_for("privacy.inventory_csv")).status_code == 403
