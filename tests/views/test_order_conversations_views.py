"""An order's conversations on its page, and writing to its buyer: one message (Allegro's rules warn,
the agent may confirm) or the same text to the buyers of several orders (refused for a notified
kind), through the fake Allegro's Message Center."""

from __future__ import annotations

import io
import re

import pytest
from flask import url_for
from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, OutboxMessage
from desk.models.issue import COMMON, Issue
from desk.services import outbox_kinds
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account, make_agent, make_thread
from tests.services.issues.test_factories import make_issue

NEW_MESSAGE = "POST /messaging/messages"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
INVOICE_TEXT = "Dzień dobry, w załączeniu przesyłamy fakturę do zamówienia."


@pytest.fixture
def shop(app, fake_allegro):
    return connect_account(fake_allegro, name="Sklep A")


@pytest.fixture
def agent(app, shop, login):
    return login(make_agent(name="Ewa Agentka", accounts=[shop[0]]))


def add_orders(fake, shop, count: int = 1) -> list[Order]:
    account, seller = shop
    forms = [fake.state.add_checkout_form(seller) for _ in range(count)]
    run_sync(get_allegro(), account.id)
    ids = [form["id"] for form in forms]
    found = {o.allegro_id: o for o in db.session.scalars(select(Order).where(Order.allegro_id.in_(ids)))}
    return [found[i] for i in ids]


def page(client, endpoint, **values) -> str:
    response = client.get(url_for(endpoint, **values))
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def path(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=False, **values)


def message_key(html: str, order: Order) -> str:
    form = html[html.index(f'action="{path("orders.write_to_buyer", order_id=order.id)}'):]
    return re.search(r'name="idempotency_key" value="([^"]+)"', form).group(1)


def section(html: str) -> str:
    return html.split('id="conversations"', 1)[1].split("</section>", 1)[0]


# --- the order's conversations ------------------------------------------------------------------


def test_order_page_lists_every_conversation_about_the_order(client, fake_allegro, shop, agent):
    order, other = add_orders(fake_allegro, shop, 2)
    account_id = shop[0].id
    problem = make_thread(account_id, order=order, sub_type="MISSING_PRODUCT_ELEMENTS")
    question = make_thread(account_id, type=COMMON, sub_type=None, order=order, subject="Kiedy wysyłka?")
    dispute = make_issue(account_id, order_id=order.id, checkout_form_id=order.allegro_id)
    # linked by Allegro's order id only (the desk had not linked it to the order row)
    claim = make_issue(account_id, type="CLAIM", checkout_form_id=order.allegro_id)
    elsewhere = make_thread(account_id, order=other)

    html = page(client, "orders.detail", order_id=order.id)
    assert "Rozmowy o tym zamówieniu" in html
    listed = section(html)
    for conversation in (problem, question, dispute, claim):
        assert path("issues.detail", issue_id=conversation.id) in listed
    assert path("issues.detail", issue_id=elsewhere.id) not in listed
    for text in ("Problem z zakupem", "Brak elementów produktu", "Pytanie kupującego", "Kiedy wysyłka?",
                 "Dyskusja", "Reklamacja", "Otwarty", "Czeka na naszą odpowiedź"):
        assert text in listed, text
    assert listed.count('class="order-conversation"') == 4


def test_an_order_without_conversations_offers_the_message_form(client, fake_allegro, shop, agent):
    (order,) = add_orders(fake_allegro, shop)
    html = page(client, "orders.detail", order_id=order.id)
    assert "Nie ma jeszcze rozmów o tym zamówieniu." in html
    form = html.split('id="message"', 1)[1].split("</section>", 1)[0]
    assert "Napisz do kupującego" in form
    assert 'maxlength="2000"' in form and "0 / 2000" in form and 'data-char-counter="f-text-counter"' in form
    assert 'accept=".jpg,.jpeg,.png,.pdf,.gif,.bmp,.tif,.tiff"' in form and "do 5 MB" in form
    assert 'name="idempotency_key"' in form and "Rozumiem, wyślij mimo to" not in form
    assert "js/messages.js" in html


