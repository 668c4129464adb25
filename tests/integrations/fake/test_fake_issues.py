"""The fake's `/sale/issues*` rules, spoken to over raw HTTP: media types, paging, messages, claims."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

BETA = "application/vnd.allegro.beta.v1+json"
PUB = "application/vnd.allegro.public.v1+json"
JSON_BETA = {"Accept": BETA, "Content-Type": BETA}
UNKNOWN = "7cf7dba4-d232-4559-972b-edb8bd3d8883"


def _get(api, path, **kwargs):
    return api.get(path, headers={"Accept": BETA}, **kwargs)


def _post(api, path, body):
    return api.send("POST", path, body, headers=JSON_BETA)


def _code(response):
    return response.json()["errors"][0]["code"]


def _opened(clock, days):
    return clock.now - dt.timedelta(days=days)


# --- media types and reading ----------------------------------------------------------------------


def test_only_beta_is_spoken(api, state, seller):
    issue = state.add_issue(seller)

    assert api.get("/sale/issues").status_code == 406  # the fixture asks for public.v1
    assert api.get(f"/sale/issues/{issue['id']}").status_code == 406
    response = _get(api, f"/sale/issues/{issue['id']}")
    assert response.status_code == 200 and response.headers["Content-Type"] == BETA
    plain = api.send("POST", f"/sale/issues/{issue['id']}/message", {"type": "REGULAR", "text": "x"})
    assert plain.status_code == 406
    wrong_body = api.send(
        "POST",
        f"/sale/issues/{issue['id']}/message",
        {"type": "REGULAR", "text": "x"},
        headers={"Accept": BETA, "Content-Type": PUB},
    )
    assert wrong_body.status_code == 415 and _code(wrong_body) == "NotSupportedException"


def test_list_is_newest_first_ten_by_default_without_totals(api, state, seller, clock):
    ids = [state.add_issue(seller, opened_at=_opened(clock, days))["id"] for days in range(12, 0, -1)]

    body = _get(api, "/sale/issues").json()

    assert list(body) == ["issues"]
    assert [i["id"] for i in body["issues"]] == ids[::-1][:10]
    assert [i["id"] for i in _get(api, "/sale/issues", params={"offset": 10}).json()["issues"]] == ids[1::-1]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"status": "OPEN"}])
def test_list_refuses_values_outside_the_spec(api, params):
    response = _get(api, "/sale/issues", params=params)

    assert response.status_code == 422 and _code(response) == "VALIDATION_ERROR"


def test_list_filters_by_repeated_status_and_by_order(api, state, seller, clock):
    form = state.add_checkout_form(seller)
    closed = state.add_issue(seller, opened_at=_opened(clock, 3))
    claim = state.add_issue(seller, type="CLAIM", checkout_form_id=form["id"], opened_at=_opened(clock, 2))
    ongoing = state.add_issue(seller, opened_at=_opened(clock, 1))
    state.set_issue_status(closed["id"], "DISPUTE_CLOSED")

    both = _get(api, "/sale/issues", params=[("status", "CLAIM_SUBMITTED"), ("status", "DISPUTE_CLOSED")])
    by_form = _get(api, "/sale/issues", params={"checkoutForm.id": form["id"]})

    assert [i["id"] for i in both.json()["issues"]] == [claim["id"], closed["id"]]
    assert [i["id"] for i in by_form.json()["issues"]] == [claim["id"]]
    assert ongoing["id"] not in {i["id"] for i in both.json()["issues"]}
    assert state.violations == []


def test_chat_pages_default_to_ten(api, state, seller):
    issue = state.add_issue(seller)
    for n in range(14):
        state.add_buyer_message(issue["id"], f"wiadomość {n}")

    first = _get(api, f"/sale/issues/{issue['id']}/chat").json()["chat"]
    rest = _get(api, f"/sale/issues/{issue['id']}/chat", params={"offset": 10, "limit": 100}).json()["chat"]

    assert len(first) == 10 and len(rest) == 5
    assert _get(api, f"/sale/issues/{issue['id']}/chat", params={"limit": 101}).status_code == 422


def test_other_sellers_issues_are_not_found(api, state):
    foreign = state.add_issue(state.add_seller("inny_sklep"))

    assert _get(api, f"/sale/issues/{foreign['id']}").status_code == 404
    assert _get(api, f"/sale/issues/{foreign['id']}/chat").status_code == 404
    assert (
        _post(api, f"/sale/issues/{foreign['id']}/message", {"type": "REGULAR", "text": "x"}).status_code
        == 404
    )
    assert _get(api, f"/sale/issues/{UNKNOWN}").status_code == 404


# --- messages ----------------------------------------------------------------------------------------


def test_seller_message_is_created_and_counted(api, state, seller):
    issue = state.add_issue(seller)

    response = _post(api, f"/sale/issues/{issue['id']}/message", {"type": "REGULAR", "text": "Dzień dobry"})

    assert response.status_code == 201 and response.headers["Content-Type"] == BETA
    entry = response.json()
    assert entry["author"] == {"login": "sklep_testowy", "role": "SELLER"} and entry["text"] == "Dzień dobry"
    chat = state.issues[issue["id"]]["chat"]
    assert chat["messagesCount"] == 2
    assert chat["lastMessage"] == {"status": "SELLER_REPLIED", "createdAt": entry["createdAt"]}
    assert state.violations == []


def test_last_message_status_follows_who_wrote(state, seller):
    issue = state.add_issue(seller)
    last = lambda: state.issues[issue["id"]]["chat"]["lastMessage"]["status"]  # noqa: E731

    state.add_advisor_message(issue["id"], "Doradca")
    assert last() == "NEW"  # the seller has not written yet
    state.add_buyer_message(issue["id"], "Halo?")
    assert last() == "NEW"
    state.add_seller_message(issue["id"], "Już odpowiadam")
    assert last() == "SELLER_REPLIED"
    state.add_buyer_message(issue["id"], "Dziękuję")
    assert last() == "BUYER_REPLIED"
    state.add_advisor_message(issue["id"], "Doradca ponownie")
    assert last() == "ALLEGRO_ADVISOR_REPLIED"
    assert state.issues[issue["id"]]["chat"]["messagesCount"] == 6


@pytest.mark.parametrize(
    ("kind", "body", "status"),
    [
        ("CLAIM", {"type": "END_REQUEST", "text": "Zamknijmy"}, 422),
        ("DISPUTE", {"type": "RETURN_REQUIRED_CUSTOM", "text": "Proszę odesłać"}, 422),
        ("DISPUTE", {"type": "REGULAR", "text": "x" * 20001}, 422),
        ("DISPUTE", {"type": "REGULAR"}, 422),
        ("DISPUTE", {"type": "REGULAR", "text": "x", "attachments": [{"id": UNKNOWN}]}, 422),
        ("DISPUTE", {"text": "bez typu"}, 422),
    ],
)
def test_message_rules(api, state, seller, kind, body, status):
    issue = state.add_issue(seller, type=kind)

    response = _post(api, f"/sale/issues/{issue['id']}/message", body)

    assert response.status_code == status
    assert len(state.issue_chats[issue["id"]]) == 1


def test_message_to_a_closed_chat_is_409(api, state, seller):
    issue = state.add_issue(seller)
    state.set_issue_status(issue["id"], "DISPUTE_CLOSED")

    response = _post(api, f"/sale/issues/{issue['id']}/message", {"type": "REGULAR", "text": "Halo"})

    assert response.status_code == 409
    assert state.issues[issue["id"]]["currentState"]["chatActive"] is False


def test_a_valid_message_is_no_spec_violation(api, state, seller):
    """The spec's MessageRequest names a non-existent `attachment` as required; valid bodies must pass."""
    issue = state.add_issue(seller, type="CLAIM")

    text_only = _post(api, f"/sale/issues/{issue['id']}/message", {"type": "REGULAR", "text": "Dzień dobry"})
    returned = _post(
        api,
        f"/sale/issues/{issue['id']}/message",
        {"type": "RETURN_REQUIRED_SELLER_LABEL", "text": "Etykieta"},
    )

    assert (text_only.status_code, returned.status_code) == (201, 201)
    assert state.issues[issue["id"]]["currentState"]["returnRequired"] is True
    assert state.violations == []


