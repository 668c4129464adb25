"""Generated Message Center threads: valid against the spec in both versions, tied to real orders,
Polish, with attachments and closed problems, and new ones arriving on ticks."""

from __future__ import annotations

import re

import pytest
import requests

from integrations.allegro.fake import DemoGenerator, FakeAllegroState, serve_fake
from integrations.allegro.fake.demo.messaging import make_pdf
from integrations.allegro.fake.validation import response_violations

PUB = "application/vnd.allegro.public.v1+json"
BETA = "application/vnd.allegro.beta.v1+json"
POLISH = set("ąćęłńóśźż")
# the documented exception (see test_fake_messaging_responses): public MAIL messages' null order
_NULL_ORDER = re.compile(r"'relatesTo', 'order'\]: None (is not of type 'object'|for not nullable)$")


@pytest.fixture(scope="module")
def demo():
    """A demo shop with 600 orders of history and 80 ticks; served over HTTP with a token."""
    state = FakeAllegroState(seed=5)
    seller = state.add_seller("demo_sklep")
    generator = DemoGenerator(state, seed=5)
    generator.populate(seller, orders=600, days=30)
    history = set(state.threads)
    ticks = [generator.tick() for _ in range(80)]
    with serve_fake(state) as server:
        yield state, seller, history, ticks, server, state.issue_token(seller)["access_token"]


def _get(demo, path, media_type, **params):
    *_, server, token = demo
    headers = {"Authorization": f"Bearer {token}", "Accept": media_type}
    return requests.get(server.url + path, headers=headers, params=params, timeout=10)


def test_questions_and_problems_of_every_kind(demo):
    state, seller, history, _, _, _ = demo
    threads = [state.threads[t] for t in history]
    problems = [t for t in threads if t.type == "POST_PURCHASE_ISSUE"]
    messages = [state.messages[m] for t in threads for m in state.thread_messages[t.id]]

    assert len(threads) - len(problems) == 15 and 10 <= len(problems) <= 30
    assert len({t.sub_type for t in problems}) >= 5
    assert any(t.status == "CLOSED" for t in problems) and any(t.status == "OPEN" for t in problems)
    assert all(state.seller_of_form(t.orders[0]["id"]) == seller for t in problems)
    assert {m.type for m in messages} == {"ASK_QUESTION", "MAIL", "MESSAGE_CENTER"}
    assert all(m.subject for m in messages if m.type == "MAIL")
    assert {m.role for m in messages} >= {"USER", "BUYER", "SELLER"}
    assert sum(bool(POLISH & set(m.text)) for m in messages) > len(messages) / 3
    types = {state.message_attachments[a].content_type for m in messages for a in m.attachment_ids}
    assert types == {"image/png", "application/pdf"}


def test_new_threads_and_replies_arrive_on_ticks(demo):
    state, _, history, ticks, _, _ = demo

    assert len(state.threads) > len(history)
    assert sum(t["questions_asked"] + t["problems_opened"] for t in ticks) == len(state.threads) - len(
        history
    )
    assert sum(t["thread_replies"] for t in ticks) > 0


@pytest.mark.parametrize("media_type", [PUB, BETA])
def test_every_thread_and_message_matches_the_spec(demo, media_type):
    state, *_ = demo
    errors, seen, cursor, offset = [], 0, None, 0
    while True:
        params = {"page.id": cursor} if media_type == BETA and cursor else {}
        if media_type == PUB:
            params = {"offset": offset}
        page = _get(demo, "/messaging/threads", media_type, **params)
        errors += response_violations("GET", "/messaging/threads", 200, media_type, page.json())
        for thread in page.json()["threads"]:
            path = f"/messaging/threads/{thread['id']}/messages"
            listed = _get(demo, path, media_type)
            errors += [e for e in response_violations("GET", path, 200, media_type, listed.json())]
            seen += 1
        if media_type == BETA:
            cursor = (page.json()["nextPage"] or {}).get("id")
            if cursor is None:
                break
        else:
            offset += 20
            if len(page.json()["threads"]) < 20:
                break

    assert seen == len(state.threads)
    assert [e for e in errors if not _NULL_ORDER.search(e)] == []
    assert bool(errors) == (media_type == PUB)  # MAIL threads exist, so the exception shows up


def test_demo_files_are_valid_and_downloadable(demo):
    state, seller, *_ = demo
    attachment_id = next(
        a.id for a in state.message_attachments.values() if a.content_type == "application/pdf"
    )

    response = _get(demo, f"/messaging/message-attachments/{attachment_id}", "*/*")

    assert response.status_code == 200 and response.content.startswith(b"%PDF-1.4")
    assert response.content.rstrip().endswith(b"%%EOF")
    pdf = make_pdf()
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    entries = pdf[xref:].split(b"\n")[3:8]  # the five objects after the free entry
    offsets = [int(entry.split()[0]) for entry in entries]
    assert [pdf[o : o + 7] for o in offsets] == [b"%d 0 obj" % n for n in range(1, 6)]
