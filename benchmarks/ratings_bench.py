"""Ratings pages at 500 and 50 000 ratings: p95 of the list and the dashboard through the Flask test client.

The list is a keyset page on an index and the dashboard sums per-day statistics, so neither should
care how many ratings an account has; the ratio of the two p95s is the figure (target <= 1.5).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import insert

from benchmarks.common import desk_app, scratch_database
from benchmarks.pages import alternating_p95, get_ok
from desk.extensions import db
from desk.models import AccountStatus, Order, Role, SellerAccount
from desk.models.rating import Rating, RemovalOutcome
from desk.services.accounts import auth
from desk.services.ratings import rollup as rating_rollup
from desk.services.ratings.store import link_orders, warsaw_day

SIZES = (500, 50_000)
REQUESTS, WARM_UP = 60, 8
HISTORY_DAYS = 3 * 365
PASSWORD = "Benchmark-Haslo-2026"
PAGES = (
    ("ratings list", "/ratings/"),
    # 10 a page: even 500 ratings hold that many unanswered negatives, so both sizes draw 10 rows
    ("negative, unanswered", "/ratings/?recommended=no&unanswered=1&per_page=10"),
    ("dashboard per week", "/ratings/dashboard"),
    ("dashboard per month", "/ratings/dashboard?period=month"),
)
def run(backend: str, tmp_dir: str) -> list[tuple[str, str, float, float, float]]:
    """(backend, page, p95 ms at 500, p95 ms at 50 000, ratio) for each page.

    Both databases are built first and the requests alternate between them, so load from other
    work on the machine hits both sizes alike and the ratio stays meaningful.
    """
    with contextlib.ExitStack() as stack:
        clients = {}
        for size in SIZES:
            url = stack.enter_context(scratch_database(backend, tmp_dir))
            clients[size] = _desk(url, size)
            stack.callback(_dispose, clients[size].application)
        rows = []
        for name, path in PAGES:
            small, large = alternating_p95(
                [lambda c=clients[size], p=path: get_ok(c, p) for size in SIZES],
                runs=REQUESTS, warmup=WARM_UP,
            )
            rows.append((backend, name, small, large, large / small))
    return rows


def _desk(url: str, size: int):
    """A desk app on `url` holding `size` ratings, and a test client signed in as its owner."""
    app = desk_app(url, "http://127.0.0.1:9")  # the pages never call Allegro
    _register(app)
    with app.app_context():
        db.create_all()
        _populate(size)
        db.session.remove()
    client = app.test_client()
    response = client.post("/login", data={"email": "owner@bench.pl", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _register(app) -> None:
    from desk.views import orders, ratings

    for blueprint in (ratings.bp, orders.bp):
        if blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)


def _populate(size: int) -> None:
    account = SellerAccount(name="Sklep Benchmark", status=AccountStatus.ACTIVE)
    db.session.add(account)
    db.session.commit()
    auth.create_agent(email="owner@bench.pl", name="Właściciel", password=PASSWORD, role=Role.OWNER)
    seed_ratings(account.id, size)


def seed_ratings(account_id: int, size: int) -> None:
    """`size` ratings over three years, half of them with their order; 8% negative, mostly answered."""
    rng = random.Random(size)
    now = dt.datetime.now(dt.UTC)
    step = dt.timedelta(days=HISTORY_DAYS) / size
    orders, ratings = [], []
    for n in range(size):
        rated_at = now - step * (size - n) + dt.timedelta(seconds=rng.randint(0, 59))
        form_id = f"{rng.getrandbits(128):032x}"
        if n % 2 == 0:
            orders.append(_order(account_id, form_id, rated_at, rng))
        recommended = rng.random() > 0.08
        answered = not recommended and rng.random() < 0.7
        ratings.append({
            "account_id": account_id, "allegro_id": f"{rng.getrandbits(96):024x}",
            "checkout_form_id": form_id, "buyer_allegro_id": str(rng.randint(10**7, 10**8)),
            "buyer_login": f"kupujacy_{n}", "recommended": recommended,
            "comment": "Polecam, szybka wysyłka." if recommended else "Nie polecam.",
            "offers": [{"id": "1", "title": "Ładowarka USB-C 20W"}], "rated_at": rated_at,
            "rated_on": warsaw_day(rated_at), "last_changed_at": rated_at,
            "answer_text": "Przepraszamy." if answered else None,
            "answered_at": rated_at if answered else None,
            "removal_possible_to": rated_at + dt.timedelta(days=7) if not recommended else None,
            "removal_outcome": RemovalOutcome.NONE, "excluded": rng.random() < 0.01,
            "is_new_negative": not recommended and n > size - 20,
            "first_seen_at": rated_at, "synced_at": rated_at,
        })
    for start in range(0, len(orders), 5000):
        db.session.execute(insert(Order), orders[start : start + 5000])
    for start in range(0, len(ratings), 5000):
        db.session.execute(insert(Rating), ratings[start : start + 5000])
    db.session.commit()
    link_orders(account_id)
    rating_rollup.rebuild(account_id)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # what autovacuum would soon do after a bulk load
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")


def _order(account_id: int, form_id: str, rated_at: dt.datetime, rng: random.Random) -> dict:
    bought = rated_at - dt.timedelta(days=rng.randint(2, 10))
    return {
        "account_id": account_id, "allegro_id": form_id, "status": "READY_FOR_PROCESSING",
        "fulfillment_status": "SENT", "bought_at": bought, "allegro_updated_at": bought,
        "buyer_login": "kupujacy", "total_amount": Decimal(rng.randint(1000, 50000)) / 100, "currency": "PLN",
        "delivery_method_name": "Allegro Paczkomaty InPost", "synced_at": bought,
    }