# --- claim decisions --------------------------------------------------------------------------------


def test_claim_decision_answers_200_without_a_body(api, state, seller):
    claim = state.add_issue(seller, type="CLAIM")

    response = _post(
        api, f"/sale/issues/{claim['id']}/status", {"status": "REJECTED_MINOR_DEFECT", "message": "Nie"}
    )

    assert response.status_code == 200 and response.content == b""
    stored = state.issues[claim["id"]]
    assert (
        stored["currentState"]["status"] == "CLAIM_REJECTED"
        and stored["currentState"]["statusDueDate"] is None
    )
    assert stored["chat"]["messagesCount"] == 1  # the SYSTEM note is no message
    assert state.issue_chats[claim["id"]][-1]["author"] == {"role": "SYSTEM"}
    again = _post(
        api, f"/sale/issues/{claim['id']}/status", {"status": "REJECTED_OTHER", "message": "Jednak inaczej"}
    )
    assert again.status_code == 422  # a rejection is never changed into another rejection
    accepted = _post(
        api, f"/sale/issues/{claim['id']}/status", {"status": "ACCEPTED_REFUND", "message": "Jednak tak"}
    )
    assert accepted.status_code == 200
    assert state.issues[claim["id"]]["currentState"]["status"] == "CLAIM_ACCEPTED"


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("DISPUTE", {"status": "ACCEPTED_REFUND", "message": "ok"}),
        ("CLAIM", {"status": "ACCEPTED_REFUND"}),
        ("CLAIM", {"status": "ACCEPTED_REFUND", "message": "  "}),
        ("CLAIM", {"status": "ACCEPTED_PARTIAL_REFUND", "message": "ok"}),
        ("CLAIM", {"status": "ACCEPTED", "message": "ok"}),
    ],
)
def test_claim_decision_rules(api, state, seller, kind, body):
    issue = state.add_issue(seller, type=kind)

    response = _post(api, f"/sale/issues/{issue['id']}/status", body)

    assert response.status_code == 422
    assert state.issues[issue["id"]]["currentState"]["status"] in ("DISPUTE_ONGOING", "CLAIM_SUBMITTED")


