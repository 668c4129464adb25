"""Conversations desk figures: inbox response time at 200 vs 20 000 conversations of mixed sources
(post-purchase problems and buyers' questions from the Message Center, discussions and claims from
/sale/issues), and what an idle sync of issues and of Message Center threads costs.

`run(backend, tmp_dir)` returns Markdown table rows (see HEADER) for benchmarks/__main__.py.
The inbox is measured through the Flask test client (routing, queries, template), signed in as
an administrator (no account filter) and as an agent whose accounts are listed (two of three); both
desks are asked in turn so machine load falls on both alike. Every measured queue fills whole pages
at both sizes. The idle sync is measured against the in-process fake Allegro: the second sync of an
account after nothing changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import statistics
import time
import uuid

from sqlalchemy import insert

from benchmarks.common import desk_app, scratch_database
from desk.extensions import db
from desk.models import Role, SellerAccount
from desk.models.issue import (
    CLAIM,
    COMMON,
    DISPUTE,
    LANE_CLOSED,
    LANE_DECISION,
    LANE_REPLY,
    LANE_WAITING,
    PROBLEM,
    SOURCE_ISSUES,
    SOURCE_MESSAGING,
    Issue,
)
from desk.orm import utcnow
from desk.services.accounts import auth
from desk.services.accounts.sellers import activate_with_tokens
from desk.services.issues.sync import sync_issues
from desk.wiring import get_allegro
from integrations.allegro import TokenPair
from integrations.allegro.auth import utcnow as token_now
from integrations.allegro.models_messaging import PROBLEM_SUB_TYPES

SCALES = (200, 20_000)
QUEUES = (
    ("reply", "needs our reply"),
    ("decision", "claims awaiting decision"),
    ("at_risk", "at risk"),
    ("closed", "closed"),
)
REQUESTS, WARMUP = 100, 5
IDLE_SIZES = (200, 2_000)  # issues of one account on Allegro, 30 % of them open
IDLE_THREADS = (200, 2_000)  # Message Center threads of one account, active over the last 30 days
PASSWORD = "bench-password-2026"
PREVIEW = "Dzień dobry, produkt nie działa, proszę o informację, co dalej z reklamacją."
TITLE = "Conversations desk: inbox at 200 vs 20 000 conversations of mixed sources, idle syncs"
HEADER = [
    "| database | measure | small | large | ratio (target <= 1.5 for p95) |",
    "|---|---|---|---|---|",
]


def run(backend: str, tmp_dir: str) -> list[str]:
    """Table rows (Markdown) for one database backend ("sqlite" or "postgresql")."""
    timings = _inbox_timings(backend, tmp_dir)
    rows = []
    for who in ("admin", "agent"):
        for queue, label in QUEUES:
            small, large = (timings[scale][who][queue] for scale in SCALES)
            rows.append(
                f"| {backend} | inbox p95 ms, {label}, {who} ({SCALES[0]} / {SCALES[1]:,} conversations) "
                f"| {small:.1f} | {large:.1f} | {large / small:.2f} |"
            )
    idle = [_idle_sync(backend, tmp_dir, size) for size in IDLE_SIZES]
    rows.append(
        f"| {backend} | idle sync requests per account "
        f"({IDLE_SIZES[0]} / {IDLE_SIZES[1]:,} issues on Allegro) "
        f"| {idle[0]['requests']} | {idle[1]['requests']} | list requests only |"
    )
    rows.append(
        f"| {backend} | chats re-read in an idle sync | {idle[0]['chats']} | {idle[1]['chats']} | must be 0 |"
    )
    threads = [_idle_threads(backend, tmp_dir, size) for size in IDLE_THREADS]
    rows.append(
        f"| {backend} | idle Message Center requests per account, fast poll "
        f"({IDLE_THREADS[0]} / {IDLE_THREADS[1]:,} threads on Allegro) "
        f"| {threads[0]['requests']} | {threads[1]['requests']} | target <= 2 |"
    )
    rows.append(
        f"| {backend} | threads whose messages were re-read in an idle sync "
        f"| {threads[0]['read']} | {threads[1]['read']} | must be 0 |"
    )
    return rows


# --- inbox --------------------------------------------------------------------------------------


def _inbox_timings(backend: str, tmp_dir: str) -> dict[int, dict[str, dict[str, float]]]:
    """p95 per scale, person and queue. Both desks are built first and then asked in turn, request
    by request, so load from other work on the machine falls on both alike and the ratio holds."""
    from integrations.allegro.fake import serve_fake

    with contextlib.ExitStack() as stack:
        fake = stack.enter_context(serve_fake(validate=False))
        clients = {}
        for scale in SCALES:
            url = stack.enter_context(scratch_database(backend, tmp_dir))
            app = desk_app(url, fake.url)
            stack.enter_context(app.app_context())
            _build_desk(app, scale)
            stack.callback(db.engine.dispose)
            stack.callback(db.session.remove)
            stack.enter_context(_popped(app))
            # signed in outside the set-up context: a shared `g` would keep the first person signed in
            clients[scale] = {who: _signed_in(app, f"{who}@bench.pl") for who in ("admin", "agent")}
        samples = {scale: {who: {} for who in ("admin", "agent")} for scale in SCALES}
        for who in ("admin", "agent"):
            for queue, _label in QUEUES:
                url = f"/issues/?queue={queue}"
                for scale in SCALES:
                    for _ in range(WARMUP):
                        assert clients[scale][who].get(url).status_code == 200
                times: dict[int, list[float]] = {scale: [] for scale in SCALES}
                for _ in range(REQUESTS):
                    for scale in SCALES:
                        started = time.perf_counter()
                        response = clients[scale][who].get(url)
                        times[scale].append((time.perf_counter() - started) * 1000)
                        assert response.status_code == 200
                for scale in SCALES:
                    samples[scale][who][queue] = statistics.quantiles(times[scale], n=20)[18]
    return samples


@contextlib.contextmanager
def _popped(app):
    """Leave the app context set up for building (requests push their own), restore it at the end."""
    from flask import globals as flask_globals

    context = flask_globals._cv_app.get(None)
    context.pop()
    try:
        yield
    finally:
        context.push()


def _build_desk(app, issues: int) -> None:
    _serve_issues(app)
    db.create_all()
    accounts = _accounts(3)  # the third holds a few issues the agent may not see
    auth.create_agent(email="admin@bench.pl", name="Admin", password=PASSWORD, role=Role.ADMIN)
    agent = auth.create_agent(
        email="agent@bench.pl", name="Agent", password=PASSWORD, role=Role.AGENT,
        account_ids=[a.id for a in accounts[:2]],
    )
    colleagues = [
        auth.create_agent(
            email=f"agent{n}@bench.pl", name=f"Agent {n}", password=PASSWORD, role=Role.AGENT,
            account_ids=[a.id for a in accounts],
        ).id
        for n in range(4)
    ]
    seed_issues([a.id for a in accounts], issues, [agent.id, *colleagues])


def _signed_in(app, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def _serve_issues(app) -> None:
    from desk.views import issues

    if issues.bp.name not in app.blueprints:  # until desk.views registers the area itself
        app.register_blueprint(issues.bp)


def _accounts(n: int) -> list[SellerAccount]:
    accounts = [SellerAccount(name=f"Sklep {i + 1}") for i in range(n)]
    db.session.add_all(accounts)
    db.session.commit()
    return accounts


def seed_issues(account_ids: list[int], n: int, agent_ids: list[int]) -> None:
    """n issues, a quarter in each lane (reply, decision, waiting, closed); open ones from the last
    two weeks, closed ones from the last year.

    The same mix at both sizes, so every measured queue fills whole pages at 200 issues too and
    the ratio shows the cost of volume, not of drawing more rows. Two in three are assigned.
    """
    rng = random.Random(4)
    now = utcnow()
    rows = []
    for i in range(n):
        lane = (LANE_REPLY, LANE_DECISION, LANE_WAITING, LANE_CLOSED)[i % 4]
        days = 365 if lane == LANE_CLOSED else 14  # open work is recent, the history grows
        at = now - dt.timedelta(minutes=rng.randint(1, days * 24 * 60))
        kind = CLAIM if lane == LANE_DECISION else rng.choice((PROBLEM, COMMON, DISPUTE, CLAIM))
        claim = kind == CLAIM
        thread = kind in (PROBLEM, COMMON)
        needs_reply = lane == LANE_REPLY or (lane == LANE_DECISION and rng.random() < 0.5)
        status = {
            LANE_DECISION: "CLAIM_SUBMITTED",
            LANE_CLOSED: "CLAIM_ACCEPTED" if claim else "DISPUTE_CLOSED",
        }
        if thread:
            status = {LANE_CLOSED: "CLOSED"}
        rows.append(
            {
                # nearly all in the agent's two accounts, so every page the agent reads is full at 200 too
            "account_id": account_ids[2] if rng.random() < 0.03 else rng.choice(account_ids[:2]),
                "allegro_id": _thread_id(rng) if thread else str(uuid.UUID(int=rng.getrandbits(128))),
                "source": SOURCE_MESSAGING if thread else SOURCE_ISSUES,
                "type": kind,
                "status": status.get(lane, _open_status(thread, claim)),
                "reason_type": rng.choice(PROBLEM_SUB_TYPES) if kind == PROBLEM else None,
                "allegro_read": rng.random() < 0.5 if thread else None,
                "reference_number": f"{i}/2026" if claim else None,
                "chat_active": lane != LANE_CLOSED,
                "opened_at": at - dt.timedelta(days=1),
                "buyer_login": f"kupujacy_{rng.randint(1, n // 3 + 1)}",
                "buyer_allegro_id": str(rng.randint(10_000, 99_999)),
                "subject": "NOT_AS_DESCRIBED",
                "last_message_status": "BUYER_REPLIED" if needs_reply else "SELLER_REPLIED",
                "last_message_at": at,
                "last_message_role": "BUYER" if needs_reply else "SELLER",
                "last_message_preview": PREVIEW,
                "messages_count": rng.randint(1, 9),
                "lane": lane,
                "needs_reply": needs_reply,
                "needs_reply_since": at if needs_reply else None,
                "escalated": lane != LANE_CLOSED and rng.random() < 0.05,
                "due_at": at + dt.timedelta(days=14) if lane == LANE_DECISION else None,
                "decision_due_at": at + dt.timedelta(days=14) if lane == LANE_DECISION else None,
                "activity_at": at,
                "assigned_agent_id": rng.choice(agent_ids) if rng.random() < 0.67 else None,
                "assigned_at": at,
                "first_seen_at": at,
                "updated_at": at,
                "synced_at": at,
                "closed_at": at if lane == LANE_CLOSED else None,
            }
        )
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Issue), rows[start : start + 5000])
    db.session.commit()
    # planner statistics and (PostgreSQL) the visibility map, as autovacuum keeps them on a live desk
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE issue" if db.engine.dialect.name == "postgresql" else "ANALYZE")


def _open_status(thread: bool, claim: bool) -> str:
    if thread:
        return "OPEN"
    return "CLAIM_SUBMITTED" if claim else "DISPUTE_ONGOING"


def _thread_id(rng: random.Random) -> str:
    """An id shaped like Allegro's thread ids (43 letters and digits)."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(rng.choice(alphabet) for _ in range(43))


