"""The fake Message Center over raw HTTP: negotiation, the checks Allegro makes, and the handles."""

from __future__ import annotations

import base64

import pytest

PUB = "application/vnd.allegro.public.v1+json"
BETA = "application/vnd.allegro.beta.v1+json"
JSON_BETA = {"Accept": BETA, "Content-Type": BETA}


def _error(response):
    (error,) = response.json()["errors"]
    return error


@pytest.fixture
def thread(state, seller, clock):
    return state.add_thread(seller, text="Czy wyślą Państwo dziś?")


def test_both_versions_on_the_same_path_and_406_for_others(api, thread):
    public = api.get("/messaging/threads")
    beta = api.get("/messaging/threads", headers={"Accept": BETA})
    other = api.get("/messaging/threads", headers={"Accept": "application/json"})

    assert public.headers["Content-Type"] == PUB and set(public.json()) == {"threads", "offset", "limit"}
    assert beta.headers["Content-Type"] == BETA and set(beta.json()) == {"threads", "nextPage"}
    assert public.json()["threads"][0]["interlocutor"]["login"].startswith("client:")
    assert beta.json()["threads"][0]["participants"][0]["role"] == "USER"
    assert other.status_code == 406 and _error(other)["code"] == "NotAcceptableException"


def test_parameters_of_the_other_version_are_refused(api, state, thread):
    cases = [
        ("/messaging/threads", {"offset": 0}, BETA, "offset"),
        ("/messaging/threads", {"read": "true"}, PUB, "read"),
        ("/messaging/threads", {"page.id": "eA=="}, PUB, "page.id"),
        (f"/messaging/threads/{thread}/messages", {"after": "2026-01-01T00:00:00Z"}, BETA, "after"),
        (f"/messaging/threads/{thread}/messages", {"page.id": "eA=="}, PUB, "page.id"),
    ]
    for path, params, accept, name in cases:
        response = api.get(path, params=params, headers={"Accept": accept})
        assert response.status_code == 422 and _error(response)["path"] == name, (path, params)
    assert state.violations == []  # the spec cannot say which version a parameter belongs to


def test_spec_violations_are_422_and_recorded(api, state, thread):
    too_many = api.get("/messaging/threads", params={"limit": 21})
    bad_type = api.get("/messaging/threads", params={"type": "DISPUTE"}, headers={"Accept": BETA})
    both = api.get(
        f"/messaging/threads/{thread}/messages", params={"offset": 0, "before": "2026-03-01T00:00:00Z"}
    )
    deep = api.get(f"/messaging/threads/{thread}/messages", params={"offset": 15_001})

    assert [r.status_code for r in (too_many, bad_type, both, deep)] == [422] * 4
    assert _error(too_many)["path"] == "limit" and _error(both)["path"] == "before"
    assert len(state.violations) == 3  # before+offset is a rule the schema cannot express
    assert all(v.startswith("GET /messaging/threads") for v in state.violations)


def test_a_stale_or_forged_cursor_is_422(api, thread):
    forged = base64.b64encode(b"whatever").decode()

    for page_id in ("!!!", forged):
        response = api.get("/messaging/threads", params={"page.id": page_id}, headers={"Accept": BETA})
        assert response.status_code == 422 and _error(response)["path"] == "page.id"


def test_beta_cursor_is_opaque_base64_and_null_on_the_last_page(api, state, seller, clock):
    for n in range(21):
        clock.advance(60)
        state.add_thread(seller, text=f"pytanie {n}")

    first = api.get("/messaging/threads", headers={"Accept": BETA}).json()
    last = api.get(
        "/messaging/threads", params={"page.id": first["nextPage"]["id"]}, headers={"Accept": BETA}
    ).json()

    assert len(first["threads"]) == 20 and base64.b64decode(first["nextPage"]["id"]).startswith(b"p=")
    assert len(last["threads"]) == 1 and last["nextPage"] is None
    times = [t["lastMessageDateTime"] for t in first["threads"] + last["threads"]]
    assert times == sorted(times, reverse=True)


