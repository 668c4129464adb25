"""Dashboard figures per week/month, the CSV export and e-mail alerts."""
from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import io
import itertools
import socketserver

import pytest

from desk.extensions import db
from desk.models import SellerAccount
from desk.models.rating import Rating, RatingAlertSetting, RemovalOutcome
from desk.services.ratings import alerts as rating_alerts
from desk.services.ratings import rollup as rating_rollup
from desk.services.ratings.alerts import send_new_negative_alerts
from desk.services.ratings.dashboard import build_dashboard, period_starts
from desk.services.ratings.export import export_csv
from desk.services.ratings.listing import RatingFilters
from desk.services.ratings.store import warsaw_day
from desk.services.shared.mail import SmtpSettings

_ids = itertools.count(1)


def smtp_settings(host: str | None, **fields) -> SmtpSettings:
    """A plain SMTP server without login or TLS, as most tests want it."""
    plain = {"port": 25, "user": None, "password": None, "sender": "desk@localhost", "starttls": False,
             "timeout": 10.0}
    return SmtpSettings(host=host, **(plain | fields))


def make_rating(account: SellerAccount, rated_at: dt.datetime, *, recommended=True, **fields) -> Rating:
    n = next(_ids)
    rating = Rating(
        account_id=account.id, allegro_id=f"{n:024x}", buyer_allegro_id=str(1000 + n),
        buyer_login=fields.pop("buyer_login", f"kupujacy_{n}"), recommended=recommended, rated_at=rated_at,
        rated_on=warsaw_day(rated_at), last_changed_at=rated_at, **fields,
    )
    db.session.add(rating)
    return rating


@pytest.fixture
def account(app):
    account = SellerAccount(name="Sklep Testowy")
    db.session.add(account)
    db.session.commit()
    return account


def at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


# --- dashboard ----------------------------------------------------------------------------------


def test_dashboard_counts_weeks_and_months_from_the_daily_rollup(app, account):
    make_rating(account, at("2026-11-02"), rate_service=5, rate_description=4)  # Monday
    make_rating(account, at("2026-11-08"), rate_service=3)  # Sunday, same week
    make_rating(account, at("2026-11-09"), recommended=False)  # next Monday
    make_rating(account, at("2026-11-10"), recommended=False, answer_text="Przepraszamy")
    make_rating(account, at("2026-11-11"), excluded=True, excluded_reason="Ocena nie jest unikalna")
    make_rating(account, at("2026-11-12"), recommended=False, removal_outcome=RemovalOutcome.REMOVED,
                removal_requested_at=at("2026-11-12", 14))
    make_rating(account, at("2026-10-31", 22))  # Saturday 31.10 23:00 in Warsaw: October, previous week
    make_rating(account, at("2026-10-31", 23, ))  # 1.11 00:00 in Warsaw: November
    db.session.flush()
    rating_rollup.rebuild(account.id)
    db.session.commit()

    weeks = build_dashboard(account_ids=None, granularity="week", count=3, today=dt.date(2026, 11, 12))
    mondays = [dt.date(2026, 10, 26), dt.date(2026, 11, 2), dt.date(2026, 11, 9)]
    assert [p.start for p in weeks.periods] == mondays
    assert [p.total for p in weeks.periods] == [2, 2, 4]
    assert [(p.recommended, p.not_recommended) for p in weeks.periods] == [(2, 0), (2, 0), (0, 2)]
    last = weeks.periods[-1]
    assert (last.excluded, last.removed, last.removal_requested, last.unanswered_negative) == (1, 1, 1, 1)
    assert weeks.periods[1].percent_recommending == 100.0
    assert weeks.in_range.percent_recommending == round(100 * 4 / 6, 1)
    assert weeks.all_time.averages == {"service": 4.0, "description": 4.0}

    months = build_dashboard(account_ids=None, granularity="month", count=2, today=dt.date(2026, 11, 12))
    assert [p.start for p in months.periods] == [dt.date(2026, 10, 1), dt.date(2026, 11, 1)]
    assert [p.total for p in months.periods] == [1, 7]
    assert build_dashboard(account_ids=set(), today=dt.date(2026, 11, 12)).all_time.total == 0


def test_period_starts_cross_the_year():
    assert period_starts("month", 3, dt.date(2026, 1, 15)) == [
        dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1)
    ]
    assert period_starts("week", 2, dt.date(2026, 1, 1)) == [dt.date(2025, 12, 22), dt.date(2025, 12, 29)]


# --- export -------------------------------------------------------------------------------------


