"""Breach forensics over the access log (G9): what an agent saw between dates, who saw a buyer, counts per
data class and per seller account, and the CSV exports."""
from __future__ import annotations

import csv
import datetime as dt
import io

from desk.services.privacy import access_queries as queries
from desk.services.privacy.access_log import record_access
from desk.services.privacy.access_queries import AccessFilters
from desk.services.privacy.pseudonyms import buyer_pseudonym
from tests.services.privacy.access_helpers import T0, log_views, make_account, make_order, seen, viewer

DAY = dt.timedelta(days=1)
ORDER_PAGE = ("identity", "contact", "address", "free_text")


def seed_breach():
    """Agent 3 views 37 orders of 30 buyers on two accounts and exports 5 other buyers' orders; agent 4
    sees one more buyer; agent 3 also looked at something the day before."""
    shop_a, shop_b = make_account("Sklep A"), make_account("Sklep B")
    buyers = [f"buyer-{n}" for n in range(30)]
    # each buyer on one account (the log's per-account keys then name each buyer once)
    orders = [make_order(shop_a if n % 30 < 20 else shop_b, buyer=buyers[n % 30]) for n in range(37)]
    log_views(orders, agent_id=3, at=T0, classes=ORDER_PAGE)
    exported = [make_order(shop_b, buyer=f"export-{n}") for n in range(5)]
    record_access(viewer=viewer(3, route="ratings.export"), action="export", seen=[seen(o) for o in exported],
                  classes=("identity",), now=T0 + dt.timedelta(hours=2))
    log_views([make_order(shop_a, buyer="someone-else")], agent_id=4, at=T0)
    log_views([make_order(shop_a, buyer="yesterday")], agent_id=3, at=T0 - DAY)
    return shop_a, shop_b, orders, exported


def test_what_an_agent_saw_between_dates(app):
    shop_a, shop_b, orders, exported = seed_breach()
    window = AccessFilters(agent_id=3, start=T0, end=T0 + DAY)
    assert len(queries.distinct_buyers(window)) == 35
    assert len(queries.seen_by_agent(3, T0, T0 + DAY)) == 42
    counts = {c.data_class: (c.rows, c.buyers) for c in queries.class_counts(window)}
    assert counts["identity"] == (42, 35)
    assert counts["contact"] == counts["address"] == counts["free_text"] == (37, 30)
    assert counts["bank"] == counts["file"] == (0, 0)
    per_account = {c.account_name: (c.rows, c.buyers, c.entities) for c in queries.account_counts(window)}
    assert per_account == {"Sklep A": (27, 20, 27), "Sklep B": (15, 15, 15)}


def test_who_saw_a_buyer(app):
    shop_a, _shop_b, orders, _exported = seed_breach()
    log_views([make_order(shop_a, buyer="buyer-0")], agent_id=4, at=T0 + DAY)
    buyer_0 = buyer_pseudonym(shop_a.id, "buyer-0")  # the log names buyers by the account's pseudonym
    seen_by = queries.who_saw_buyer(buyer_0)
    assert [(r.agent_id, r.entity_id) for r in seen_by] == [
        (3, orders[0].id), (3, orders[30].id), (4, seen_by[-1].entity_id)]
    assert len(queries.who_saw_buyer(buyer_0, start=T0 + DAY)) == 1


def test_buyers_are_found_by_login_or_allegro_id(app):
    shop_a, _shop_b, orders, _exported = seed_breach()
    refs = queries.buyer_refs_for("login_buyer-1")
    assert buyer_pseudonym(shop_a.id, "buyer-1") in refs
    page = queries.find_access(AccessFilters(buyer_refs=refs))
    assert sorted(r.entity_id for r in page.rows) == sorted([orders[1].id, orders[31].id])
    assert queries.find_access(AccessFilters(buyer_refs=queries.buyer_refs_for("nobody"))).rows == []
    other = make_account()
    # on an account that never saw the buyer the text only names itself (as a key or an id there)
    assert queries.buyer_refs_for("login_buyer-1", account_ids={other.id}) == tuple(
        sorted({"login_buyer-1", buyer_pseudonym(other.id, "login_buyer-1")}))


def test_by_entity_and_by_address(app):
    shop_a, _shop_b, orders, _exported = seed_breach()
    record_access(viewer=viewer(9, ip="203.0.113.9"), action="view", seen=[seen(orders[5])],
                  classes=ORDER_PAGE, now=T0 + DAY)
    assert [r.agent_id for r in queries.who_saw_entity("order", orders[5].id)] == [3, 9]
    assert [r.entity_id for r in queries.seen_from_ip("203.0.113.9")] == [orders[5].id]


def test_pages_go_newest_first_without_gaps(app):
    seed_breach()
    everything = AccessFilters()
    first = queries.find_access(everything, per_page=20)
    second = queries.find_access(everything, before=int(first.next_cursor), per_page=20)
    third = queries.find_access(everything, before=int(second.next_cursor), per_page=20)
    ids = [r.id for r in first.rows + second.rows + third.rows]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 44
    assert third.next_cursor is None


def test_csv_export_opens_in_polish_excel(app):
    account = make_account()
    order = make_order(account, buyer="żółw-1")
    record_access(viewer=viewer(), action="search", seen=[seen(order)], classes=("identity",), now=T0,
                  search_query="=HYPERLINK(\"x\") Łódź")
    text = "".join(queries.export_csv(AccessFilters()))
    assert text.startswith("\ufeff")
    header, row = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert header == list(queries.CSV_HEADER)
    record = dict(zip(header, row, strict=True))
    turtle = buyer_pseudonym(account.id, "żółw-1")
    assert record["buyer_ref"] == turtle and record["action"] == "search"
    assert record["search_query"] == "'=HYPERLINK(\"x\") Łódź"  # never a formula
    assert record["at_utc"] == "2026-11-02 10:00:00"
    buyers = queries.buyers_csv(AccessFilters())
    assert buyers.startswith("\ufeff") and list(csv.reader(io.StringIO(buyers[1:]), delimiter=";")) == [
        ["buyer_ref", "rows"], [turtle, "1"]]


def test_csv_export_streams_in_batches(app, monkeypatch):
    monkeypatch.setattr(queries, "EXPORT_BATCH", 3)
    account = make_account()
    log_views([make_order(account) for _ in range(7)])
    chunks = list(queries.export_csv(AccessFilters()))
    assert len(chunks) == 1 + 3  # the header, then 3 + 3 + 1 rows
    assert sum(chunk.count("\r\n") for chunk in chunks) == 8
