"""The erasure's parts other areas call (retention: pseudonymise_orders, redact_conversations), what a
sync does with erased orders and buyers, and the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models import ErasedOrder, Order, QuarantinedRecord
from desk.models.issue import Issue
from desk.models.rating import Rating
from desk.orm import utcnow
from desk.services.privacy.erasure import erase_buyer, pseudonymise_orders, redact_conversations
from desk.services.privacy.pseudonyms import buyer_pseudonym, login_pseudonym
from desk.services.shared.quarantine import Quarantine
from desk.services.shared.redaction import MARKER, text_marker
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account

NOW = dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def shop(app, fake_allegro):
    account, seller = connect_account(fake_allegro)
    return account, seller


def _sync(account) -> None:
    run = run_sync(get_allegro(), account.id)
    assert run.state == "ok", run.error
    db.session.expire_all()


def _order(allegro_id: str) -> Order:
    return db.session.scalar(select(Order).where(Order.allegro_id == allegro_id))


def test_pseudonymise_orders_keeps_the_sale_and_survives_a_resync(shop, fake_allegro):
    account, seller = shop
    form = fake_allegro.state.add_checkout_form(seller, messageToSeller="Proszę o fakturę, Jan Kowalski")
    kept = fake_allegro.state.add_checkout_form(seller)
    fake_allegro.state.add_issue(seller, checkout_form_id=form["id"], text="Paczka nie doszła")
    _sync(account)
    order = _order(form["id"])
    lines = [(li.offer_name, li.price) for li in order.lines]
    total, login = order.total_amount, order.buyer_login

    result = pseudonymise_orders(order_ids=[order.id], now=NOW, reason="retention")
    db.session.expire_all()

    order = _order(form["id"])
    assert result.counts["order"] == 1 and result.counts["erased_order"] == 1
    assert order.buyer_login == login_pseudonym(account.id, login)
    assert order.buyer_allegro_id == buyer_pseudonym(account.id, form["buyer"]["id"])
    assert (order.buyer_first_name, order.buyer_phone) == (MARKER, MARKER)
    assert order.message_to_seller == text_marker(NOW)
    address = order.delivery_address
    assert address["country_code"] == "PL" and address["street"] == address["city"] == MARKER
    assert (order.total_amount, [(li.offer_name, li.price) for li in order.lines]) == (total, lines)
    issue = db.session.scalar(select(Issue).where(Issue.order_id == order.id))
    assert issue.messages[0].text == text_marker(NOW) and issue.buyer_login == order.buyer_login
    assert _order(kept["id"]).buyer_login == kept["buyer"]["login"]  # another order stays

    fake_allegro.state.update_checkout_form(form["id"], event_type="BUYER_MODIFIED")
    _sync(account)
    again = _order(form["id"])
    assert again.revision == fake_allegro.state.checkout_forms[form["id"]]["revision"]  # it did sync
    assert again.buyer_login == login_pseudonym(account.id, login) and again.buyer_first_name == MARKER
    assert pseudonymise_orders(order_ids=[order.id], now=NOW, reason="retention").counts == {}


def test_redact_conversations_removes_texts_and_keeps_who_and_when(shop, fake_allegro):
    account, seller = shop
    form = fake_allegro.state.add_checkout_form(seller)
    fake_allegro.state.add_issue(seller, checkout_form_id=form["id"], text="Zdjęcie uszkodzonej paczki")
    _sync(account)
    issue = db.session.scalar(select(Issue))
    status, login, opened = issue.status, issue.buyer_login, issue.opened_at

    result = redact_conversations(issue_ids=[issue.id], now=NOW)
    db.session.expire_all()

    issue = db.session.scalar(select(Issue))
    assert result.counts["issue_message"] == 1
    assert issue.messages[0].text == text_marker(NOW)
    assert (issue.status, issue.buyer_login, issue.opened_at) == (status, login, opened)
    assert db.session.scalar(select(ErasedOrder)) is None  # texts only: the order is not erased
    assert redact_conversations(issue_ids=[issue.id], now=NOW).counts == {}


def test_an_erased_buyers_old_order_found_later_is_erased_and_a_new_purchase_is_not(shop, fake_allegro):
    account, seller = shop
    first = fake_allegro.state.add_checkout_form(seller)
    buyer = fake_allegro.state.checkout_forms[first["id"]]["buyer"]
    _sync(account)
    erase_buyer(account_ids=[account.id], buyer_allegro_id=buyer["id"], now=utcnow(), reason="request")
    db.session.expire_all()
    assert _order(first["id"]).buyer_login == login_pseudonym(account.id, buyer["login"])

    # An order the desk never held, bought before the erasure (a late sweep finds it) ...
    old = fake_allegro.state.add_checkout_form(seller, buyer=buyer)
    old_stored = dict(fake_allegro.state.checkout_forms[old["id"]])
    bought = dt.datetime.fromisoformat(old_stored["lineItems"][0]["boughtAt"].replace("Z", "+00:00"))
    earlier = (bought - dt.timedelta(days=2)).isoformat().replace("+00:00", "Z")
    fake_allegro.state.update_checkout_form(
        old["id"], event_type="BUYER_MODIFIED",
        lineItems=[{**item, "boughtAt": earlier} for item in old_stored["lineItems"]],
    )
    # ... and a purchase after the erasure: new processing, stored as it is.
    later = fake_allegro.state.add_checkout_form(seller, buyer=buyer)
    _sync(account)
    assert _order(old["id"]).buyer_login == login_pseudonym(account.id, buyer["login"])
    assert _order(old["id"]).buyer_last_name == MARKER
    assert _order(later["id"]).buyer_login == buyer["login"]
    rated = fake_allegro.state.add_rating(seller, checkout_form_id=first["id"], comment="Super, Jan")
    _sync(account)
    rating = db.session.scalar(select(Rating).where(Rating.allegro_id == rated["id"]))
    assert rating.buyer_allegro_id == buyer_pseudonym(account.id, buyer["id"])
    assert rating.comment.startswith("[usunięto")


def test_the_cli_erases_with_counts_and_a_dry_run(shop, fake_allegro, runner):
    account, seller = shop
    form = fake_allegro.state.add_checkout_form(seller)
    buyer_id = form["buyer"]["id"]
    _sync(account)
    dry = runner.invoke(args=["desk", "privacy", "erase", "--account", account.name, "--buyer", buyer_id,
                              "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would change:" in dry.output and "order: 1" in dry.output
    db.session.expire_all()
    assert _order(form["id"]).buyer_login == form["buyer"]["login"]
    done = runner.invoke(args=["desk", "privacy", "erase", "--account", str(account.id), "--buyer", buyer_id])
    assert done.exit_code == 0, done.output
    assert "changed:" in done.output and "erased_buyer: 2" in done.output
    assert buyer_pseudonym(account.id, buyer_id) in done.output and buyer_id not in done.output
    db.session.expire_all()
    assert _order(form["id"]).buyer_login == login_pseudonym(account.id, form["buyer"]["login"])
    unknown = runner.invoke(args=["desk", "privacy", "erase", "--account", "nope", "--buyer", buyer_id])
    assert unknown.exit_code != 0


def test_a_quarantined_record_of_erased_data_keeps_nothing_of_it(shop, fake_allegro):
    account, seller = shop
    form = fake_allegro.state.add_checkout_form(seller)
    buyer = form["buyer"]
    _sync(account)
    erase_buyer(account_ids=[account.id], buyer_allegro_id=buyer["id"], now=utcnow(), reason="request")
    quarantine = Quarantine(account.id, "messages")
    thread = {"id": "T1", "interlocutor": {"login": buyer["login"]}, "text": "Jan Kowalski, 600100200"}
    raw = json.dumps(thread)
    quarantine.set_aside("thread", "T1", raw=raw, error=f"ValueError: bad login {buyer['login']}")
    quarantine.set_aside("checkout_form", form["id"], raw=json.dumps(form), error="ValueError: bad")
    quarantine.set_aside("thread", "T2", raw='{"id": "T2", "text": "someone else"}', error="ValueError: x")
    db.session.commit()
    rows = {row.allegro_id: row for row in db.session.scalars(select(QuarantinedRecord))}
    assert (rows["T1"].raw, rows["T1"].error) == (MARKER, f"{MARKER} ValueError")
    assert rows[form["id"]].raw == MARKER
    assert "someone else" in rows["T2"].raw
