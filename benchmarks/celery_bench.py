"""Celery on PostgreSQL: 500 accounts on the fake Allegro, 4 worker processes, one simulated hour.

The desk runs as in production with DESK_QUEUE=celery: the bench plays beat (it sends the
dispatcher's task every DISPATCH_SECONDS of simulated time), four solo-pool workers run the
dispatcher and the per-account sync tasks, all of them sharing the request budget in Redis. Every
process reads one clock (benchmarks.bench_clock) that runs SPEED times faster than the wall clock,
and so does the fake Allegro, which adds orders and buyer messages to its sellers on that clock
and enforces a per-minute request limit with 429s like Allegro does.

The budget is scaled down with the account count (BUDGET_PER_MINUTE, share 0.8). Every account's
first sync (its history) runs before the clock starts (see _warm_up).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import redis
from sqlalchemy import func, select

from benchmarks import bench_clock
from benchmarks.activity_fake import Report, activity_fake
from benchmarks.common import desk_app, scratch_database

TITLE = "Celery on PostgreSQL: 500 accounts, 4 workers, one simulated hour"
ACCOUNTS = 500
WORKERS = 4
SPEED = 5.0  # simulated seconds per wall second
SIM_SECONDS = 3600
DISPATCH_SECONDS = 20
WARMUP_MINUTES = 0  # schedules start spread out (see _warm_up)
TOLERANCE = 60  # a sync starting later than this after its due time has missed its slot
BUDGET_PER_MINUTE = 1000
BUDGET_SHARE = 0.8
ALLEGRO_LIMIT_PER_MINUTE = 1000  # the fake answers 429 beyond this many requests in a simulated minute
REDIS_URL = os.environ.get("DESK_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
HEADER = [
    "The desk as deployed with `DESK_QUEUE=celery` on PostgreSQL: the bench sends the dispatcher's task "
    "as beat would, every 20 simulated seconds; four solo-pool worker processes run it and the "
    "per-account syncs, sharing the request budget in Redis. Every process, and the fake Allegro in its "
    "own process, reads one clock running *speed* times faster than the wall clock. The fake adds orders "
    "and buyer messages to its 500 sellers (10 % busy: 20 an hour, 30 % steady: 2, 60 % quiet: one in "
    "5 hours) and answers 429 beyond 1000 requests in a simulated minute; the desk's budget is scaled "
    "to match (1000 a minute, share 0.8). Before the clock starts every account has had its first sync "
    "(its history) and the schedules are spread over the 15-minute idle interval, as in a desk that has "
    "been running. *Duplicate syncs*: two syncs of one slot, or two runs of one account overlapping in "
    "time; once a simulated minute the bench also sends again the sync task each worker ran last, as a "
    "redelivery would (*copies sent*), and each must be stopped by the lease or its served slot. *Missed "
    "slots*: syncs that started more than 60 s after their due time, plus accounts left overdue at the "
    "end. *Load avg*: the machine's, from all its work, when the clock started. At 10x on this machine "
    "(load average about 10) the four workers fell behind: 2,440 of 3,357 syncs started more than 60 s "
    "late (measured on 2026-12-02 with SPEED = 10, before copies were sent). *Event delay*: from an "
    "event on the fake until the end of the first sync of its account that started after it (events of "
    "minutes 0 to 44).",
    "",
    "| accounts | workers | speed | load avg | syncs | duplicate syncs | copies sent / stopped (stale, busy) "
    "| missed slots | start delay max s | requests/min max (share) | 429s | event delay p50 / p95 / max s "
    "| wall s |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
]


@dataclass(frozen=True)
class Figures:
    syncs: int
    duplicates: int
    stale: int
    busy: int
    missed: int
    start_delay_max: float
    per_minute_max: int
    limited: int
    delays: list[float]
    wall: float
    copies: int  # second copies of handed-out syncs the bench sent
    load: float  # the machine's load average when the clock started


def desk_config(database_url: str) -> dict:
    """The settings every process of the bench gives the desk."""
    return {
        "QUEUE": "celery",
        "REDIS_URL": REDIS_URL,
        "ALLEGRO_BUDGET_PER_MINUTE": BUDGET_PER_MINUTE,
        "ALLEGRO_BUDGET_SHARE": BUDGET_SHARE,
        "SYNC_DISPATCH_SECONDS": DISPATCH_SECONDS,
    }


def run(backend: str, tmp: str) -> list[str]:
    """The whole benchmark (PostgreSQL only); one Markdown row."""
    if backend != "postgresql":
        return []
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()  # the bench's own database number only
    started = time.monotonic()
    try:
        with scratch_database("postgresql", tmp) as url:
            figures = _measure(url, Path(tmp), started)
    finally:
        client.flushdb()
    return [_row(figures)]


def _measure(database_url: str, tmp: Path, started: float) -> Figures:
    fake = activity_fake(ACCOUNTS, REDIS_URL, SPEED, SIM_SECONDS, ALLEGRO_LIMIT_PER_MINUTE)
    with fake as (url, sellers, finish):
        app = desk_app(database_url, url, **desk_config(database_url))
        clock = bench_clock.BenchClock(REDIS_URL, SPEED)
        from desk.wiring import use_clock

        use_clock(app, clock)
        with app.app_context():
            ids = _accounts(app, sellers)
            with _workers(database_url, url, tmp) as logs:
                _warm_up(app, len(ids))
                load = os.getloadavg()[0]
                bench_clock.start(REDIS_URL)
                copies = _play_beat(app, clock, logs)
                time.sleep(2)  # let the last tasks finish
            report = finish()
            return _figures(app, ids, logs, report, started, copies, load)


def _accounts(app, sellers) -> dict[int, int]:
    """Connect one desk account per fake seller; returns account id -> seller index."""
    from desk.extensions import db
    from desk.models import SellerAccount
    from desk.services.accounts.sellers import activate_with_tokens
    from desk.wiring import get_allegro
    from integrations.allegro import TokenPair
    from integrations.allegro.auth import utcnow

    db.create_all()
    ids = {}
    for index, seller in enumerate(sellers):
        account = SellerAccount(name=f"Sklep {index}")
        db.session.add(account)
        db.session.commit()
        activate_with_tokens(get_allegro(), account.id, TokenPair.from_response(seller.token, utcnow()))
        ids[account.id] = index
    return ids


@contextlib.contextmanager
def _workers(database_url: str, fake_url: str, tmp: Path):
    """Start WORKERS worker processes; yields their log paths; stops them (warm shutdown)."""
    processes, logs = [], []
    root = Path(__file__).resolve().parent.parent
    for number in range(WORKERS):
        log, ready = tmp / f"worker-{number}.jsonl", tmp / f"worker-{number}.ready"
        config = {
            "name": f"bench{number}", "redis_url": REDIS_URL, "speed": SPEED, "database_url": database_url,
            "fake_url": fake_url, "desk": desk_config(database_url), "log": str(log), "ready": str(ready),
        }
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "benchmarks.celery_worker", json.dumps(config)], cwd=root,
        ))
        logs.append((log, ready))
    try:
        deadline = time.monotonic() + 120
        while not all(ready.exists() for _, ready in logs):
            if time.monotonic() > deadline:
                raise RuntimeError("the Celery workers did not start")
            time.sleep(0.2)
        yield [log for log, _ in logs]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


def _warm_up(app, accounts: int) -> None:
    """Before the clock starts: every account's first sync (its history) on the workers, handed out
    once, then schedules spread over the idle interval, as in a desk that has been running."""
    import random

    from desk import jobs
    from desk.extensions import db
    from desk.models import SyncLease, SyncSchedule

    assert jobs.dispatch_syncs_job(app)["dispatched"] == accounts  # batch 500: all in one tick
    deadline = time.monotonic() + 600
    while (
        db.session.scalar(select(func.count()).where(SyncSchedule.slot > 0)) < accounts
        or db.session.scalar(select(func.count()).where(SyncLease.holder.is_not(None)))
    ):
        if time.monotonic() > deadline:
            raise RuntimeError("the first syncs did not finish")
        db.session.rollback()
        time.sleep(0.5)
    rng = random.Random(3)
    t0 = bench_clock.T0
    for row in db.session.scalars(select(SyncSchedule)):
        row.idle_streak, row.interval_seconds, row.dispatched_at = 8, 900, None
        row.next_sync_at = t0 + dt.timedelta(seconds=rng.uniform(0, 900))
        row.last_sweep_at = t0 - dt.timedelta(seconds=rng.uniform(0, 1800))
    db.session.commit()


def _play_beat(app, clock, logs) -> int:
    """What beat does: send the dispatcher's task every DISPATCH_SECONDS of simulated time. Once a
    simulated minute it also sends again the sync each worker ran last, as a redelivery would;
    returns how many copies it sent."""
    from desk import jobs
    from desk.tasks import get_celery
    from desk.tasks.definitions import job_task_name

    celery = get_celery(app)
    task = job_task_name(next(job for job in jobs.JOBS if job.name == "dispatch_syncs"))
    tick, copies = 0.0, 0
    while tick < SIM_SECONDS:
        if clock.sim_seconds() >= tick:
            celery.send_task(task, expires=DISPATCH_SECONDS / SPEED * 5)
            if tick % 60 == 0:
                copies += _send_copies(app, logs)
            tick += DISPATCH_SECONDS
        time.sleep(0.01)
    return copies


def _send_copies(app, logs) -> int:
    """Send again the sync task each worker ran last, as a redelivery of a done task would."""
    from desk import jobs
    from desk.services.sync.schedule import Due

    copies = 0
    for log in logs:
        lines = log.read_text().splitlines() if log.exists() else []
        if not lines:
            continue
        last = json.loads(lines[-1])
        due = Due(last["account"], last["slot"], dt.datetime.fromisoformat(last["due_at"]), last["mode"])
        app.extensions[jobs.SUBMIT_SYNC](due)
        copies += 1
    return copies


def _figures(app, ids, logs, report: Report, started: float, copies: int, load: float) -> Figures:
    tasks = [json.loads(line) for log in logs if log.exists() for line in log.read_text().splitlines()]
    tasks = [t for t in tasks if t["start"] is not None and t["start"] >= 0]  # the warm-up is not judged
    synced = [t for t in tasks if t["outcome"] == "synced"]
    per_slot = defaultdict(int)
    for entry in synced:
        per_slot[(entry["account"], entry["slot"])] += 1
    t0 = bench_clock.T0
    warm = WARMUP_MINUTES * 60
    late = [
        entry["start"] - (dt.datetime.fromisoformat(entry["due_at"]) - t0).total_seconds()
        for entry in synced if (dt.datetime.fromisoformat(entry["due_at"]) - t0).total_seconds() >= warm
    ]
    minutes = {m: n for m, n in report.requests_per_minute.items() if 0 <= m < SIM_SECONDS // 60}
    return Figures(
        syncs=len(synced),
        duplicates=sum(n - 1 for n in per_slot.values()) + _overlapping_runs(app),
        stale=sum(t["outcome"] == "stale" for t in tasks),
        busy=sum(t["outcome"] == "busy" for t in tasks),
        missed=sum(delay > TOLERANCE for delay in late) + _never_served(app),
        start_delay_max=max(late, default=0.0),
        per_minute_max=max(minutes.values(), default=0),
        limited=sum(report.limited_per_minute.values()),
        delays=_event_delays(ids, synced, report),
        wall=time.monotonic() - started,
        copies=copies,
        load=load,
    )


def _overlapping_runs(app) -> int:
    """Runs of one account that overlapped in time (two syncs of it at once): must be none."""
    from desk.extensions import db
    from desk.models import SyncRun

    runs = defaultdict(list)
    for run in db.session.scalars(select(SyncRun).order_by(SyncRun.started_at)):
        runs[run.account_id].append(run)
    overlaps = 0
    for account_runs in runs.values():
        for before, after in zip(account_runs, account_runs[1:], strict=False):
            overlaps += before.finished_at is None or after.started_at < before.finished_at
    return overlaps


def _never_served(app) -> int:
    """Accounts overdue by more than the tolerance when the hour ended (a slot nobody served)."""
    from desk.extensions import db
    from desk.models import SyncSchedule

    end = bench_clock.T0 + dt.timedelta(seconds=SIM_SECONDS - TOLERANCE)
    db.session.rollback()
    return len(list(db.session.scalars(select(SyncSchedule).where(SyncSchedule.next_sync_at < end))))


def _event_delays(ids: dict[int, int], synced: list[dict], report: Report) -> list[float]:
    """Per event on Allegro: until the end of the first sync of its account that started after it."""
    by_seller = defaultdict(list)
    for entry in synced:
        by_seller[ids[entry["account"]]].append((entry["start"], entry["end"]))
    delays = []
    horizon = SIM_SECONDS - 16 * 60  # events later than this may wait for a 15-minute interval
    for at, seller, _ in report.events:
        if WARMUP_MINUTES * 60 <= at <= horizon:
            ends = [end for start, end in sorted(by_seller[seller]) if start >= at]
            delays.append(ends[0] - at if ends else float("inf"))
    return delays


def _row(f: Figures) -> str:
    ordered = sorted(f.delays)

    def pct(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    share = BUDGET_PER_MINUTE * BUDGET_SHARE
    return (
        f"| {ACCOUNTS} | {WORKERS} | {SPEED:g}x | {f.load:.1f} | {f.syncs:,} | {f.duplicates} | "
        f"{f.copies} / {f.stale + f.busy} ({f.stale}, {f.busy}) | "
        f"{f.missed} | {f.start_delay_max:.0f} | {f.per_minute_max:,} ({share:,.0f}) | {f.limited} | "
        f"{pct(0.5):.0f} / {pct(0.95):.0f} / {max(ordered, default=0):.0f} | {f.wall:.0f} |"
    )
