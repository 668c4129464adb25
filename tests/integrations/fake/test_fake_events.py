"""GET /order/events and /order/event-stats: the cursor semantics the desk's sync relies on."""

from __future__ import annotations

import pytest


def _events(api, **params):
    response = api.get("/order/events", params=params)
    assert response.status_code == 200, response.text
    return response.json()["events"]


def test_events_come_oldest_first_with_increasing_16_digit_ids(api, state, seller, clock):
    first = state.add_checkout_form(seller)
    clock.advance(60)
    second = state.add_checkout_form(seller, events=("BOUGHT",))

    events = _events(api)

    ids = [event["id"] for event in events]
    assert all(len(i) == 16 and i.isdigit() for i in ids)
    assert [int(i) for i in ids] == sorted(int(i) for i in ids) and len(set(ids)) == len(ids)
    assert [e["type"] for e in events] == ["BOUGHT", "FILLED_IN", "READY_FOR_PROCESSING", "BOUGHT"]
    assert [e["order"]["checkoutForm"]["id"] for e in events] == [first["id"]] * 3 + [second["id"]]


def test_from_is_exclusive_and_the_end_is_an_empty_list(api, state, seller):
    state.add_checkout_form(seller)
    events = _events(api)

    after_first = _events(api, **{"from": events[0]["id"]})
    caught_up = _events(api, **{"from": events[-1]["id"]})

    assert [e["id"] for e in after_first] == [e["id"] for e in events[1:]]
    assert caught_up == []


def test_limit_and_type_filter(api, state, seller):
    for _ in range(3):
        state.add_checkout_form(seller)

    two = _events(api, limit=2)
    ready = _events(api, type="READY_FOR_PROCESSING")
    bought_or_ready = api.get("/order/events", params=[("type", "BOUGHT"), ("type", "READY_FOR_PROCESSING")])

    assert len(two) == 2
    assert len(ready) == 3 and {e["type"] for e in ready} == {"READY_FOR_PROCESSING"}
    assert {e["type"] for e in bought_or_ready.json()["events"]} == {"BOUGHT", "READY_FOR_PROCESSING"}
    assert len(bought_or_ready.json()["events"]) == 6


@pytest.mark.parametrize("limit", [0, 1001, -5])
def test_limit_outside_1_to_1000_is_422(api, limit):
    response = api.get("/order/events", params={"limit": limit})

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "VALIDATION_ERROR"


def test_limit_1000_is_allowed(api):
    assert api.get("/order/events", params={"limit": 1000}).status_code == 200


def test_event_body_matches_the_spec(api, state, seller, spec_errors):
    form = state.add_checkout_form(seller)
    state.update_checkout_form(form["id"], messageToSeller="Proszę o fakturę")
    state.update_checkout_form(form["id"], event_type="BUYER_CANCELLED", status="CANCELLED")

    body = api.get("/order/events").json()

    assert spec_errors("OrderEventsList", body) == []
    event = body["events"][0]
    assert event["order"]["buyer"] == {
        key: form["buyer"][key] for key in ("id", "email", "login", "guest", "preferences")
    }
    assert event["order"]["marketplace"] == {"id": "allegro-pl"}
    assert [item["id"] for item in event["order"]["lineItems"]] == [item["id"] for item in form["lineItems"]]


def test_events_carry_the_revision_of_their_time(api, state, seller):
    form = state.add_checkout_form(seller)
    changed = state.update_checkout_form(form["id"], messageToSeller="Jednak kolor biały")

    events = _events(api)

    assert events[0]["order"]["checkoutForm"]["revision"] == form["revision"]
    assert events[-1]["type"] == "BUYER_MODIFIED"
    assert events[-1]["order"]["checkoutForm"]["revision"] == changed["revision"] != form["revision"]


def test_a_lost_change_updates_the_form_without_an_event(api, state, seller, clock):
    form = state.add_checkout_form(seller)
    before = len(_events(api))
    clock.advance(30)

    changed = state.update_checkout_form(form["id"], event_type=None, messageToSeller="Zmiana bez zdarzenia")

    assert len(_events(api)) == before
    fetched = api.get(f"/order/checkout-forms/{form['id']}").json()
    assert fetched == changed
    assert fetched["updatedAt"] > form["updatedAt"]
    assert len(fetched["revision"]) == 8 and fetched["revision"] != form["revision"]


def test_events_older_than_60_days_are_gone(api, state, seller, clock):
    state.add_checkout_form(seller, events=("BOUGHT",))
    clock.advance(61 * 24 * 3600)
    fresh = state.add_checkout_form(seller, events=("BOUGHT",))
    api.token = state.issue_token(seller)["access_token"]  # the old one expired meanwhile

    events = _events(api)

    assert [e["order"]["checkoutForm"]["id"] for e in events] == [fresh["id"]]


def test_event_stats_point_at_the_latest_event(api, state, seller):
    state.add_checkout_form(seller)
    latest = state.emit_event(next(iter(state.checkout_forms)), "BUYER_MODIFIED")

    body = api.get("/order/event-stats").json()

    assert body == {"latestEvent": {"id": latest["id"], "occurredAt": latest["occurredAt"]}}
    assert _events(api, **{"from": body["latestEvent"]["id"]}) == []


def test_event_stats_without_events(api, clock, spec_errors):
    body = api.get("/order/event-stats").json()

    assert body["latestEvent"]["id"] == "0"
    assert body["latestEvent"]["occurredAt"].startswith("2026-03-02T12:00:00")
    assert spec_errors("OrderEventStats", body) == []


def test_unknown_event_types_change_nothing(state, seller):
    form = state.add_checkout_form(seller)
    before = (len(state.events), state.checkout_forms[form["id"]])

    with pytest.raises(ValueError, match="unknown event types"):
        state.update_checkout_form(form["id"], event_type="PAID", status="READY_FOR_PROCESSING")
    with pytest.raises(ValueError, match="unknown event types"):
        state.add_checkout_form(seller, events=("BOUGHT", "SHIPPED"))

    assert (len(state.events), state.checkout_forms[form["id"]]) == before
    assert len(state.checkout_forms) == 1


def test_unknown_event_type_filter_is_422(api):
    assert api.get("/order/events", params={"type": "PAID"}).status_code == 422
