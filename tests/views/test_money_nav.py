"""The broker's money pages share one top-bar entry (Rozliczenia) and tabs between them, so the top bar
fits a laptop screen."""

from __future__ import annotations

import re

import pytest
from flask import url_for

from desk.models import Role
from tests.factories import make_agent

TABS = ("Rozliczenia", "Faktury", "Dopłaty", "Pobrania", "Reklamacje")


def _top_bar(html: str) -> list[str]:
    nav = re.search(r'<nav class="nav".*?</nav>', html, re.S).group(0)
    labels = re.findall(r"<a [^>]*>(.*?)</a>", nav, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", label).strip() for label in labels]


def _tabs(html: str) -> tuple[list[str], list[str]]:
    tabs = re.search(r'<nav class="tabs money-tabs".*?</nav>', html, re.S).group(0)
    labels = [text.strip() for text in re.findall(r"<a [^>]*>(.*?)</a>", tabs, re.S)]
    active = [text.strip() for text in re.findall(r'<a [^>]*class="active"[^>]*>(.*?)</a>', tabs, re.S)]
    return labels, active


@pytest.mark.parametrize(
    ("endpoint", "tab"),
    [("billing.index", "Rozliczenia"), ("invoices.index", "Faktury"), ("surcharges.index", "Dopłaty"),
     ("cod.index", "Pobrania"), ("complaints.index", "Reklamacje")],
)
def test_each_money_page_has_the_tabs_and_one_top_bar_entry(client, login, endpoint, tab):
    login(make_agent(role=Role.ADMIN))
    html = client.get(url_for(endpoint)).get_data(as_text=True)
    bar = _top_bar(html)
    assert "Rozliczenia" in bar and not {"Faktury", "Dopłaty", "Pobrania", "Reklamacje"} & set(bar)
    assert re.search(r'class="active" aria-current="page">Rozliczenia', html)
    labels, active = _tabs(html)
    assert tuple(labels) == TABS and active == [tab]


def test_the_home_page_still_lists_every_money_area(client, login):
    login(make_agent(role=Role.ADMIN))
    html = client.get(url_for("home.index")).get_data(as_text=True)
    for label in TABS:
        assert f"<strong>{label}</strong>" in html