# --- idle sync ----------------------------------------------------------------------------------


def _idle_sync(backend: str, tmp_dir: str, size: int) -> dict[str, int]:
    from integrations.allegro.fake import FakeAllegroState, serve_fake

    state = FakeAllegroState(seed=5)
    seller = state.add_seller("bench_issues")
    rng = random.Random(5)
    now = state.now()
    for _ in range(size):
        issue = state.add_issue(seller, opened_at=now - dt.timedelta(minutes=rng.randint(10, 180 * 24 * 60)))
        if rng.random() < 0.7:
            state.set_issue_status(issue["id"], "DISPUTE_CLOSED")
    with serve_fake(state, validate=False) as fake, scratch_database(backend, tmp_dir) as url:
        app = desk_app(url, fake.url)
        with app.app_context():
            db.create_all()
            account = _accounts(1)[0]
            pair = TokenPair.from_response(state.issue_token(seller), token_now())
            activate_with_tokens(get_allegro(), account.id, pair)
            client = get_allegro().client_for(account.id)
            first = sync_issues(client, account.id, full=False, now=utcnow())
            assert first.created == size, (first.created, size)
            idle = sync_issues(client, account.id, full=False, now=utcnow())
            db.session.remove()
            db.engine.dispose()
    return {"requests": idle.requests, "chats": idle.chats_fetched}