# --- test handle, faults and log -------------------------------------------------------------------


def test_claims_get_a_number_and_a_fourteen_day_deadline(state, seller, clock):
    claim = state.add_issue(seller, type="CLAIM")
    dispute = state.add_issue(seller)

    assert claim["referenceNumber"] == f"1/{clock.now.year}"
    assert claim["decisionDueDate"] == claim["currentState"]["statusDueDate"] == "2026-03-16T12:00:00.000Z"
    assert dispute["referenceNumber"] is None and dispute["decisionDueDate"] is None
    assert dispute["subject"] and "reason" not in dispute


def test_handle_refuses_impossible_arrangements(state, seller):
    foreign_form = state.add_checkout_form(state.add_seller("inny_sklep"))
    dispute = state.add_issue(seller)

    with pytest.raises(KeyError):
        state.add_issue(seller, checkout_form_id=foreign_form["id"])
    with pytest.raises(ValueError):
        state.set_issue_status(dispute["id"], "CLAIM_ACCEPTED")
    with pytest.raises(ValueError):
        state.add_issue(seller, type="RETURN")
    with pytest.raises(ValueError):
        state.attach_file("a.txt", b"text", "text/plain")


def test_faults_and_the_log_use_spec_route_names(api, state, seller):
    issue = state.add_issue(seller)
    state.fail_next("GET /sale/issues/{issueId}", 503)
    state.drop_after_commit("POST /sale/issues/{issueId}/message")

    assert _get(api, f"/sale/issues/{issue['id']}").status_code == 503
    with pytest.raises(requests.ConnectionError):
        _post(api, f"/sale/issues/{issue['id']}/message", {"type": "REGULAR", "text": "Halo"})

    assert state.issues[issue["id"]]["chat"]["messagesCount"] == 2  # applied before the drop
    assert [r.status for r in state.requests_for("GET /sale/issues/{issueId}")] == [503]
    (logged,) = state.requests_for("POST /sale/issues/{issueId}/message")
    assert logged.dropped and logged.body == {"type": "REGULAR", "text": "Halo"}
