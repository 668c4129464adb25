"""Carrier wiring: fakes started in-process on first use, real URLs from the configuration, and
production refusing the fakes."""

from __future__ import annotations

import threading

import pytest
from cryptography.fernet import Fernet

from desk import create_app
from desk.config import ConfigError
from desk.wiring.carriers import BROKER_CARRIERS, FAKE_CARRIERS, get_carriers, stop_fakes
from integrations.carriers import CarrierPort
from integrations.carriers.inpost.fake import DEFAULT_ORG, DEFAULT_TOKEN, serve_inpost


def _app(**config):
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "wiring-test", **config})


def test_the_fake_backend_starts_every_carrier_fake_on_loopback_on_first_use():
    app = _app(CARRIERS_BACKEND="fake")
    assert FAKE_CARRIERS not in app.extensions  # nothing started by building the app
    try:
        gateway = get_carriers(app)
        assert gateway.carriers() == (*BROKER_CARRIERS, "allegro")
        for carrier in BROKER_CARRIERS:
            port = gateway.port(carrier)
            assert isinstance(port, CarrierPort) and port.carrier == carrier
            assert port.points(city="Kraków"), carrier  # the demo points answer over HTTP
        urls = [fake.server.url for fake in app.extensions[FAKE_CARRIERS].values()]
        assert all(url.startswith("http://127.0.0.1:") for url in urls)
    finally:
        stop_fakes(app)
    assert FAKE_CARRIERS not in app.extensions


def test_each_thread_gets_its_own_adapter_and_unknown_carriers_are_named():
    app = _app(CARRIERS_BACKEND="fake")
    try:
        gateway = get_carriers(app)
        mine = gateway.port("inpost")
        assert gateway.port("inpost") is mine
        other = []
        thread = threading.Thread(target=lambda: other.append(gateway.port("inpost")))
        thread.start()
        thread.join()
        assert other[0] is not mine
        with pytest.raises(KeyError, match="ups"):
            gateway.port("ups")
        with pytest.raises(ValueError, match="account"):
            gateway.port("allegro")
    finally:
        stop_fakes(app)


def test_the_http_backend_uses_the_configured_urls_and_credentials():
    with serve_inpost() as inpost:
        inpost.state.add_point(
            "KRA010", city="Kraków", post_code="30-001", street="Długa", building_number="12"
        )
        app = _app(
            CARRIERS_BACKEND="http",
            INPOST_API_URL=inpost.url,
            INPOST_TOKEN=DEFAULT_TOKEN,
            INPOST_ORGANIZATION_ID=str(DEFAULT_ORG),
        )
        port = get_carriers(app).port("inpost")
        assert [point.point_id for point in port.points(city="Kraków")] == ["KRA010"]
        assert FAKE_CARRIERS not in app.extensions
        assert inpost.state.harness.count("GET /v1/points") == 1


def test_production_refuses_the_fake_carriers_and_unknown_backends_are_refused(tmp_path):
    production = {
        "ENV_NAME": "production",
        "PRIVACY_KEY_DIR": str(tmp_path),
        "ALLEGRO_BACKEND": "http",
        "TOKEN_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    }
    with pytest.raises(ConfigError, match="DESK_CARRIERS_BACKEND=http"):
        _app(CARRIERS_BACKEND="fake", **production)
    assert _app(CARRIERS_BACKEND="http", **production).config["CARRIERS_BACKEND"] == "http"
    with pytest.raises(ValueError, match="fake' or 'http"):
        _app(CARRIERS_BACKEND="pigeon")


def test_wysylam_z_allegro_ships_with_the_accounts_own_allegro_connection(app, fake_allegro):
    from desk.wiring import get_allegro
    from integrations.allegro.carrier import AllegroDeliveryCarrier
    from tests.factories import connect_account

    account, _ = connect_account(fake_allegro)
    port = get_carriers(app).port("allegro", account_id=account.id)
    assert isinstance(port, AllegroDeliveryCarrier) and isinstance(port, CarrierPort)
    assert port.points(city="Kraków") == ()  # the account's token reaches the fake Allegro
    assert fake_allegro.state.request_count("GET /order/carriers/ALLEGRO/points") == 1
    assert get_allegro().api_url == fake_allegro.url
