"""Logs without personal data or secrets (G8, G12): a sync, a reply, sign-ins and a token refresh leave no
token, password, e-mail address or phone number in the captured logs; the mask itself is unit-tested."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from desk.extensions import db
from desk.log_masking import MaskingFilter, mask
from desk.services.issues.replies import send_reply
from desk.services.issues.threads import sync as thread_sync
from desk.services.shared.tokens import DbTokenStore
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro, token_cipher
from tests.factories import PASSWORD, connect_account, make_agent

WRONG_PASSWORD = "Złe-hasło-2026!"
BUYER_PHONE = "+48 604 555 321"
BUYER_MAIL = "jan.kowalski.kanarek@example.pl"


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("from jan.kowalski@example.pl", "jan.kowalski@example.pl"),
        ("call +48 601 234 567 or 601-234-567", "601"),
        ("IBAN PL61 1090 1014 0000 0712 1981 2874", "1090"),
        ("pay to 61109010140000071219812874", "6110901014"),
        ("NIP 526-104-08-28 and 5261040828", "526"),
        ("PESEL 67062589524", "67062589524"),
        ("Authorization: Bearer abc.DEF-123", "abc.DEF-123"),
        ('"POST /auth/oauth/token?grant_type=refresh_token&refresh_token=r3fr3sh HTTP/1.1"', "r3fr3sh"),
        ("device_code=dc-1&client_secret=s3cr3t", "s3cr3t"),
        ("stored gAAAAABnJ8xVq0123456789abcdefghijklmnopqrstuvwxyzABC", "gAAAAAB"),
        ("token eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX25hbWUiOiIxIn0.c2lnbmF0dXJl", "eyJ"),
    ],
)
def test_mask_hides_personal_data_and_secrets(text, hidden):
    assert hidden not in mask(text)


def test_mask_keeps_ids_times_and_counts():
    line = "account 12: 340 orders, event 1764761836000000, offer 12345678901 at 2026-12-03 11:37:16 (0.45 s)"
    assert mask(line) == line


def test_the_filter_masks_arguments_and_tracebacks():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "buyer %s", ("a@b.pl",), None)
    try:
        raise ValueError("phone 601 234 567")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    MaskingFilter().filter(record)
    assert record.getMessage() == "buyer [e-mail]"
    assert "601 234 567" not in record.exc_text


def _pair(account_id):
    return DbTokenStore(db.engine, account_id, token_cipher()).load()


def test_sync_reply_sign_in_and_refresh_leave_no_secret_or_contact_in_the_logs(app, fake_allegro, caplog):
    caplog.set_level(logging.DEBUG)
    state = fake_allegro.state
    account, seller = connect_account(fake_allegro, name="Sklep Logi", login="sklep_logi")
    forms = [state.add_checkout_form(seller) for _ in range(4)]
    state.update_checkout_form(
        forms[0]["id"], buyer={**forms[0]["buyer"], "email": BUYER_MAIL, "phoneNumber": BUYER_PHONE}
    )
    thread_id = state.add_thread(
        seller, type="POST_PURCHASE_ISSUE", sub_type="PRODUCT_ARRIVED_DAMAGED",
        created_at=state.now() - dt.timedelta(hours=1), text=f"Proszę o telefon {BUYER_PHONE}, {BUYER_MAIL}",
    )
    agent = make_agent(accounts=[account], email="anna.kanarek@sklep.pl")

    client = app.test_client()
    client.post("/login", data={"email": agent.email, "password": WRONG_PASSWORD})
    client.post("/login", data={"email": agent.email, "password": PASSWORD})
    first = _pair(account.id)
    assert run_sync(get_allegro(), account.id, mode="full").state == "ok"
    thread_sync.sync_threads(get_allegro().client_for(account.id), account.id, now=state.now(), full=True)
    issue = _thread(thread_id)
    send_reply(
        get_allegro(), issue_id=issue.id, agent_id=agent.id, text=f"Oddzwonimy na {BUYER_PHONE}",
        message_type="REGULAR", uploads=[], seen_key=None, idempotency_key="log-1", account_ids=None,
    )
    state.expire_access_tokens(seller)
    assert run_sync(get_allegro(), account.id).state == "ok"  # refreshes the pair first
    second = _pair(account.id)
    assert second.access_token != first.access_token

    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    canaries = [
        first.access_token, first.refresh_token, second.access_token, second.refresh_token,
        PASSWORD, WRONG_PASSWORD, agent.email, BUYER_MAIL, BUYER_PHONE, BUYER_PHONE.replace(" ", ""),
        *(form["buyer"]["email"] for form in forms),
        *(form["buyer"].get("phoneNumber") or "-" for form in forms),
    ]
    leaked = [canary for canary in canaries if canary in logged]
    assert leaked == []
    # The test saw real traffic: the client's own lines and the server's request lines with the
    # refresh token's place masked.
    assert any(r.name == "integrations.allegro.http" for r in caplog.records)
    assert "refresh_token=[secret]" in logged or "refresh_token=***" in logged
    assert "Authorization" not in logged


def _thread(thread_id):
    from sqlalchemy import select

    from desk.models.issue import Issue

    db.session.expire_all()
    return db.session.scalar(select(Issue).where(Issue.allegro_id == thread_id))
