"""Adaptive polling of 5 000 accounts, simulated: no HTTP, no database, simulated time.

What is real: the polling policy (desk.services.sync.polling.PollingPolicy, with its jitter) and the
token bucket's arithmetic (desk.services.sync.budget.take, which the Redis script mirrors), at the
default budget (9000 a minute, share 0.8). What is a model: the dispatcher (every 20 s, most
overdue first, at most 500 per tick), one FIFO queue, a pool of workers, Allegro answering each
request in LATENCY seconds, and the accounts' activity: each account gets new events (orders,
buyer messages, ratings) as a Poisson process whose rate depends on its class. A sync sends 4
requests (order events, open and recently closed issues, ratings) plus one per new event it finds.

Reported over the second simulated hour (the first one lets schedules settle): requests per
minute (highest minute and mean), syncs, how late syncs started after they were due, and the delay
of a new event: from its arrival until the end of the first sync that started after it.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter, deque
from dataclasses import dataclass, field

from desk.services.sync.budget import BucketState, Budget, take
from desk.services.sync.polling import PollingPolicy

TITLE = "Adaptive polling, simulated: 5 000 accounts within Allegro's request budget"
ACCOUNTS = 5_000
HOURS = 2
WORKERS = 24
LATENCY = 0.1  # seconds per request, about the real Allegro API
BASE_REQUESTS = 4
DISPATCH_SECONDS = 20
BATCH = 500
TOLERANCE = 60  # a sync starting later than this after it was due has missed its slot
# (name, share of the accounts, new events per hour)
NORMAL = (("busy", 0.10, 20.0), ("steady", 0.30, 2.0), ("quiet", 0.60, 0.2))
SALE_DAY = (("busy", 0.40, 30.0), ("steady", 0.40, 4.0), ("quiet", 0.20, 0.5))
HEADER = [
    "No HTTP and no database: the real polling policy and the real token-bucket arithmetic at the "
    "default budget (9000 a minute, share 0.8: at most 7200 in any 60 seconds), a model of the "
    "dispatcher (every 20 s, most overdue first, 500 per tick), one queue, 24 workers and Allegro "
    "answering each request in 100 ms. A sync sends 4 requests plus one per new event. Accounts get "
    "new events (orders, buyer messages) as Poisson arrivals: on a normal day 10 % busy (20 an hour), "
    "30 % steady (2 an hour), 60 % quiet (one in 5 hours); on a sale day 40 % busy (30 an hour), "
    "40 % steady (4), 20 % quiet (one in 2 hours). Figures cover the second simulated hour. *Event "
    "delay*: from an event's arrival until the end of the first sync of its account that started "
    "after it; quiet accounts back off to 15 minutes, which bounds the worst case.",
    "",
    "| day | accounts | workers | syncs in hour 2 | requests/min max | requests/min mean | budget share/min "
    "| late starts > 60 s | start delay max s | event delay p50 s | event delay p99 s | event delay max s "
    "| busy accounts: delay max s |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
]


@dataclass
class Account:
    kind: str
    events: deque  # arrival times not yet seen by a sync
    next_due: float = 0.0
    idle_streak: int = 0
    dispatched: bool = False


@dataclass
class Worker:
    account: int = -1
    started: float = 0.0
    requests_left: int = 0
    seen: list = field(default_factory=list)  # arrival times of the events this sync picked up


@dataclass
class Result:
    day: str
    syncs: int
    per_minute_max: int
    per_minute_mean: float
    budget_per_minute: float
    late_starts: int
    start_delay_max: float
    delays: dict  # kind -> list of seconds


class Simulation:
    """One simulated run; `run()` returns its Result."""

    def __init__(self, day: str, mix, *, seed: int = 1, accounts: int = ACCOUNTS, workers: int = WORKERS):
        self.day = day
        self.rng = random.Random(seed)
        self.policy = PollingPolicy()
        self.budget = Budget()
        self.end = HOURS * 3600.0
        self.accounts = self._accounts(mix, accounts)
        self.workers = [Worker() for _ in range(workers)]
        self.idle = deque(range(workers))
        self.queue: deque[int] = deque()
        self.bucket = BucketState(tokens=self.budget.capacity, stamp=0.0)
        self.heap: list = []
        self.per_minute: Counter = Counter()
        self.syncs = 0
        self.late: list[float] = []
        self.delays: dict[str, list[float]] = {name: [] for name, _, _ in mix}

    def _accounts(self, mix, count: int) -> list[Account]:
        accounts = []
        for name, share, per_hour in mix:
            for _ in range(round(count * share)):
                arrivals, t = deque(), self.rng.expovariate(per_hour / 3600)
                while t < self.end:
                    arrivals.append(t)
                    t += self.rng.expovariate(per_hour / 3600)
                # a desk that has been running: each account somewhere in its idle interval
                due = self.rng.uniform(0, self.policy.idle_max_seconds)
                accounts.append(Account(name, arrivals, next_due=due, idle_streak=8))
        return accounts

    def run(self) -> Result:
        for tick in range(0, int(self.end), DISPATCH_SECONDS):
            heapq.heappush(self.heap, (float(tick), 0, "tick", -1))
        while self.heap:
            now, _, kind, worker = heapq.heappop(self.heap)
            if kind == "tick":
                self._dispatch(now)
            elif kind == "request":
                self._request(now, worker)
            else:
                self._answered(now, worker)
        return self._result()

    def _push(self, at: float, kind: str, worker: int) -> None:
        heapq.heappush(self.heap, (at, 1, kind, worker))

    def _dispatch(self, now: float) -> None:
        due = [i for i, a in enumerate(self.accounts) if not a.dispatched and a.next_due <= now]
        due.sort(key=lambda i: self.accounts[i].next_due)
        for index in due[:BATCH]:
            self.accounts[index].dispatched = True
            self.queue.append(index)
        while self.queue and self.idle:
            self._start(now, self.idle.popleft())

    def _start(self, now: float, worker_id: int) -> None:
        index = self.queue.popleft()
        account, worker = self.accounts[index], self.workers[worker_id]
        if now >= 3600:
            self.late.append(now - account.next_due)
        worker.account, worker.started, worker.seen = index, now, []
        while account.events and account.events[0] <= now:
            worker.seen.append(account.events.popleft())
        worker.requests_left = BASE_REQUESTS + len(worker.seen)
        self._request(now, worker_id)

    def _request(self, now: float, worker_id: int) -> None:
        wait = take(self.bucket, now, self.budget)
        if wait > 0:
            self._push(now + wait, "request", worker_id)
            return
        if now >= 3600:
            self.per_minute[int(now // 60)] += 1
        self._push(now + LATENCY, "answer", worker_id)

    def _answered(self, now: float, worker_id: int) -> None:
        worker = self.workers[worker_id]
        worker.requests_left -= 1
        if worker.requests_left:
            self._request(now, worker_id)
            return
        account = self.accounts[worker.account]
        plan = self.policy.after_sync(account.idle_streak, had_news=bool(worker.seen), rng=self.rng)
        account.idle_streak, account.dispatched = plan.idle_streak, False
        account.next_due = now + plan.interval_seconds
        if worker.started >= 3600:
            self.syncs += 1
            self.delays[account.kind].extend(now - arrival for arrival in worker.seen)
        if self.queue:
            self._start(now, worker_id)
        else:
            self.idle.append(worker_id)

    def _result(self) -> Result:
        minutes = [self.per_minute.get(m, 0) for m in range(60, int(self.end // 60))]
        return Result(
            day=self.day,
            syncs=self.syncs,
            per_minute_max=max(minutes),
            per_minute_mean=sum(minutes) / len(minutes),
            budget_per_minute=self.budget.window_limit,
            late_starts=sum(1 for late in self.late if late > TOLERANCE),
            start_delay_max=max(self.late, default=0.0),
            delays=self.delays,
        )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def row(result: Result) -> str:
    every = [d for delays in result.delays.values() for d in delays]
    return (
        f"| {result.day} | {ACCOUNTS:,} | {WORKERS} | {result.syncs:,} | {result.per_minute_max:,} | "
        f"{result.per_minute_mean:,.0f} | {result.budget_per_minute:,.0f} | {result.late_starts:,} | "
        f"{result.start_delay_max:.0f} | {_percentile(every, 0.5):.0f} | {_percentile(every, 0.99):.0f} | "
        f"{max(every, default=0):.0f} | {max(result.delays['busy'], default=0):.0f} |"
    )


def run(backend: str, tmp: str) -> list[str]:
    """Both activity mixes (no database: `backend` is ignored; runs once, for sqlite)."""
    if backend != "sqlite":
        return []
    mixes = (("normal", NORMAL), ("sale day", SALE_DAY))
    return [row(Simulation(day, mix).run()) for day, mix in mixes]