def _idle_threads(backend: str, tmp_dir: str, size: int) -> dict[str, int]:
    """Requests of the fast poll of an account whose threads did not change since its last sync."""
    from desk.services.issues.threads.sync import sync_threads
    from integrations.allegro.fake import FakeAllegroState, serve_fake

    state = FakeAllegroState(seed=6)
    seller = state.add_seller("bench_threads")
    rng = random.Random(6)
    now = state.now()
    for i in range(size):
        at = now - dt.timedelta(minutes=rng.randint(10, 29 * 24 * 60))
        state.add_thread(
            seller, type=PROBLEM if i % 3 == 0 else COMMON, buyer_login=f"kupujacy_{i}", created_at=at,
            text="Dzień dobry, mam pytanie o produkt.",
        )
    with serve_fake(state, validate=False) as fake, scratch_database(backend, tmp_dir) as url:
        app = desk_app(url, fake.url)
        with app.app_context():
            db.create_all()
            account = _accounts(1)[0]
            account.allegro_login = "bench_threads"
            db.session.commit()
            pair = TokenPair.from_response(state.issue_token(seller), token_now())
            activate_with_tokens(get_allegro(), account.id, pair)
            client = get_allegro().client_for(account.id)
            first = sync_threads(client, account.id, now=utcnow())
            assert first.created == size, (first.created, size)
            idle = sync_threads(client, account.id, now=utcnow())
            assert idle.layer == "fast", idle.layer
            db.session.remove()
            db.engine.dispose()
    return {"requests": idle.requests, "read": idle.threads_read}


if __name__ == "__main__":
    import tempfile

    from benchmarks.common import postgres_reachable

    print(TITLE)
    print("\n".join(HEADER))
    with tempfile.TemporaryDirectory() as tmp:
        for name in ["sqlite"] + (["postgresql"] if postgres_reachable() else []):
            print("\n".join(run(name, tmp)), flush=True)
