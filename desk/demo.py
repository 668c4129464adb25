"""Demo set-up for `make run`: an admin login and a seller account connected to the fake Allegro."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from desk import (
    demo_billing,
    demo_cod,
    demo_complaints,
    demo_invoices,
    demo_shipping,
    demo_surcharges,
    wiring,
)
from desk.extensions import db
from desk.models import Agent, Role, SellerAccount
from desk.services.accounts.auth import create_agent
from desk.services.accounts.sellers import activate_with_tokens
from desk.services.shipping import ensure_public_price_list
from desk.wiring import settings
from desk.wiring.carriers import FAKE_CARRIERS, get_carriers
from integrations.allegro import TokenPair
from integrations.allegro.auth import utcnow

DEMO_EMAIL = "admin@demo.pl"
DEMO_PASSWORD = "demo-desk-2026"
DEMO_ACCOUNT = "Sklep demo"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str | None  # None when the admin already existed (password unchanged)


def prepare_demo(app: Flask) -> DemoLogin:
    """Create the demo admin (first run only) and (re)connect the demo account to the fake."""
    if app.config["ALLEGRO_BACKEND"] != "fake":
        raise RuntimeError("the demo needs DESK_ALLEGRO_BACKEND=fake")
    password = None
    if db.session.scalar(select(Agent.id).where(Agent.email == DEMO_EMAIL)) is None:
        create_agent(
            email=DEMO_EMAIL,
            name="Administrator demo",
            password=DEMO_PASSWORD,
            role=Role.ADMIN,
            profile=settings(app).password_profile,
        )
        password = DEMO_PASSWORD
    server, _, seller_id = _fake(app)
    account = db.session.scalar(select(SellerAccount).where(SellerAccount.name == DEMO_ACCOUNT))
    if account is None:
        account = SellerAccount(name=DEMO_ACCOUNT)
        db.session.add(account)
        db.session.commit()
    # The fake lives in this process: every start issues it fresh tokens.
    pair = TokenPair.from_response(server.state.issue_token(seller_id), utcnow())
    activate_with_tokens(wiring.get_allegro(), account.id, pair)
    ensure_public_price_list(today=utcnow().date())  # the broker's public Cennik; kept when it exists
    demo_billing.prepare_billing(account.id)  # a balance the demo parcels are paid from
    if app.config["CARRIERS_BACKEND"] == "fake":
        get_carriers(app)  # the carriers' fakes start with the desk, like the fake Allegro
        demo_shipping.prepare_presets(account.id)
    demo_invoices.prepare_invoices(app, account.id)  # last month's invoices
    demo_cod.seed(account.id, utcnow())  # cash on delivery paid last week and due this week
    return DemoLogin(DEMO_EMAIL, password)


def fake_urls(app: Flask) -> dict[str, str]:
    """Where the in-process fakes listen: Allegro (also Wysyłam z Allegro) and each carrier."""
    urls = {"Allegro": _fake(app)[0].url}
    for name, fake in app.extensions.get(FAKE_CARRIERS, {}).items():
        urls[name] = fake.server.url
    return urls


def _fake(app: Flask):
    wiring.get_allegro()  # starts the fake
    return app.extensions[wiring.FAKE_EXTENSION]


def start_demo_ticker(app: Flask) -> threading.Thread:
    """Keep the demo alive: new orders and buyer changes every DEMO_TICK_SECONDS."""
    _, demo, _ = _fake(app)
    interval = float(app.config["DEMO_TICK_SECONDS"])

    def loop() -> None:
        while True:
            time.sleep(interval)
            demo.tick()

    thread = threading.Thread(target=loop, name="demo-ticker", daemon=True)
    thread.start()
    if app.config["CARRIERS_BACKEND"] == "fake":
        threading.Thread(target=_ship_demo_orders, args=(app,), name="demo-shipping", daemon=True).start()
    return thread


def _ship_demo_orders(app: Flask, first_wait: float = 15.0, every: float = 30.0) -> None:
    """Once the first sync has brought the demo orders, send some of them as parcels (a few tries), and
    once one of them has its waybill, let its carrier bill two surcharges for it; then complaints."""
    time.sleep(first_wait)
    shipped = billed = False
    for _attempt in range(10):
        with app.app_context():
            account_id = db.session.scalar(select(SellerAccount.id).where(SellerAccount.name == DEMO_ACCOUNT))
            try:
                if account_id is not None:
                    if not shipped and demo_shipping.ship_some_orders(app, account_id):
                        shipped = True
                        demo_billing.after_shipping(app, account_id)  # a refund and a withdrawal
                    demo_surcharges.add_demo_surcharges(app, account_id)
                    billed = demo_surcharges.has_surcharges(account_id)
            finally:
                db.session.remove()
        if shipped and billed:
            break
        time.sleep(every)
    _seed_demo_complaints(app, every)


def _seed_demo_complaints(app: Flask, every: float) -> None:
    """Once the carriers have given the demo parcels their waybills, write complaints in several states."""
    for _attempt in range(20):
        time.sleep(every)
        with app.app_context():
            account_id = db.session.scalar(select(SellerAccount.id).where(SellerAccount.name == DEMO_ACCOUNT))
            try:
                if account_id is not None and demo_complaints.seed(app, account_id):
                    return
            finally:
                db.session.remove()
