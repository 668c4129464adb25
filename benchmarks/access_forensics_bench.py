"""Breach forensics over a year of access log (G9): the owner's questions answered over 1 000 000 rows.

A desk of 5 seller accounts and 30 agents whose log holds 1 000 000 rows over 12 months (200 000 buyers,
500 000 orders; list pages write 50 rows at a time, detail pages one). Each question is asked as the
access log page asks it (desk.services.privacy.access_queries), five times; the table gives the median
and the slowest, the rows it matched and whether the slowest stayed within the budget a page can wait.
"""
from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable

from sqlalchemy import func, insert, select

from benchmarks.common import desk_app, scratch_database
from desk.extensions import db
from desk.models import AccessLog, SellerAccount
from desk.services.privacy import access_queries as q
from desk.services.privacy.access_queries import AccessFilters

ROWS, AGENTS, ACCOUNTS, BUYERS, ORDERS = 1_000_000, 30, 5, 200_000, 500_000
START = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=365)
REPEAT = 5
BUDGET_MS = 1000  # the slowest answer a forensic page may take
TITLE = "Access log forensics: an owner's questions over 1 000 000 rows (G9)"
HEADER = [
    f"{ACCOUNTS} seller accounts, {AGENTS} agents, {ROWS:,} log rows over 12 months ({BUYERS:,} buyers, "
    f"{ORDERS:,} orders, list pages writing 50 rows at a time). Each question is asked {REPEAT} times "
    "through `desk.services.privacy.access_queries`, as the access log page asks it; *rows* is what it "
    f"matched; *within budget* compares the slowest answer with {BUDGET_MS} ms.",
    "",
    "| database | question | rows | median ms | slowest ms | within budget |",
    "|---|---|---|---|---|---|",
]


def run(backend: str, tmp_dir: str) -> list[str]:
    """Markdown rows for one database backend."""
    with scratch_database(backend, tmp_dir) as url:
        app = desk_app(url, "http://127.0.0.1:9")
        with app.app_context():
            try:
                db.create_all()
                known = _fill(backend, random.Random(33))
                return [_row(backend, name, ask) for name, ask in _questions(known)]
            finally:
                db.session.remove()
                db.engine.dispose()


def _questions(known: dict) -> list[tuple[str, Callable[[], int]]]:
    agent, buyer, order, ip = known["agent"], known["buyer"], known["order"], known["ip"]
    week = AccessFilters(agent_id=agent, start=known["week"], end=known["week"] + dt.timedelta(days=7))
    start, end = week.start, week.end
    return [
        ("the log page, newest 50 rows of one agent",
         lambda: len(q.find_access(AccessFilters(agent_id=agent)).rows)),
        ("what did agent X see in a week (all rows)", lambda: len(q.seen_by_agent(agent, start, end))),
        ("agent X's week: counts per data class", lambda: sum(c.rows for c in q.class_counts(week))),
        ("agent X's week: counts per seller account", lambda: sum(c.rows for c in q.account_counts(week))),
        ("agent X's week: CSV of the affected buyers", lambda: q.buyers_csv(week).count("\r\n") - 1),
        ("who saw buyer Y (12 months)", lambda: len(q.who_saw_buyer(buyer))),
        ("who saw order N (12 months)", lambda: len(q.who_saw_entity("order", order))),
        ("what went to one IP address in a week", lambda: len(q.seen_from_ip(ip, start, end))),
    ]


def _row(backend: str, name: str, ask: Callable[[], int]) -> str:
    timings, found = [], 0
    for _ in range(REPEAT):
        started = time.perf_counter()
        found = ask()
        timings.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    assert found > 0, name  # every question has an answer in the seeded log
    slowest = max(timings)
    return (f"| {backend} | {name} | {found:,} | {statistics.median(timings):.1f} | {slowest:.1f} | "
            f"{'yes' if slowest <= BUDGET_MS else 'no'} |")


def _fill(backend: str, rng: random.Random) -> dict:
    """The accounts and the log, in bulk; returns an agent, a buyer, an order, an IP and a week to ask
    about (those of the row in the middle of the year)."""
    accounts = [{"id": n, "name": f"Sklep {n}"} for n in range(1, ACCOUNTS + 1)]
    db.session.execute(insert(SellerAccount), accounts)
    buyer_of = [f"{rng.getrandbits(256):064x}" for _ in range(BUYERS)]
    ips = [f"10.0.{n // 250}.{n % 250 + 1}" for n in range(AGENTS * 2)]
    step = SPAN / ROWS
    written, batch = 0, []
    while written < ROWS:
        agent = rng.randint(1, AGENTS)
        at = START + step * written
        listed = rng.random() < 0.5
        for _ in range(50 if listed else 1):
            order = rng.randint(1, ORDERS)
            batch.append({
                "at": at, "agent_id": agent, "ip": ips[agent * 2 - rng.randint(1, 2)],
                "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
                "route": "orders.index" if listed else "orders.detail",
                "action": "LIST" if listed else "VIEW",
                "entity_type": "order", "entity_id": order, "account_id": order % ACCOUNTS + 1,
                "buyer_ref": buyer_of[order % BUYERS], "data_classes": "identity" if listed else
                "address,contact,free_text,identity",
            })
        written += 50 if listed else 1
        if len(batch) >= 20_000:
            db.session.execute(insert(AccessLog), batch)
            db.session.commit()
            batch = []
    if batch:
        db.session.execute(insert(AccessLog), batch)
        db.session.commit()
    if backend == "postgresql":
        db.session.execute(db.text("ANALYZE access_log"))
        db.session.commit()
    total = db.session.scalar(select(func.count(AccessLog.id)))
    assert total >= ROWS, total
    middle = db.session.get(AccessLog, total // 2)
    return {"agent": middle.agent_id, "buyer": middle.buyer_ref, "order": middle.entity_id, "ip": middle.ip,
            "week": middle.at - dt.timedelta(days=3)}


if __name__ == "__main__":  # python -m benchmarks.access_forensics_bench
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        print("\n".join([*HEADER, *run("sqlite", tmp)]))
