"""The benchmark's fake Allegro in its own process: many sellers, and buyers who keep them busy.

Each seller belongs to a class (busy, steady, quiet) with its own rate of new events: a new order
(with its order events) or a buyer's message in the seller's open discussion, at Poisson times of
the benchmark's clock. The process reports back the events it made (simulated time, seller,
kind) and, per simulated minute, the requests it answered and how many of them were 429s.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import random
import threading
from collections import Counter
from dataclasses import dataclass

# (class, share of the sellers, new events per simulated hour)
CLASSES = (("busy", 0.10, 20.0), ("steady", 0.30, 2.0), ("quiet", 0.60, 0.2))


@dataclass(frozen=True)
class Seller:
    seller_id: str
    kind: str
    token: dict


@dataclass(frozen=True)
class Report:
    events: list  # (simulated seconds since t0, seller index, "order" | "message")
    requests_per_minute: dict  # simulated minute since t0 -> requests answered
    limited_per_minute: dict  # simulated minute since t0 -> 429 answers
    total_requests: int


def seller_classes(count: int) -> list[str]:
    kinds = []
    for kind, share, _ in CLASSES:
        kinds += [kind] * round(count * share)
    return kinds[:count] + ["quiet"] * (count - len(kinds))


def _plan(kinds: list[str], seconds: float, seed: int) -> list[tuple[float, int, str]]:
    rng = random.Random(seed)
    rates = {kind: per_hour / 3600 for kind, _, per_hour in CLASSES}
    plan = []
    for index, kind in enumerate(kinds):
        t = rng.expovariate(rates[kind])
        while t < seconds:
            plan.append((t, index, "message" if rng.random() < 0.4 else "order"))
            t += rng.expovariate(rates[kind])
    return sorted(plan)


def _serve(conn, count: int, redis_url: str, speed: float, seconds: float, limit: int | None) -> None:
    from benchmarks.bench_clock import BenchClock
    from integrations.allegro.fake import FakeAllegroState, serve_fake

    clock = BenchClock(redis_url, speed)
    state = FakeAllegroState(clock=clock, seed=5)
    state.rate_limit_per_minute = limit
    kinds = seller_classes(count)
    sellers, issues = [], []
    for index, kind in enumerate(kinds):
        seller_id = state.add_seller(f"sklep_bench_{index}")
        form = state.add_checkout_form(seller_id)
        issues.append(state.add_issue(seller_id, checkout_form_id=form["id"])["id"])
        sellers.append(Seller(seller_id, kind, state.issue_token(seller_id)))
    server = serve_fake(state, validate=False)
    conn.send((server.url, sellers))
    stop = threading.Event()
    done: list = []
    activity = threading.Thread(
        target=_play, args=(state, clock, sellers, issues, _plan(kinds, seconds, seed=11), stop, done)
    )
    activity.start()
    conn.recv()  # the bench says stop
    stop.set()
    activity.join()
    server.stop()
    conn.send(_report(state, clock, done))


def _play(state, clock, sellers, issues, plan, stop: threading.Event, done: list) -> None:
    """Make each planned event once the clock has passed its time."""
    position = 0
    while not stop.wait(0.01) and position < len(plan):
        now = clock.sim_seconds()
        while position < len(plan) and plan[position][0] <= now:
            at, index, kind = plan[position]
            if kind == "order":
                state.add_checkout_form(sellers[index].seller_id)
            else:
                state.add_buyer_message(issues[index], "Dzień dobry, kiedy wyślecie paczkę?")
            done.append((now, index, kind))  # when it really became visible
            position += 1


def _report(state, clock, done) -> Report:
    per_minute, limited = Counter(), Counter()
    for entry in state.requests:
        if entry.at is None:
            continue
        minute = int((entry.at - clock.t0).total_seconds() // 60)
        per_minute[minute] += 1
        limited[minute] += entry.status == 429
    return Report(done, dict(per_minute), dict(limited), len(state.requests))


@contextlib.contextmanager
def activity_fake(count: int, redis_url: str, speed: float, seconds: float, limit: int | None):
    """Start the fake with `count` sellers in a child process; yields (url, sellers, finish) where
    finish() stops it and returns its Report."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_serve, args=(child, count, redis_url, speed, seconds, limit), daemon=True)
    process.start()
    reports: list[Report] = []

    def finish() -> Report:
        parent.send("stop")
        reports.append(parent.recv())
        return reports[0]

    try:
        if not parent.poll(300):
            raise RuntimeError("the fake Allegro did not start")
        url, sellers = parent.recv()
        yield url, sellers, finish
    finally:
        if not reports:
            with contextlib.suppress(OSError, BrokenPipeError):
                parent.send("stop")
        process.join(30)
        if process.is_alive():
            process.kill()