def test_csv_export_has_every_filtered_rating_and_defuses_formulas(app, account):
    make_rating(account, at("2026-11-02"), comment="=HYPERLINK(\"http://zly.example\")", recommended=False)
    make_rating(account, at("2026-11-03"), comment="Polecam; szybko\ni sprawnie")
    make_rating(account, at("2026-11-04"), comment="Inny")
    db.session.commit()
    chunks = export_csv(
        filters=RatingFilters(date_to=dt.date(2026, 11, 3)), account_ids=None,
        headings={"rated_at": "Data", "comment": "Komentarz"}, words={"yes": "tak", "no": "nie"},
    )
    text = "".join(chunks)
    assert text.startswith("\ufeffData;")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 3  # heading + two ratings, newest first
    assert rows[1][4] == "Polecam; szybko\ni sprawnie" and rows[1][3] == "tak"
    assert rows[2][4].startswith("'=HYPERLINK") and rows[2][3] == "nie"
    assert rows[1][0] == "2026-11-03 13:00"  # Warsaw time
    nothing = export_csv(filters=RatingFilters(), account_ids=set(), headings={}, words={})
    assert "".join(nothing).count("\n") == 1  # the heading only


# --- e-mail alerts ------------------------------------------------------------------------------


def test_new_negative_ratings_are_mailed_once_to_the_owners(app, account, smtp_server):
    other = SellerAccount(name="Inny sklep")
    db.session.add(other)
    db.session.flush()
    bad = make_rating(account, at("2026-11-02"), recommended=False, is_new_negative=True,
                      comment="Towar <script>alert(1)</script> uszkodzony", buyer_login="jan_k",
                      removal_possible_to=at("2026-11-09"))
    make_rating(account, at("2026-11-02"), recommended=True)
    make_rating(other, at("2026-11-02"), recommended=False, is_new_negative=True)
    db.session.add(RatingAlertSetting(email="szef@sklep.pl", account_id=None))
    db.session.add(RatingAlertSetting(email="wylaczony@sklep.pl", account_id=None, enabled=False))
    db.session.add(RatingAlertSetting(email="tylko@sklep.pl", account_id=account.id))
    db.session.commit()
    smtp = smtp_settings("127.0.0.1", port=smtp_server.server_address[1], sender="desk@sklep.pl")

    counts = send_new_negative_alerts(smtp, configured_recipients=["biuro@sklep.pl"],
                                      desk_url="https://desk.sklep.pl")

    assert counts == {"mails": 2, "ratings": 2, "failed": 0}
    by_recipients = {tuple(sorted(to)): raw for to, raw in smtp_server.received}
    raw = by_recipients[("biuro@sklep.pl", "szef@sklep.pl", "tylko@sklep.pl")]
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert mail["Subject"] == "New negative ratings on Sklep Testowy: 1"
    body = mail.get_content()
    assert "jan_k" in body and "Towar <script>alert(1)</script> uszkodzony" in body
    assert f"https://desk.sklep.pl/ratings/{bad.id}" in body
    assert "09.11.2026 13:00" in body  # the removal deadline, Warsaw time
    assert ("biuro@sklep.pl", "szef@sklep.pl") in by_recipients
    assert send_new_negative_alerts(smtp, configured_recipients=["biuro@sklep.pl"]) == {
        "mails": 0, "ratings": 0, "failed": 0
    }
    assert len(smtp_server.received) == 2


def test_alerts_wait_while_smtp_is_down_or_unset(app, account):
    rating = make_rating(account, at("2026-11-02"), recommended=False, is_new_negative=True)
    db.session.commit()
    assert send_new_negative_alerts(smtp_settings(None), configured_recipients=["a@b.pl"])["mails"] == 0
    with socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler) as closed:
        port = closed.server_address[1]
    counts = send_new_negative_alerts(smtp_settings("127.0.0.1", port=port, timeout=2),
                                      configured_recipients=["a@b.pl"])
    assert counts["failed"] == 1
    db.session.refresh(rating)
    assert rating.alerted_at is None  # tried again next time


def test_alert_addresses_are_validated(app, account):
    rating_alerts.add_setting(email="owner@sklep.pl", account_id=None, agent_id=None)
    from desk.services.errors import ConflictError, ValidationError

    with pytest.raises(ConflictError):
        rating_alerts.add_setting(email="owner@sklep.pl", account_id=None, agent_id=None)
    for bad in ("", "bez-malpy", "a b@c.pl", "a@b.pl,c@d.pl"):
        with pytest.raises(ValidationError):
            rating_alerts.add_setting(email=bad, account_id=None, agent_id=None)
    recipients = rating_alerts.recipients_for(account.id, ["x@y.pl", "owner@sklep.pl"])
    assert recipients == ["x@y.pl", "owner@sklep.pl"]
