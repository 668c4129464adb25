"""Client behaviour that needs no server: input validation, query formatting, refused connections."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from integrations.allegro import (
    API_URLS,
    AUTH_URLS,
    BETA_V1,
    PUBLIC_V1,
    AllegroClient,
    AllegroConnectionError,
    MemoryTokenStore,
    TokenManager,
    TokenPair,
    format_datetime,
    media_type_for,
)

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def delays() -> list[float]:
    return []


@pytest.fixture
def client(closed_port: int, delays: list[float]) -> Iterator[AllegroClient]:
    token = TokenPair("A", "R", dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    tokens = TokenManager(MemoryTokenStore(token), None)
    with AllegroClient(f"http://127.0.0.1:{closed_port}", tokens, sleep=delays.append, max_retries=2) as c:
        yield c


def test_environments() -> None:
    assert API_URLS == {
        "production": "https://api.allegro.pl",
        "sandbox": "https://api.allegro.pl.allegrosandbox.pl",
    }
    assert AUTH_URLS == {
        "production": "https://allegro.pl",
        "sandbox": "https://allegro.pl.allegrosandbox.pl",
    }


def test_media_types_per_path() -> None:
    assert media_type_for("/order/checkout-forms") == PUBLIC_V1 == "application/vnd.allegro.public.v1+json"
    assert media_type_for("/sale/issues/abc/chat") == BETA_V1 == "application/vnd.allegro.beta.v1+json"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC), "2026-11-20T10:00:00.000Z"),
        (
            dt.datetime(2026, 11, 20, 11, 0, 5, 123987, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            "2026-11-20T10:00:05.123Z",
        ),
        (dt.datetime(2026, 11, 20, 10, 0), "2026-11-20T10:00:00.000Z"),  # naive is UTC, as in the DB
    ],
)
def test_format_datetime(value: dt.datetime, expected: str) -> None:
    assert format_datetime(value) == expected


@pytest.mark.parametrize(
    ("call", "kwargs"),
    [
        ("list_order_events", {"limit": 0}),
        ("list_order_events", {"limit": 1001}),
        ("list_order_events", {"types": "BOUGHT"}),
        ("list_checkout_forms", {"limit": 0}),
        ("list_checkout_forms", {"limit": 101}),
        ("list_checkout_forms", {"offset": -1}),
        ("list_checkout_forms", {"offset": 9950, "limit": 100}),
        ("list_checkout_forms", {"sort": "buyer.login"}),
        ("get_checkout_form", {"form_id": ""}),
        ("set_fulfillment_status", {"form_id": "f", "status": ""}),
        ("add_shipment", {"form_id": "f", "carrier_id": "INPOST", "waybill": ""}),
        ("add_shipment", {"form_id": "f", "carrier_id": "INPOST", "waybill": "x" * 65}),
        ("add_shipment", {"form_id": "f", "carrier_id": "OTHER", "waybill": "1", "carrier_name": "y" * 31}),
        ("add_shipment", {"form_id": "f", "carrier_id": "", "waybill": "1"}),
        ("add_shipment", {"form_id": "f", "carrier_id": "DPD", "waybill": "1", "line_item_ids": "abc"}),
    ],
)
def test_invalid_input_raises_before_sending(
    client: AllegroClient, call: str, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        getattr(client, call)(**kwargs)
    assert client.request_count == 0


def test_limits_at_the_edges_are_accepted_until_the_network(client: AllegroClient) -> None:
    # passing validation means reaching the (closed) port, which proves the edge values are allowed
    with pytest.raises(AllegroConnectionError):
        client.list_checkout_forms(offset=9900, limit=100)
    with pytest.raises(AllegroConnectionError):
        client.add_shipment("f", carrier_id="OTHER", waybill="x" * 64, carrier_name="y" * 30)


def test_refused_get_is_retried_and_counts_nothing_sent(client: AllegroClient, delays: list[float]) -> None:
    with pytest.raises(AllegroConnectionError):
        client.list_carriers()
    assert len(delays) == 2  # max_retries
    assert 0.25 <= delays[0] <= 0.5 and 0.5 <= delays[1] <= 1.0  # capped exponential with jitter
    assert client.request_count == 0


def test_refused_post_is_not_retried(client: AllegroClient, delays: list[float]) -> None:
    with pytest.raises(AllegroConnectionError):
        client.add_shipment("f", carrier_id="INPOST", waybill="620000000000000000000001")
    assert delays == []


def test_negative_settings_are_refused() -> None:
    tokens = TokenManager(MemoryTokenStore(), None)
    with pytest.raises(ValueError):
        AllegroClient("http://127.0.0.1:1", tokens, max_retries=-1)