def test_the_section_in_english(client, fake_allegro, shop, agent):
    (order,) = add_orders(fake_allegro, shop)
    make_thread(shop[0].id, order=order)
    client.post("/locale", data={"locale": "en", "next": "/"})
    html = page(client, "orders.detail", order_id=order.id)
    assert "Conversations about this order" in html and "Post-purchase problem" in html
    assert "Write to the buyer" in html


# --- one message to the buyer -------------------------------------------------------------------


def test_writing_to_the_buyer_opens_the_new_thread(client, fake_allegro, shop, agent):
    (order,) = add_orders(fake_allegro, shop)
    data = {"idempotency_key": message_key(page(client, "orders.detail", order_id=order.id), order),
            "text": "Dzień dobry, czy mogą Państwo podać numer mieszkania?",
            "attachments": (io.BytesIO(PNG), "mapa.png")}
    response = client.post(url_for("orders.write_to_buyer", order_id=order.id), data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302
    sent = fake_allegro.state.messaging_sent(shop[1])
    assert len(sent) == 1 and sent[0]["order_id"] == order.allegro_id
    assert sent[0]["recipient_login"] == order.buyer_login and len(sent[0]["attachment_ids"]) == 1
    thread = db.session.scalar(select(Issue).where(Issue.allegro_id == sent[0]["thread_id"]))
    assert thread is not None
    assert response.headers["Location"].startswith(path("issues.detail", issue_id=thread.id))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Wysłano wiadomość do kupującego." in html and "numer mieszkania" in html


def test_the_same_form_posted_twice_sends_once(client, fake_allegro, shop, agent):
    (order,) = add_orders(fake_allegro, shop)
    data = {"idempotency_key": message_key(page(client, "orders.detail", order_id=order.id), order),
            "text": "Dzień dobry, prosimy o kontakt w sprawie koloru."}
    for _ in range(2):
        assert client.post(url_for("orders.write_to_buyer", order_id=order.id), data=data).status_code == 302
    assert len(fake_allegro.state.messaging_sent(shop[1])) == 1


def test_a_notified_kind_of_text_warns_and_sends_only_when_confirmed(client, fake_allegro, shop, agent):
    (order,) = add_orders(fake_allegro, shop)
    key = message_key(page(client, "orders.detail", order_id=order.id), order)
    response = client.post(url_for("orders.write_to_buyer", order_id=order.id),
                           data={"idempotency_key": key, "text": INVOICE_TEXT})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Wiadomość nie została wysłana" in html and "faktura lub paragon" in html
    assert f">{INVOICE_TEXT}</textarea>" in html  # the text is kept
    assert 'name="acknowledged" value="1"' in html and "Rozumiem, wyślij mimo to" in html
    assert fake_allegro.state.messaging_sent(shop[1]) == []

    confirmed = {"idempotency_key": message_key(html, order), "text": INVOICE_TEXT, "acknowledged": "1"}
    assert client.post(url_for("orders.write_to_buyer", order_id=order.id), data=confirmed).status_code == 302
    client.post(url_for("orders.write_to_buyer", order_id=order.id), data=confirmed)  # a double click
    assert [m["text"] for m in fake_allegro.state.messaging_sent(shop[1])] == [INVOICE_TEXT]


def test_an_empty_message_comes_back_in_polish(client, fake_allegro, shop, agent):
    (order,) = add_orders(fake_allegro, shop)
    response = client.post(url_for("orders.write_to_buyer", order_id=order.id),
                           data={"idempotency_key": "k-1", "text": "   "})
    assert response.status_code == 422
    assert "Napisz treść wiadomości" in response.get_data(as_text=True)
    assert fake_allegro.state.request_count(NEW_MESSAGE) == 0


def test_an_order_of_another_account_cannot_be_written_about(client, fake_allegro, shop, agent):
    other = connect_account(fake_allegro, name="Sklep B")
    (order,) = add_orders(fake_allegro, other)
    response = client.post(url_for("orders.write_to_buyer", order_id=order.id),
                           data={"idempotency_key": "k-2", "text": "Dzień dobry"})
    assert response.status_code == 404
    assert fake_allegro.state.request_count(NEW_MESSAGE) == 0


# --- the same text to several buyers ------------------------------------------------------------


def test_orders_list_offers_the_bulk_message(client, fake_allegro, shop, agent):
    add_orders(fake_allegro, shop)
    html = page(client, "orders.index")
    assert "Wiadomość do kupujących" in html
    assert f'formaction="{path("orders.bulk_message")}"' in html and 'maxlength="2000"' in html


def test_bulk_message_writes_to_each_buyer_once(client, fake_allegro, shop, agent):
    orders = add_orders(fake_allegro, shop, 3)
    data = {"order_ids": [str(o.id) for o in orders[:2]], "text": "Dzień dobry, w sobotę sklep nieczynny.",
            "idempotency_key": "bulk-1", "back": "/orders/"}
    response = client.post(url_for("orders.bulk_message"), data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/orders/"
    assert "Wysłano do 1 z 2 kupujących" in client.get("/orders/").get_data(as_text=True)
    client.post(url_for("orders.bulk_message"), data=data)  # the same form again
    outbox_kinds.deliver_due(get_allegro())  # the outbox job sends the rest, paced
    sent = fake_allegro.state.messaging_sent(shop[1])
    assert sorted(m["order_id"] for m in sent) == sorted(o.allegro_id for o in orders[:2])


def test_bulk_message_of_a_notified_kind_is_refused_whole(client, fake_allegro, shop, agent):
    orders = add_orders(fake_allegro, shop, 2)
    data = {"order_ids": [str(o.id) for o in orders], "idempotency_key": "bulk-2", "back": "/orders/",
            "text": "Paczka została wysłana, numer przesyłki znajdą Państwo w zamówieniu."}
    response = client.post(url_for("orders.bulk_message"), data=data)
    assert response.status_code == 302
    html = client.get("/orders/").get_data(as_text=True)
    assert "Nic nie zostało wysłane" in html
    assert "zamówienie wysłano" in html and "numer przesyłki lub jej status" in html
    assert fake_allegro.state.request_count(NEW_MESSAGE) == 0


def test_bulk_message_without_a_selection_says_why(client, fake_allegro, shop, agent):
    add_orders(fake_allegro, shop)
    client.post(url_for("orders.bulk_message"), data={"text": "Dzień dobry", "idempotency_key": "bulk-3"})
    assert "Zaznacz zamówienia" in client.get("/orders/").get_data(as_text=True)


def test_a_refused_message_stays_on_the_order_page_with_its_files(client, fake_allegro, shop, agent):
    (order,) = add_orders(fake_allegro, shop)
    refusal = {"errors": [{"code": "VALIDATION_ERROR", "message": "x", "userMessage": "Chwilowy błąd"}]}
    fake_allegro.state.fail_next(NEW_MESSAGE, 422, body=refusal)
    data = {"idempotency_key": message_key(page(client, "orders.detail", order_id=order.id), order),
            "text": "Dzień dobry, dołączamy instrukcję montażu.",
            "attachments": (io.BytesIO(PNG), "instrukcja.png")}
    response = client.post(url_for("orders.write_to_buyer", order_id=order.id), data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 422
    html = page(client, "orders.detail", order_id=order.id)
    assert "Nie wysłano:" in html and "dołączamy instrukcję montażu" in html and "instrukcja.png" in html
    assert fake_allegro.state.messaging_sent(shop[1]) == []
    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "thread_start"))

    response = client.post(url_for("orders.retry_message", order_id=order.id, message_id=failed.id))

    assert response.status_code == 302
    [sent] = fake_allegro.state.messaging_sent(shop[1])
    assert sent["text"] == "Dzień dobry, dołączamy instrukcję montażu." and len(sent["attachment_ids"]) == 1
    assert "Nie wysłano:" not in page(client, "orders.detail", order_id=order.id)


def test_a_refused_message_can_be_discarded(client, fake_allegro, shop, agent):
    (order,) = add_orders(fake_allegro, shop)
    fake_allegro.state.fail_next(NEW_MESSAGE, 422)
    data = {"idempotency_key": message_key(page(client, "orders.detail", order_id=order.id), order),
            "text": "Dzień dobry, zmiana terminu."}
    client.post(url_for("orders.write_to_buyer", order_id=order.id), data=data)
    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "thread_start"))

    client.post(url_for("orders.discard_message", order_id=order.id, message_id=failed.id))

    html = page(client, "orders.detail", order_id=order.id)
    assert "Nie wysłano:" not in html and "Niewysłaną wiadomość odrzucono." in html
