"""In a real browser: answer a negative rating, request its removal, and meet a deadline that passes
while the page is open. Screenshots go to tests/browser/artifacts/."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import select

from desk.extensions import db
from desk.models import Role
from desk.models.rating import Rating
from desk.orm import utcnow
from desk.services.ratings import rollup as rating_rollup
from desk.services.ratings.sync import sync_ratings
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from tests.browser.conftest import shot, sign_in
from tests.factories import PASSWORD, connect_account, make_agent

pytestmark = pytest.mark.browser
ANSWER = "PUT /sale/user-ratings/{ratingId}/answer"
REMOVAL = "PUT /sale/user-ratings/{ratingId}/removal"


def _ratings(fake, account, seller):
    form = fake.state.add_checkout_form(seller)
    state = fake.state
    start = utcnow() - dt.timedelta(days=70)
    stars = {"delivery": 4, "deliveryCost": 5, "description": 5, "service": 4}
    for n in range(60):  # some history for the dashboard
        state.add_rating(seller, recommended=n % 6 != 0, created_at=start + dt.timedelta(days=n, hours=3),
                         comment="Wszystko w porządku, polecam!" if n % 6 else "Długo czekałem na paczkę.",
                         rates=stars if n < 20 else None)
    run_sync(get_allegro(), account.id)  # the first sync takes the history in without alerts
    bad = state.add_rating(seller, recommended=False, checkout_form_id=form["id"],
                           comment='Paczka przyszła zgnieciona <script>alert("x")</script>, brak kontaktu.')
    soon = state.add_rating(seller, recommended=False, comment="Nie polecam.",
                            removal_possible_to=utcnow() + dt.timedelta(seconds=6))
    sync_ratings(get_allegro().client_for(account.id), account.id, now=utcnow())
    rating_rollup.rebuild(account.id)
    db.session.commit()
    return [db.session.scalar(select(Rating).where(Rating.allegro_id == r["id"])) for r in (bad, soon)]


def test_owner_answers_a_negative_rating_and_requests_removal(app, fake_allegro, live_desk, page):
    account, seller = connect_account(fake_allegro, name="Sklep Kwiatek")
    owner = make_agent(role=Role.OWNER, name="Olga Właścicielka")
    bad, soon = _ratings(fake_allegro, account, seller)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    sign_in(page, live_desk, owner.email, PASSWORD)

    page.goto(f"{live_desk}/ratings/")
    assert page.locator("[data-testid=new-negative-count]").inner_text() == "2"
    assert page.locator("script", has_text="alert").count() == 0  # the comment is text, not markup
    shot(page, "ratings-list")

    page.click(f"tr[data-rating-id='{bad.id}'] td a")
    page.wait_for_load_state()
    textarea = page.locator("#answer-text")
    textarea.fill("Przepraszamy za uszkodzoną paczkę. Wysłaliśmy nowy egzemplarz.")
    assert page.locator("#answer-counter").inner_text() == "62 / 500"
    shot(page, "rating-answer-form")
    page.click("form[data-rating-form] button[type=submit]")
    page.wait_for_load_state()
    assert "Opublikowano w Allegro." in page.inner_text("main")
    assert dialogs and "Allegro nie pozwala" in dialogs[0]
    answer = fake_allegro.state.ratings[bad.allegro_id]["answer"]["message"]
    assert answer == "Przepraszamy za uszkodzoną paczkę. Wysłaliśmy nowy egzemplarz."

    page.fill("#removal-text", "Uszkodzenie powstało u przewoźnika; kupujący otrzymał nowy towar.")
    page.click("#removal button[type=submit]")
    page.wait_for_load_state()
    assert "Wniosek o usunięcie został wysłany do Allegro." in page.inner_text("main")
    assert fake_allegro.state.request_count(ANSWER) == 1 and fake_allegro.state.request_count(REMOVAL) == 1
    shot(page, "rating-answered-and-removal-requested")

    page.goto(f"{live_desk}/ratings/dashboard")
    assert page.locator("svg.rating-chart circle.chart-point").count() > 3
    shot(page, "ratings-dashboard")


def test_a_deadline_passing_while_the_page_is_open_stops_the_request(app, fake_allegro, live_desk, page):
    account, seller = connect_account(fake_allegro, name="Sklep Kwiatek")
    owner = make_agent(role=Role.OWNER)
    _bad, soon = _ratings(fake_allegro, account, seller)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_desk, owner.email, PASSWORD)
    page.goto(f"{live_desk}/ratings/{soon.id}")
    assert page.locator("#removal form").count() == 1  # still open when the page was drawn
    page.fill("#removal-text", "Prośba o usunięcie")
    remaining = (soon.removal_possible_to - utcnow()).total_seconds()
    time.sleep(max(remaining, 0) + 1)
    page.click("#removal button[type=submit]")
    error = page.locator(".ratings-deadline-error")
    error.wait_for(state="visible")
    assert error.inner_text().startswith("Termin na wniosek o usunięcie minął ")
    assert fake_allegro.state.request_count(REMOVAL) == 0
    shot(page, "rating-removal-deadline-passed")
