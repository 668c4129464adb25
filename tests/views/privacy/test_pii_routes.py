"""G7's meta-test: every route that shows buyer data is tagged `@pii` and writes one access-log row per
entity it showed, in the same request; no route writes or deletes the log; a log that cannot be written
fails the request."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from flask import url_for

import desk.views
from desk.extensions import db
from desk.models import AccessAction
from desk.views.pii import pii_tag
from tests.services.privacy.access_helpers import clear_log, logged
from tests.views.privacy.pii_scan import all_templates, buyer_fields, renders_buyer_fields, view_templates
from tests.views.privacy.pii_seed import CASES, seed_everything

# Routes that hand out buyer data without a template (files and exports): each must be tagged too.
FILE_ROUTES = (
    "issues.attachment", "complaints.file", "closeout.label", "closeout.labels_selected",
    "closeout.packing_list", "closeout.protocol", "ratings.export", "privacy.access_log_export",
    "privacy.access_log_buyers",
)


def test_the_scanner_finds_buyer_fields_through_includes_and_skips_prose():
    assert {"buyer_login", "buyer_phone", "delivery_address"} <= buyer_fields("orders/detail.html")
    assert renders_buyer_fields("orders/index.html")  # through orders/_row.html
    assert renders_buyer_fields("issues/index.html")  # through issues/_row.html
    assert not renders_buyer_fields("ratings/templates.html")  # "{buyer_login}" in a help text only
    assert not renders_buyer_fields("privacy/index.html")
    assert len([t for t in all_templates() if renders_buyer_fields(t)]) >= 15


def test_every_route_rendering_buyer_fields_is_tagged(app):
    untagged = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        shown = sorted(t for t in view_templates(view) if renders_buyer_fields(t))
        if shown and pii_tag(view) is None:
            untagged.append(f"{rule.endpoint} ({rule.rule}) renders {shown}")
    assert untagged == []


def test_file_and_export_routes_are_tagged(app):
    assert [e for e in FILE_ROUTES if pii_tag(app.view_functions[e]) is None] == []


def test_no_route_writes_or_deletes_the_log(app):
    for rule in app.url_map.iter_rules():
        if "access" in rule.endpoint or "access-log" in rule.rule:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    # only the tag's own module writes through the service; no view touches the table itself
    for module in pkgutil.walk_packages(desk.views.__path__, "desk.views."):
        source = inspect.getsource(importlib.import_module(module.name))
        for word in ("AccessLog", "purge_access_log", "record_access"):
            if module.name != "desk.views.pii":
                assert word not in source, (module.name, word)


def test_every_tagged_page_logs_each_entity_it_showed(app, client, login, fake_allegro):
    seeded = seed_everything(app, fake_allegro)
    login(seeded.owner)
    tagged = {rule.endpoint for rule in app.url_map.iter_rules()
              if "GET" in rule.methods and pii_tag(app.view_functions[rule.endpoint])}
    assert tagged - set(CASES) == set(), "a tagged GET route needs a case in pii_seed.CASES"
    for endpoint in sorted(tagged):
        values, expected, action = CASES[endpoint](seeded)
        clear_log()
        response = client.get(url_for(endpoint, **values))
        assert response.status_code == 200, (endpoint, response.status_code)
        response.get_data()  # streamed exports run to their end
        rows = logged()
        shown = sorted((r.entity_type, r.entity_id) for r in rows)
        assert shown == sorted(expected), endpoint
        assert all(r.route == endpoint and r.agent_id == seeded.owner.id for r in rows), endpoint
        assert {r.action for r in rows} == {AccessAction(action)}, endpoint


def test_a_redirect_shows_nothing_and_logs_nothing(app, client, login, fake_allegro):
    seeded = seed_everything(app, fake_allegro)
    login(seeded.owner)
    clear_log()
    response = client.post(url_for("orders.add_note", order_id=seeded.order.id), data={"text": "Zadzwonić"})
    assert response.status_code == 302
    assert logged() == []
    refused = client.post(url_for("orders.add_note", order_id=seeded.order.id), data={"text": ""})
    assert refused.status_code == 422  # the order page again, with the form's error: logged
    assert [(r.entity_type, r.entity_id) for r in logged()] == [
        ("order", seeded.order.id)]


def test_a_search_logs_its_query_and_each_hit(app, client, login, fake_allegro):
    seeded = seed_everything(app, fake_allegro)
    login(seeded.owner)
    clear_log()
    assert client.get(url_for("orders.index", q=seeded.order.buyer_login)).status_code == 200
    rows = logged()
    assert [(r.action, r.entity_id, r.search_query) for r in rows] == [
        (AccessAction.SEARCH, seeded.order.id, seeded.order.buyer_login)]
    assert client.get(url_for("orders.index", q="nikt-taki")).status_code == 200
    last = logged()[-1]
    assert (last.action, last.entity_id, last.search_query) == (AccessAction.SEARCH, None, "nikt-taki")


@pytest.fixture
def log_table_gone(app):
    """The table requests write the log to renamed away for one test (a database that refuses the write)."""
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE access_log_pending RENAME TO access_log_away")
    try:
        yield
    finally:
        db.session.rollback()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE access_log_away RENAME TO access_log_pending")


def test_a_page_whose_access_cannot_be_logged_is_not_served(
    app, client, login, fake_allegro, log_table_gone, monkeypatch
):
    seeded = seed_everything(app, fake_allegro)
    login(seeded.owner)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production: the error page
    response = client.get(url_for("orders.detail", order_id=seeded.order.id))
    assert response.status_code == 500
    assert seeded.order.buyer_login not in response.get_data(as_text=True)


class _Answer:
    """An insert under way that records being read."""

    def __init__(self) -> None:
        self.read = False

    def result(self, timeout=None) -> int:
        self.read = True
        return 1


def test_every_insert_is_read_before_the_request_fails(app):
    """A failed insert fails the request, and the others are still read (their connections go back)."""
    from flask import g

    from desk.services.privacy.access_log_store import Failed
    from desk.views import pii

    tag = pii.PiiTag("order", AccessAction.VIEW, ("identity",), None)
    later = _Answer()
    with app.test_request_context("/orders/1"):
        g.pii_answers = [Failed(OSError("refused")), later]
        with pytest.raises(pii.AccessLogError) as raised:
            pii._wait(tag)
    assert later.read and isinstance(raised.value.__cause__, OSError)


def test_a_view_run_beneath_its_tag_declares_without_logging(app):
    """The view function under `@pii` (`__wrapped__`, the benchmark's baseline) has no viewer: what it
    declares starts no insert; with a viewer the same declaration does."""
    from flask import g

    from desk.services.privacy.access_log import Seen
    from desk.views import pii

    shown = [Seen("order", 1, None, None)]
    with app.test_request_context("/orders/"):
        g.pii_answers, g.pii_viewer = [], None
        pii.revealed("order", shown)
        assert g.pii_answers == []
        g.pii_viewer = pii._viewer()
        pii.revealed("order", shown)
        assert [answer.result(timeout=5) for answer in g.pii_answers] == [1]
