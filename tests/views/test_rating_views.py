"""Ratings pages: list with the story, queue, answer and removal forms, approvals, owners' pages, CSV."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from flask import url_for
from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, Role
from desk.models.rating import Rating, RatingTemplate
from desk.orm import utcnow
from desk.services.ratings.sync import sync_ratings
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.factories import connect_account, make_agent
from tests.services.ratings.test_reports import make_rating

ANSWER = "PUT /sale/user-ratings/{ratingId}/answer"
REMOVAL = "PUT /sale/user-ratings/{ratingId}/removal"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def shop(app, fake_allegro):
    return connect_account(fake_allegro, name="Sklep A")


@pytest.fixture
def owner(app):
    return make_agent(role=Role.OWNER, name="Olga Właścicielka")


def synced(fake, shop, **kwargs) -> Rating:
    account, seller = shop
    allegro = fake.state.add_rating(seller, **kwargs)
    sync_ratings(get_allegro().client_for(account.id), account.id, now=utcnow())
    return db.session.scalar(select(Rating).where(Rating.allegro_id == allegro["id"]))


def html(client, endpoint, status=200, **values) -> str:
    response = client.get(url_for(endpoint, **values))
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_list_shows_each_rating_with_its_order_and_renders_comments_inert(app, client, login, fake_allegro,
                                                                          shop, owner):
    account, seller = shop
    form = fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    bad = synced(fake_allegro, shop, recommended=False, comment=XSS, checkout_form_id=form["id"])
    synced(fake_allegro, shop, comment="Wszystko super")
    login(owner)

    page = html(client, "ratings.index")

    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page and XSS not in page
    assert "<img src=x" not in page
    order = db.session.scalar(select(Order).where(Order.allegro_id == form["id"]))
    assert f'href="/orders/{order.id}"' in page
    assert "Nie poleca" in page and "Poleca" in page and "Wszystko super" in page
    assert 'data-testid="new-negative-count">1<' in page
    assert "1 nowa negatywna ocena" in page
    assert re.search(r"<script(?![^>]*\bsrc=)", page) is None  # CSP: no inline scripts
    negatives = html(client, "ratings.index", recommended="no")
    assert "Wszystko super" not in negatives and f'data-rating-id="{bad.id}"' in negatives


def test_list_and_page_tell_the_story_order_parcel_and_claims(app, client, login, fake_allegro, shop, owner):
    from desk.models import OutboxMessage, OutboxState
    from tests.services.issues.test_factories import make_issue

    account, seller = shop
    total = {"totalToPay": {"amount": "149.90", "currency": "PLN"}}
    form = fake_allegro.state.add_checkout_form(seller, summary=total)
    run_sync(get_allegro(), account.id)
    rating = synced(fake_allegro, shop, recommended=False, checkout_form_id=form["id"])
    claim = make_issue(account.id, type="CLAIM", buyer_login=rating.buyer_login)
    make_issue(account.id, buyer_login="someone_else")
    db.session.add(OutboxMessage(
        account_id=account.id, kind="tracking_number", target_id=form["id"], state=OutboxState.SENT,
        payload={"carrier_id": "INPOST", "waybill": "620000000000000000000001"}, idempotency_key="tracking-1",
    ))
    db.session.commit()
    login(owner)

    for page in (html(client, "ratings.index"), html(client, "ratings.detail", rating_id=rating.id)):
        assert "149,90\u00a0zł" in page
        assert "INPOST 620000000000000000000001" in page
        assert f'href="/issues/{claim.id}"' in page and claim.reference_number in page
        assert len(re.findall(r'href="/issues/\d+"', page)) == 1  # only this buyer's


def test_filters_and_keyset_pages(app, client, login, shop, owner):
    account, _seller = shop
    start = dt.datetime(2026, 10, 1, 10, tzinfo=dt.UTC)
    for n in range(55):
        make_rating(account, start + dt.timedelta(hours=n), recommended=n % 5 != 0,
                    answer_text="ok" if n % 2 else None, comment=f"komentarz {n:02d}")
    db.session.commit()
    login(owner)

    first = html(client, "ratings.index")
    assert "komentarz 54" in first and "komentarz 04" not in first
    next_url = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(next_url).get_data(as_text=True)
    assert "komentarz 04" in second and "komentarz 54" not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second

    unanswered_negative = html(client, "ratings.index", recommended="no", unanswered=1)
    shown = set(re.findall(r"komentarz (\d\d)", unanswered_negative))
    assert shown == {f"{n:02d}" for n in range(55) if n % 5 == 0 and n % 2 == 0}
    day = html(client, "ratings.index", date_from="02.10.2026", date_to="2026-10-02")
    # 2.10 in Warsaw (UTC+2) runs from 1.10 22:00 to 2.10 22:00 UTC: ratings 12..35
    assert set(re.findall(r"komentarz (\d\d)", day)) == {f"{n:02d}" for n in range(12, 36)}
    assert "Podaj datę, np. 31.05.2024." in html(client, "ratings.index", date_from="jutro")


def test_agents_see_only_their_accounts_and_no_owner_pages(app, client, login, fake_allegro, shop):
    account, _seller = shop
    other, _other_seller = connect_account(fake_allegro, name="Sklep B")
    mine = make_rating(account, utcnow(), comment="moja ocena")
    theirs = make_rating(other, utcnow(), comment="cudza ocena")
    db.session.commit()
    login(make_agent(accounts=[account]))
    page = html(client, "ratings.index")
    assert "moja ocena" in page and "cudza ocena" not in page
    html(client, "ratings.detail", rating_id=theirs.id, status=404)
    html(client, "ratings.detail", rating_id=mine.id)
    for endpoint in ("ratings.dashboard", "ratings.templates", "ratings.alerts", "ratings.approvals"):
        html(client, endpoint, status=403)
    csv_text = client.get(url_for("ratings.export")).get_data(as_text=True)
    assert "moja ocena" in csv_text and "cudza ocena" not in csv_text


def test_answering_a_negative_rating_publishes_once(app, client, login, fake_allegro, shop, owner):
    rating = synced(fake_allegro, shop, recommended=False, comment="Nie dotarło")
    login(owner)
    page = html(client, "ratings.detail", rating_id=rating.id)
    assert 'maxlength="500"' in page and "0 / 500" in page and "js/ratings.js" in page
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)

    for _ in range(2):  # a double submit of the same form
        response = client.post(url_for("ratings.answer", rating_id=rating.id),
                               data={"text": "Przepraszamy, wysyłamy ponownie.", "idempotency_key": key})
        assert response.status_code == 302
    assert fake_allegro.state.request_count(ANSWER) == 1
    page = html(client, "ratings.detail", rating_id=rating.id)
    assert "Opublikowano w Allegro." in page
    assert "Przepraszamy, wysyłamy ponownie." in page and "Nasza odpowiedź" in page
    assert f'action="/ratings/{rating.id}/answer"' not in page  # answered: no second form


def test_too_long_answer_comes_back_with_the_text_and_a_polish_reason(app, client, login, fake_allegro, shop,
                                                                     owner):
    rating = synced(fake_allegro, shop, recommended=False)
    login(owner)
    response = client.post(url_for("ratings.answer", rating_id=rating.id),
                           data={"text": "a" * 501, "idempotency_key": "k-long"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Treść może mieć najwyżej 500 znaków (ma 501)." in page and "a" * 501 in page
    assert fake_allegro.state.request_count(ANSWER) == 0


def test_removal_shows_the_deadline_and_refuses_after_it(app, client, login, fake_allegro, shop, owner):
    past = dt.datetime(2026, 1, 10, 9, 5, tzinfo=dt.UTC)
    late = synced(fake_allegro, shop, recommended=False, removal_possible_to=past,
                  created_at=past - dt.timedelta(days=7))
    deadline = utcnow() + dt.timedelta(days=2)
    open_rating = synced(fake_allegro, shop, recommended=False, removal_possible_to=deadline)
    login(owner)
    page = html(client, "ratings.detail", rating_id=open_rating.id)
    shown = deadline.astimezone(ZoneInfo("Europe/Warsaw")).strftime("%d.%m.%Y %H:%M")
    assert f"Termin: {shown}" in page and 'data-deadline="' in page
    assert "Termin na wniosek o usunięcie minął" in page  # the message ratings.js shows if it passes
    response = client.post(url_for("ratings.removal", rating_id=open_rating.id),
                           data={"text": "Kupujący pomylił sprzedawcę", "idempotency_key": "rm1"})
    assert response.status_code == 302
    assert fake_allegro.state.request_count(REMOVAL) == 1
    assert "Wniosek o usunięcie został wysłany do Allegro." in html(client, "ratings.detail",
                                                                    rating_id=open_rating.id)

    page = html(client, "ratings.detail", rating_id=late.id)
    assert "Termin na wniosek o usunięcie minął 10.01.2026 10:05." in page
    assert f'action="/ratings/{late.id}/removal"' not in page
    response = client.post(url_for("ratings.removal", rating_id=late.id),
                           data={"text": "Proszę", "idempotency_key": "rm2"})
    assert response.status_code == 422
    assert "Termin na wniosek o usunięcie minął 10.01.2026 10:05." in response.get_data(as_text=True)
    assert fake_allegro.state.request_count(REMOVAL) == 1


def test_agent_answers_wait_for_the_owners_approval(app, client, login, fake_allegro, shop, owner):
    account, _seller = shop
    app.config["RATING_ANSWER_APPROVAL"] = True
    rating = synced(fake_allegro, shop, recommended=False)
    login(make_agent(accounts=[account], name="Adam Agent"))
    page = html(client, "ratings.detail", rating_id=rating.id)
    assert "Wyślij do akceptacji" in page
    client.post(url_for("ratings.answer", rating_id=rating.id),
                data={"text": "Propozycja odpowiedzi", "idempotency_key": "ap1"})
    assert "Odpowiedź czeka na akceptację właściciela." in html(client, "ratings.detail", rating_id=rating.id)
    assert fake_allegro.state.request_count(ANSWER) == 0
    client.post(url_for("auth.logout"))

    login(owner)
    queue = html(client, "ratings.approvals")
    assert "Propozycja odpowiedzi" in queue and "Adam Agent" in queue
    draft_id = re.search(r'/ratings/drafts/(\d+)/approve', queue).group(1)
    client.post(url_for("ratings.approve", draft_id=draft_id), data={"text": "Poprawiona odpowiedź"})
    assert fake_allegro.state.ratings[rating.allegro_id]["answer"]["message"] == "Poprawiona odpowiedź"
    assert "Żadna odpowiedź nie czeka na akceptację." in html(client, "ratings.approvals")


def test_templates_fill_the_answer_with_the_buyer_and_order(app, client, login, fake_allegro, shop, owner):
    account, seller = shop
    form = fake_allegro.state.add_checkout_form(seller)
    run_sync(get_allegro(), account.id)
    rating = synced(fake_allegro, shop, recommended=False, checkout_form_id=form["id"])
    login(owner)
    response = client.post(url_for("ratings.templates"), data={
        "kind": "answer", "name": "Przeprosiny",
        "body": "Dzień dobry {buyer_login}, zamówienie {order_number}.",
    })
    assert response.status_code == 302
    bad = client.post(url_for("ratings.templates"), data={"kind": "answer", "name": "Zły", "body": "{imie}"})
    assert bad.status_code == 422 and "Nieznane pole {imie}" in bad.get_data(as_text=True)
    template = db.session.scalar(select(RatingTemplate))
    page = html(client, "ratings.detail", rating_id=rating.id, template=template.id)
    expected = f"Dzień dobry {rating.buyer_login}, zamówienie {form['id']}."
    assert f">{expected}</textarea>" in page
    assert f'data-text="{expected}"' in page  # for the picker in ratings.js


def test_the_queue_is_cleared_when_ratings_are_seen(app, client, login, fake_allegro, shop, owner):
    rating = synced(fake_allegro, shop, recommended=False, comment="Zła obsługa")
    login(owner)
    queue = html(client, "ratings.index", new=1)
    assert "Zła obsługa" in queue and "Oznacz wszystkie widoczne jako przejrzane" in queue
    client.post(url_for("ratings.acknowledge"), data={"rating_ids": [rating.id], "back": "/ratings/?new=1"})
    assert 'data-testid="new-negative-count">0<' in html(client, "ratings.index")
    db.session.refresh(rating)
    assert rating.acknowledged_by == owner.id


def test_dashboard_shows_figures_and_an_svg_chart(app, client, login, shop, owner):
    account, _seller = shop
    today = utcnow()
    for n in range(20):
        make_rating(account, today - dt.timedelta(days=n), recommended=n % 4 != 0)
    db.session.flush()
    from desk.services.ratings import rollup as rating_rollup

    rating_rollup.rebuild(account.id)
    db.session.commit()
    login(owner)
    page = html(client, "ratings.dashboard")
    assert "<svg" in page and 'class="chart-point"' in page and "Odsetek polecających" in page
    assert 'data-testid="kpi-percent">75,0\u00a0%<' in page
    assert 'data-testid="kpi-unanswered">5<' in page
    monthly = html(client, "ratings.dashboard", period="month")
    assert "Miesięcznie" in monthly


def test_csv_export_follows_the_filters(app, client, login, shop, owner):
    account, _seller = shop
    make_rating(account, utcnow(), recommended=False, comment="negatywna")
    make_rating(account, utcnow(), comment="pozytywna")
    db.session.commit()
    login(owner)
    response = client.get(url_for("ratings.export", recommended="no"))
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Data", "Konto", "Kupujący", "Poleca"]
    assert [r[4] for r in rows[1:]] == ["negatywna"]


def test_owners_manage_alert_addresses(app, client, login, shop, owner):
    login(owner)
    page = html(client, "ratings.alerts")
    assert "Nie skonfigurowano serwera SMTP" in page
    response = client.post(url_for("ratings.alerts"), data={"email": "szef@sklep.pl", "account": ""})
    assert response.status_code == 302
    bad = client.post(url_for("ratings.alerts"), data={"email": "to nie adres", "account": ""})
    assert bad.status_code == 422 and "Podaj prawidłowy adres e-mail." in bad.get_data(as_text=True)
    assert "szef@sklep.pl" in html(client, "ratings.alerts")
