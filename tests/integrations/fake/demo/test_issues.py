"""Generated issues: valid against the spec, tied to real orders, Polish, and alive on every tick."""

from __future__ import annotations

import random
import struct
import zlib

import pytest

from integrations.allegro.fake import DemoGenerator, FakeAllegroState
from integrations.allegro.fake.demo.issues import make_png

POLISH = set("ąćęłńóśźż")


@pytest.fixture(scope="module")
def demo():
    """A demo shop with a history of 1000 orders and 60 ticks of live changes."""
    state = FakeAllegroState(seed=11)
    seller = state.add_seller("demo_sklep")
    generator = DemoGenerator(state, seed=11)
    generator.populate(seller, orders=1000, days=30)
    history = {issue_id: len(chat) for issue_id, chat in state.issue_chats.items()}
    ticks = [generator.tick() for _ in range(60)]
    return state, seller, history, ticks


def test_about_one_issue_per_25_orders_mostly_disputes(demo):
    state, _, history, _ = demo
    issues = [state.issues[issue_id] for issue_id in history]

    assert 25 <= len(issues) <= 50
    claims = sum(issue["type"] == "CLAIM" for issue in issues)
    assert 0.15 < claims / len(issues) < 0.45


def test_every_issue_and_chat_matches_the_spec(demo, spec_errors):
    state, _, _, _ = demo

    assert spec_errors("PostPurchaseIssueListResponse", {"issues": list(state.issues.values())}) == []
    for issue_id, chat in state.issue_chats.items():
        assert spec_errors("PostPurchaseIssueChatResponse", {"chat": chat}) == [], issue_id


def test_issues_belong_to_the_sellers_paid_orders(demo):
    state, seller, _, _ = demo

    for issue in state.issues.values():
        form = state.checkout_forms[issue["checkoutForm"]["id"]]
        assert state.seller_of_issue(issue["id"]) == seller
        assert form["status"] == "READY_FOR_PROCESSING"
        assert issue["buyer"] == {"id": form["buyer"]["id"], "login": form["buyer"]["login"]}
        assert issue["openedDate"] > form["lineItems"][0]["boughtAt"]
    forms = [issue["checkoutForm"]["id"] for issue in state.issues.values()]
    assert len(forms) == len(set(forms))


def test_history_has_closed_waiting_and_answered_issues(demo):
    state, _, history, _ = demo
    issues = [state.issues[issue_id] for issue_id in history]
    statuses = {issue["currentState"]["status"] for issue in issues}
    last = {issue["chat"]["lastMessage"]["status"] for issue in issues}

    assert statuses & {"DISPUTE_CLOSED", "CLAIM_ACCEPTED", "CLAIM_REJECTED"}
    assert statuses & {"DISPUTE_ONGOING", "CLAIM_SUBMITTED"}
    assert {"NEW", "SELLER_REPLIED", "BUYER_REPLIED"} <= last


def test_chats_are_in_time_order_and_counted(demo):
    state, _, _, _ = demo

    for issue_id, chat in state.issue_chats.items():
        times = [entry["createdAt"] for entry in chat]
        assert times == sorted(times), issue_id
        messages = [entry for entry in chat if entry["author"]["role"] != "SYSTEM"]
        assert state.issues[issue_id]["chat"]["messagesCount"] == len(messages)
        assert state.issues[issue_id]["chat"]["lastMessage"]["createdAt"] == messages[-1]["createdAt"]


def test_texts_are_polish(demo):
    state, _, _, _ = demo
    first_texts = [issue["chat"]["initialMessage"]["text"] for issue in state.issues.values()]

    assert all(text and len(text) > 30 for text in first_texts)
    assert sum(bool(POLISH & set(text)) for text in first_texts) > len(first_texts) / 2
    disputes = [issue for issue in state.issues.values() if issue["type"] == "DISPUTE"]
    assert all(issue["subject"] and issue["description"] for issue in disputes)


def test_some_buyers_attach_real_png_photos(demo):
    state, _, _, _ = demo
    photos = [a for a in state.issue_attachments.values() if a["contentType"] == "image/png"]

    assert photos
    for photo in photos:
        assert photo["data"].startswith(b"\x89PNG\r\n\x1a\n") and photo["size"] == len(photo["data"])
        assert photo["owner"] is not None
        assert any(photo["id"] in f["url"] for issue in state.issues.values() for f in issue["attachments"])


def test_ticks_keep_the_issues_moving(demo):
    state, _, history, ticks = demo
    totals = {
        key: sum(tick[key] for tick in ticks) for key in ("issues_opened", "buyer_replies", "issues_closed")
    }

    assert all(totals.values()), totals
    assert len(state.issues) == len(history) + totals["issues_opened"]
    assert sum(tick["advisor_replies"] for tick in ticks) >= 0


def test_make_png_is_a_valid_image():
    png = make_png(random.Random(4), size=8)

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = {}, 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, payload = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + payload)
        chunks[kind] = payload
        at += 12 + length
    assert list(chunks) == [b"IHDR", b"IDAT", b"IEND"]
    assert struct.unpack(">II", chunks[b"IHDR"][:8]) == (8, 8)
    assert len(zlib.decompress(chunks[b"IDAT"])) == 8 * (1 + 8 * 3)
