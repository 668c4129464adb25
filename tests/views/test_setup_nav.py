"""The desk's set-up pages (connected accounts, synchronisation, agents) share one top-bar entry (Konta)
with tabs between them; agents see only the tabs open to them."""

from __future__ import annotations

import re

import pytest
from flask import url_for

from desk.models import Role
from tests.factories import make_agent


def _top_bar(html: str) -> list[str]:
    nav = re.search(r'<nav class="nav".*?</nav>', html, re.S).group(0)
    labels = re.findall(r"<a [^>]*>(.*?)</a>", nav, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", label).strip() for label in labels]


def _tabs(html: str) -> list[str]:
    tabs = re.search(r'<nav class="tabs setup-tabs".*?</nav>', html, re.S).group(0)
    return [text.strip() for text in re.findall(r"<a [^>]*>(.*?)</a>", tabs, re.S)]


@pytest.mark.parametrize("endpoint", ["accounts.index", "sync.index", "admin.index"])
def test_each_setup_page_has_the_tabs_and_one_top_bar_entry(client, login, endpoint):
    login(make_agent(role=Role.ADMIN))
    html = client.get(url_for(endpoint)).get_data(as_text=True)
    bar = _top_bar(html)
    assert "Konta" in bar and not {"Synchronizacja", "Agenci"} & set(bar)
    assert re.search(r'class="active" aria-current="page">Konta', html)  # the entry is lit on every tab
    assert _tabs(html) == ["Konta", "Synchronizacja", "Agenci"]


def test_an_agent_has_no_agents_tab(client, login):
    login(make_agent(role=Role.AGENT))
    html = client.get(url_for("sync.index")).get_data(as_text=True)
    assert _tabs(html) == ["Konta", "Synchronizacja"]


def test_the_admin_top_bar_fits_a_laptop(client, login):
    """Eleven areas were too many for 1366 px: the parcels, money and set-up families keep it at seven."""
    login(make_agent(role=Role.ADMIN))
    assert _top_bar(client.get(url_for("orders.index")).get_data(as_text=True)) == [
        "Zamówienia", "Rozmowy z kupującymi", "Oceny", "Przesyłki", "Rozliczenia", "RODO", "Konta"]


@pytest.mark.parametrize("endpoint", ["parcels.index", "shipping.price_lists", "closeout.index"])
def test_parcels_price_lists_and_close_out_are_tabs_of_one_entry(client, login, endpoint):
    login(make_agent(role=Role.OWNER))
    html = client.get(url_for(endpoint), follow_redirects=True).get_data(as_text=True)
    tabs = re.search(r'<nav class="tabs parcels-family-tabs".*?</nav>', html, re.S).group(0)
    assert [t.strip() for t in re.findall(r"<a [^>]*>(.*?)</a>", tabs, re.S)] == [
        "Przesyłki", "Cenniki", "Zamknięcie dnia"]
    assert re.search(r'class="active" aria-current="page">Przesyłki', html)
