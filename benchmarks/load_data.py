"""The desk the load benchmark serves: 30 000 orders of two seller accounts, with issues and ratings
in the proportions of the page benchmarks (one issue per ten orders, one rating per three)."""

from __future__ import annotations

import random

from benchmarks.common import desk_app
from benchmarks.issues_bench import seed_issues
from benchmarks.orders_bench import seed_orders
from benchmarks.ratings_bench import seed_ratings
from desk.extensions import db
from desk.models import AccountStatus, Role, SellerAccount
from desk.services.accounts import auth

ORDERS = 30_000
ISSUES = ORDERS // 10
RATINGS = ORDERS // 3  # half of them bring their own order, counted in ORDERS
ADMIN_EMAIL = "load-admin@bench.pl"
AGENT_EMAIL = "load-agent@bench.pl"
PASSWORD = "Obciazenie-Haslo-2026"


def build(database_url: str) -> None:
    """Create the schema and the data in an empty database."""
    app = desk_app(database_url, "http://127.0.0.1:9")  # nothing here calls Allegro
    with app.app_context():
        db.create_all()
        accounts = [SellerAccount(name=f"Sklep {n}", status=AccountStatus.ACTIVE) for n in (1, 2)]
        db.session.add_all(accounts)
        db.session.commit()
        ids = [account.id for account in accounts]
        auth.create_agent(email=ADMIN_EMAIL, name="Administrator", password=PASSWORD, role=Role.ADMIN)
        agent = auth.create_agent(
            email=AGENT_EMAIL, name="Agentka", password=PASSWORD, role=Role.AGENT, account_ids=ids
        )
        seed_orders(ids[0], ORDERS - RATINGS // 2, random.Random(ORDERS))
        seed_ratings(ids[1], RATINGS)
        seed_issues([ids[0], ids[1], ids[1]], ISSUES, [agent.id])
        db.session.remove()
        db.engine.dispose()