def test_text_limit_and_the_order_of_a_new_message(api, state, seller, thread, clock):
    form = state.add_checkout_form(seller)
    buyer = form["buyer"]["login"]
    reply_path = f"/messaging/threads/{thread}/messages"

    too_long = api.send("POST", reply_path, {"text": "x" * 2001})
    no_order = api.send("POST", "/messaging/messages", {"recipient": {"login": buyer}, "text": "Hej"})
    null_order = api.send(
        "POST",
        "/messaging/messages",
        {"recipient": {"login": buyer}, "text": "Hej", "order": None},
        headers=JSON_BETA,
    )
    not_theirs = api.send(
        "POST",
        "/messaging/messages",
        {"recipient": {"login": "ktos_inny"}, "text": "Hej", "order": {"id": form["id"]}},
    )
    exactly = api.send("POST", reply_path, {"text": "x" * 2000})

    assert too_long.status_code == 422 and _error(too_long)["path"] == "text"
    for refused in (no_order, null_order, not_theirs):
        assert refused.status_code == 422
        assert (_error(refused)["code"], _error(refused)["path"]) == ("VALIDATION_ERROR", "order")
    assert exactly.status_code == 201 and len(exactly.json()["text"]) == 2000
    assert [sent["text"] for sent in state.messaging_sent(seller)] == ["x" * 2000]


def test_429_with_retry_after_for_a_second_send_within_a_second(api, state, seller, thread, clock):
    form = state.add_checkout_form(seller)
    path = f"/messaging/threads/{thread}/messages"

    first = api.send("POST", path, {"text": "Raz"})
    second = api.send(
        "POST",
        "/messaging/messages",
        {"recipient": {"login": form["buyer"]["login"]}, "text": "Dwa", "order": {"id": form["id"]}},
    )
    clock.advance(1)
    third = api.send("POST", path, {"text": "Trzy"})

    assert (first.status_code, second.status_code, third.status_code) == (201, 429, 201)
    assert second.headers["Retry-After"] == "1" and _error(second)["code"] == "TOO_MANY_REQUESTS"


def test_thread_closed_and_thread_not_found_bodies(api, state, seller):
    problem = state.add_thread(seller, type="POST_PURCHASE_ISSUE", sub_type="NO_REFUND", text="Zwrot?")
    state.close_thread(problem)
    state.thread_not_found_next(problem)

    missing = api.get(f"/messaging/threads/{problem}", headers={"Accept-Language": "pl-PL"})
    closed = api.send("POST", f"/messaging/threads/{problem}/messages", {"text": "Hej"}, headers=JSON_BETA)

    assert missing.status_code == 404
    assert missing.json() == {
        "errors": [
            {
                "code": "THREAD_NOT_FOUND",
                "message": f"No thread with such Id [{problem}]",
                "details": None,
                "path": None,
                "userMessage": "Wątek nie istnieje",
                "metadata": {},
            }
        ]
    }
    assert closed.status_code == 422 and _error(closed)["code"] == "THREAD_CLOSED"
    assert api.get(f"/messaging/threads/{problem}").status_code == 200


def test_read_flag_changes_only_by_put(api, state, thread):
    api.get("/messaging/threads")
    api.get(f"/messaging/threads/{thread}/messages")
    api.send("POST", f"/messaging/threads/{thread}/messages", {"text": "Tak, dziś."})
    assert state.threads[thread].read is False

    public = api.send("PUT", f"/messaging/threads/{thread}/read", {"read": True})
    beta = api.send("PUT", f"/messaging/threads/{thread}/read", {"read": False}, headers=JSON_BETA)
    missing = api.send("PUT", f"/messaging/threads/{thread}/read", {})

    assert public.status_code == 200 and public.json()["read"] is True and "interlocutor" in public.json()
    assert beta.json() == {"read": False} and state.threads[thread].read is False
    assert missing.status_code == 422


def test_other_sellers_threads_and_buyers_messages(api, state, seller, thread):
    foreign = state.add_thread(state.add_seller("inny"), text="Nie Twój")
    buyer_message = state.thread_messages[thread][0]

    assert api.get(f"/messaging/threads/{foreign}").status_code == 404
    assert api.get("/messaging/messages/" + state.thread_messages[foreign][0]).status_code == 404
    refused = api.session.delete(
        f"{api.server.url}/messaging/messages/{buyer_message}", headers=api.headers(), timeout=10
    )
    assert refused.status_code == 403
    assert [t["id"] for t in api.get("/messaging/threads").json()["threads"]] == [thread]


def test_faults_work_on_messaging_routes(api, state, seller, thread):
    route = "POST /messaging/threads/{threadId}/messages"
    state.fail_next(route, 503)
    failed = api.send("POST", f"/messaging/threads/{thread}/messages", {"text": "Nie doszło"})
    state.drop_after_commit(route)

    import requests

    with pytest.raises(requests.ConnectionError):
        api.send("POST", f"/messaging/threads/{thread}/messages", {"text": "Doszło"})

    assert failed.status_code == 503
    assert [sent["text"] for sent in state.messaging_sent(seller)] == ["Doszło"]
    assert [entry.dropped for entry in state.requests_for(route)] == [False, True]
