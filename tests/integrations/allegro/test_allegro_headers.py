"""What arrives at Allegro: vendor media types, language, bearer token and user agent."""

from __future__ import annotations

from integrations.allegro import PUBLIC_V1, AllegroClient, MemoryTokenStore
from integrations.allegro.fake import FakeAllegroState


def _call_every_endpoint(client: AllegroClient, form_id: str) -> None:
    client.me()
    client.get_order_event_stats()
    client.list_order_events()
    client.list_checkout_forms(limit=10)
    client.get_checkout_form(form_id)
    client.set_fulfillment_status(form_id, "PROCESSING")
    client.list_shipments(form_id)
    client.add_shipment(form_id, carrier_id="DPD", waybill="0000123456789U")
    client.list_carriers()


def test_headers_of_every_endpoint(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, store: MemoryTokenStore
) -> None:
    form = state.add_checkout_form(seller_id)
    _call_every_endpoint(client, form["id"])

    token = store.load()
    assert token is not None
    seen = {entry.route: entry for entry in state.requests}
    assert set(seen) == {
        "GET /me",
        "GET /order/event-stats",
        "GET /order/events",
        "GET /order/checkout-forms",
        "GET /order/checkout-forms/{id}",
        "PUT /order/checkout-forms/{id}/fulfillment",
        "GET /order/checkout-forms/{id}/shipments",
        "POST /order/checkout-forms/{id}/shipments",
        "GET /order/carriers",
    }
    for route, entry in seen.items():
        assert entry.headers["Accept"] == PUBLIC_V1, route
        assert entry.headers["Authorization"] == f"Bearer {token.access_token}", route
        assert entry.headers["User-Agent"] == "AllegroDesk/0.1", route
        assert 200 <= entry.status < 300, route
        if entry.method in ("PUT", "POST"):
            assert entry.headers["Content-Type"] == PUBLIC_V1, route
        else:
            assert "Content-Type" not in entry.headers, route
        # the spec declares only en-US for the fulfillment PUT; Polish everywhere else
        expected_language = "en-US" if entry.method == "PUT" else "pl-PL"
        assert entry.headers["Accept-Language"] == expected_language, route
    assert client.request_count == len(state.requests) == 9


def test_configured_language_and_user_agent(fake_allegro, tokens, state: FakeAllegroState) -> None:
    with AllegroClient(fake_allegro.url, tokens, accept_language="en-US", user_agent="Test/1") as api:
        api.list_carriers()
    (entry,) = state.requests
    assert (entry.headers["Accept-Language"], entry.headers["User-Agent"]) == ("en-US", "Test/1")


def test_trailing_slash_in_the_base_url(fake_allegro, tokens, state: FakeAllegroState) -> None:
    with AllegroClient(fake_allegro.url + "/", tokens) as api:
        api.list_carriers()
    assert state.requests[0].path == "/order/carriers"
