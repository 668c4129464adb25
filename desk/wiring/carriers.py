"""Carrier ports for the desk: the broker's own contracts (InPost ShipX, DPD, Poczta Polska) and
Wysyłam z Allegro, the one place that knows whether they are the real services or the fakes.

`DESK_CARRIERS_BACKEND=http` builds each adapter on its configured URL and credentials. `fake` starts
every carrier's fake in this process on 127.0.0.1 (on first use), with demo points and parcels that
move along their tracking path as time passes; production refuses it (desk/config.py). Wysyłam z
Allegro speaks with the seller account's own Allegro token, so its port is built per account on the
Allegro gateway (the fake Allegro serves it when the Allegro backend is the fake).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from integrations.carriers import CarrierPort

CARRIERS = "desk.carriers"
FAKE_CARRIERS = "desk.fake_carriers"
BACKENDS = ("fake", "http")
BROKER_CARRIERS = ("inpost", "dpd", "poczta")
ALLEGRO = "allegro"
ALLEGRO_EXTENSION = "desk.allegro"


@dataclass
class CarrierGateway:
    """Hands out carrier ports: one adapter per broker carrier and thread (adapters keep a pooled
    HTTP session), and a Wysyłam z Allegro port per seller account."""

    builders: dict[str, Callable[[], CarrierPort]]
    allegro: Callable[[int], CarrierPort]
    _local: threading.local = field(default_factory=threading.local)

    def carriers(self) -> tuple[str, ...]:
        """Every carrier key the desk can ship with."""
        return (*self.builders, ALLEGRO)

    def port(self, carrier: str, *, account_id: int | None = None) -> CarrierPort:
        """The port of `carrier`; Wysyłam z Allegro needs the seller account it ships for."""
        if carrier == ALLEGRO:
            if account_id is None:
                raise ValueError("Wysyłam z Allegro ships for a seller account: pass account_id")
            return self.allegro(account_id)
        if carrier not in self.builders:
            raise KeyError(f"unknown carrier {carrier!r}; known: {', '.join(self.carriers())}")
        ports: dict[str, CarrierPort] = self._local.__dict__.setdefault("ports", {})
        if carrier not in ports:
            ports[carrier] = self.builders[carrier]()
        return ports[carrier]


@dataclass
class _LazyCarriers:
    """Defers starting the fakes (and reading credentials) until something really ships."""

    app: Flask
    _gateway: CarrierGateway | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self) -> CarrierGateway:
        with self._lock:
            if self._gateway is None:
                self._gateway = build_gateway(self.app)
            return self._gateway


def init_app(app: Flask) -> None:
    """Check the carrier backend and register the (lazily built) carrier gateway."""
    if app.config["CARRIERS_BACKEND"] not in BACKENDS:
        raise ValueError("DESK_CARRIERS_BACKEND must be 'fake' or 'http'")
    app.extensions[CARRIERS] = _LazyCarriers(app)


def get_carriers(app: Flask | None = None) -> CarrierGateway:
    """The carrier gateway of the current app (the port shipping services receive)."""
    return (app or current_app).extensions[CARRIERS].get()


def build_gateway(app: Flask) -> CarrierGateway:
    """Adapters on the real services or on the in-process fakes, as DESK_CARRIERS_BACKEND says."""
    settings = fake_settings(app) if app.config["CARRIERS_BACKEND"] == "fake" else http_settings(app)
    return CarrierGateway(
        builders=_builders(settings, float(app.config["CARRIERS_TIMEOUT"])), allegro=_allegro_port(app)
    )


def http_settings(app: Flask) -> dict[str, dict[str, Any]]:
    """Per-carrier URLs and credentials from the configuration (DESK_INPOST_*, DESK_DPD_*, DESK_POCZTA_*)."""
    config = app.config
    return {
        "inpost": {
            "base_url": config["INPOST_API_URL"],
            "token": config["INPOST_TOKEN"] or "",
            "organization_id": config["INPOST_ORGANIZATION_ID"] or "0",
        },
        "dpd": {
            "services_url": config["DPD_API_URL"],
            "info_url": config["DPD_INFO_URL"],
            "points_url": config["DPD_POINTS_URL"] or config["DPD_API_URL"],
            "login": config["DPD_LOGIN"] or "",
            "password": config["DPD_PASSWORD"] or "",
            "master_fid": int(config["DPD_MASTER_FID"] or 0),
            "info_login": config["DPD_INFO_LOGIN"] or "",
            "info_password": config["DPD_INFO_PASSWORD"] or "",
            "info_channel": config["DPD_INFO_CHANNEL"] or "",
        },
        "poczta": {
            "url": config["POCZTA_API_URL"],
            "login": config["POCZTA_LOGIN"] or "",
            "password": config["POCZTA_PASSWORD"] or "",
            "tracking_url": config["POCZTA_TRACKING_URL"],
            "tracking_username": config["POCZTA_TRACKING_LOGIN"] or "",
            "tracking_password": config["POCZTA_TRACKING_PASSWORD"] or "",
        },
    }


def fake_settings(app: Flask) -> dict[str, dict[str, Any]]:
    """Start the carriers' fakes once per app and return their URLs and demo credentials."""
    if FAKE_CARRIERS not in app.extensions:
        app.extensions[FAKE_CARRIERS] = _start_fakes(app)
    return {name: fake.settings for name, fake in app.extensions[FAKE_CARRIERS].items()}


@dataclass(frozen=True)
class RunningFake:
    """A carrier fake serving in this process: its server (.url, .state) and the adapter settings."""

    server: Any
    settings: dict[str, Any]


def _start_fakes(app: Flask) -> dict[str, RunningFake]:
    step = float(app.config["CARRIERS_DEMO_STEP_SECONDS"])
    return {"inpost": _fake_inpost(step), "dpd": _fake_dpd(step), "poczta": _fake_poczta(step)}


def _fake_inpost(step: float) -> RunningFake:
    from integrations.carriers.inpost.fake import DEFAULT_ORG, DEFAULT_TOKEN, serve_demo

    server = serve_demo(auto_advance=step)
    return RunningFake(
        server, {"base_url": server.url, "token": DEFAULT_TOKEN, "organization_id": DEFAULT_ORG}
    )


def _fake_dpd(step: float) -> RunningFake:
    from integrations.carriers.dpd.fake import DpdFakeState, seed_demo, serve_dpd

    server = serve_dpd(seed_demo(DpdFakeState(auto_advance=step)))
    urls = dict.fromkeys(("services_url", "info_url", "points_url"), server.url)
    credentials = {
        "login": "demo",
        "password": "demo-password",
        "master_fid": 1495,
        "info_login": "demo",
        "info_password": "demo-info",
        "info_channel": "desk",
    }
    return RunningFake(server, {**urls, **credentials})


def _fake_poczta(step: float) -> RunningFake:
    from integrations.carriers.poczta.fake import ENADAWCA_PATH, SLEDZENIE_PATH, PocztaState, serve_poczta

    server = serve_poczta(PocztaState(auto_advance=step), demo=True)
    return RunningFake(
        server,
        {
            "url": server.url + ENADAWCA_PATH,
            "login": "sklep",
            "password": "haslo-enadawca",
            "tracking_url": server.url + SLEDZENIE_PATH,
            "tracking_username": "sledzeniepp",
            "tracking_password": "PPSA",
        },
    )


def _builders(settings: dict[str, dict[str, Any]], timeout: float) -> dict[str, Callable[[], CarrierPort]]:
    from integrations.carriers.dpd import DpdAdapter, DpdCredentials
    from integrations.carriers.inpost.adapter import InPostAdapter
    from integrations.carriers.poczta.adapter import PocztaAdapter

    read_timeout = (5.0, timeout)
    builders: dict[str, Callable[[], CarrierPort]] = {}
    if "inpost" in settings:
        inpost = settings["inpost"]
        builders["inpost"] = lambda: InPostAdapter(
            inpost["base_url"], inpost["token"], inpost["organization_id"], timeout=read_timeout
        )
    if "dpd" in settings:
        dpd = dict(settings["dpd"])
        credentials = DpdCredentials(
            dpd.pop("login"),
            dpd.pop("password"),
            dpd.pop("master_fid"),
            info_login=dpd.pop("info_login"),
            info_password=dpd.pop("info_password"),
            info_channel=dpd.pop("info_channel"),
        )
        builders["dpd"] = lambda: DpdAdapter(
            dpd["services_url"],
            credentials,
            info_url=dpd["info_url"],
            points_url=dpd["points_url"],
            timeout=read_timeout,
        )
    if "poczta" in settings:
        poczta = dict(settings["poczta"])
        url, login, password = poczta.pop("url"), poczta.pop("login"), poczta.pop("password")
        builders["poczta"] = lambda: PocztaAdapter(url, login, password, timeout=read_timeout, **poczta)
    return builders


def _allegro_port(app: Flask) -> Callable[[int], CarrierPort]:
    """Wysyłam z Allegro for one seller account, on the account's Allegro client (its token, the shared
    request budget, the fake Allegro when that is the Allegro backend)."""
    from integrations.allegro.carrier import AllegroDeliveryCarrier

    allegro = app.extensions[ALLEGRO_EXTENSION]  # the lazily built Allegro gateway (desk/wiring/__init__.py)

    def port(account_id: int) -> CarrierPort:
        return AllegroDeliveryCarrier(allegro.get().client_for(account_id))

    return port


def remittance_parsers() -> dict[str, Callable[[bytes], Any]]:
    """Each broker carrier's COD remittance parser (file bytes -> Remittance), by carrier key."""
    from integrations.carriers.dpd import cod_remittance as dpd
    from integrations.carriers.inpost import cod_remittance as inpost
    from integrations.carriers.poczta import cod_remittance as poczta

    return {"inpost": inpost.parse, "dpd": dpd.parse, "poczta": poczta.parse}


def stop_fakes(app: Flask) -> None:
    """Stop the carriers' fakes of `app` (tests and benchmarks that start many apps)."""
    for fake in app.extensions.pop(FAKE_CARRIERS, {}).values():
        fake.server.stop()
