"""Pages under load: gunicorn with two workers, four client threads, throughput and p95 per page.

The desk holds 30 000 orders with issues and ratings in proportion (benchmarks/load_data.py). Every
client thread signs in through the real login form (CSRF token included) and keeps its cookies in
its own `requests.Session`; the login page is fetched without them, as an anonymous visitor does.
The pages take turns in short slices (all four threads on one page, then the next page), round
after round, so load from other work on the machine falls on every page alike. A page's throughput
is its requests over the wall time of its slices; the ratio compares it with the login page's.
"""

from __future__ import annotations

import re
import statistics
import threading
import time
from dataclasses import dataclass, field

import requests

from benchmarks import load_data, load_server
from benchmarks.common import scratch_database

TITLE = "Pages under load: gunicorn, 2 workers, 4 client threads, 30 000 orders (target >= 0.5 x login)"
THREADS = 4
PER_THREAD = 15  # requests of one page per thread in a slice
ROUNDS = 12
WARM_UP = 2  # slices per page before measuring: every worker has loaded its templates and connections
PAGES = (
    ("login", "/login", False),
    ("orders list", "/orders/", True),
    ("issues inbox", "/issues/", True),
    ("ratings list", "/ratings/", True),
    ("start page, for reference", "/", True),  # signed in, no list: what the page frame alone costs
)
HEADER = [
    f"gunicorn runs {load_server.WORKERS} sync workers on 127.0.0.1 with the default configuration "
    "(CSRF on, scheduler off, Allegro's address a closed port: the pages read the database only) over "
    f"{load_data.ORDERS:,} orders, {load_data.ISSUES:,} issues and {load_data.RATINGS:,} ratings. "
    f"Each of {THREADS} client threads has its own `requests.Session`, signed in as an administrator "
    "through the login form (the login page is fetched anonymously). The pages take turns in slices "
    f"of {THREADS * PER_THREAD} requests ({PER_THREAD} per thread), {ROUNDS} rounds after {WARM_UP} "
    "unmeasured ones, so load from other work on the machine falls on every page alike. req/s is a "
    "page's requests over the wall time of its slices; the ratio is the median over the rounds of a "
    "page's req/s divided by the login page's in the same round.",
    "",
    "| database | page | requests | req/s | p95 ms | ratio to login |",
    "|---|---|---|---|---|---|",
]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class PageFigures:
    """What one page's measured slices add up to (one slice per round)."""

    slices: list[float] = field(default_factory=list)  # wall seconds of each round's slice
    latencies: list[float] = field(default_factory=list)

    def add(self, seconds: float, latencies: list[float]) -> None:
        self.slices.append(seconds)
        self.latencies += latencies

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.requests / sum(self.slices)

    def ratio_to(self, other: PageFigures) -> float:
        """Median over the rounds of this page's req/s over `other`'s in the same round: a burst of
        other work on the machine moves one round, not the figure. Every slice has as many requests,
        so a round's ratio is the other slice's duration over this one's."""
        pairs = zip(self.slices, other.slices, strict=True)
        return statistics.median(theirs / ours for ours, theirs in pairs)

    @property
    def p95_ms(self) -> float:
        return statistics.quantiles(self.latencies, n=20)[-1] * 1000


def run(backend: str, tmp_dir: str) -> list[str]:
    """Markdown rows (see HEADER) for one database backend."""
    with scratch_database(backend, tmp_dir) as database_url:
        load_data.build(database_url)
        with load_server.gunicorn(database_url) as base_url:
            figures = measure(base_url)
    login = figures["login"]
    return [
        f"| {backend} | {name} (`{path}`) | {figures[name].requests} | {figures[name].per_second:.0f} "
        f"| {figures[name].p95_ms:.1f} | {figures[name].ratio_to(login):.2f} |"
        for name, path, _signed_in in PAGES
    ]


def measure(base_url: str) -> dict[str, PageFigures]:
    """Drive the pages in turns with THREADS client threads; figures per page name."""
    clients = [_Client(base_url) for _ in range(THREADS)]
    figures = {name: PageFigures() for name, _path, _signed_in in PAGES}
    for round_number in range(WARM_UP + ROUNDS):
        for name, path, signed_in in PAGES:
            seconds, latencies = _slice(clients, path, signed_in)
            if round_number >= WARM_UP:
                figures[name].add(seconds, latencies)
    return figures


def _slice(clients: list[_Client], path: str, signed_in: bool) -> tuple[float, list[float]]:
    """Every client fetches `path` PER_THREAD times in its own thread; (wall seconds, latencies)."""
    found: list[list[float]] = [[] for _ in clients]
    threads = [
        threading.Thread(target=client.fetch, args=(path, signed_in, durations))
        for client, durations in zip(clients, found, strict=True)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if any(client.error for client in clients):
        raise RuntimeError(next(client.error for client in clients if client.error))
    return seconds, [latency for latencies in found for latency in latencies]


class _Client:
    """One client thread's sessions: signed in (through the form) and anonymous."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.anonymous = requests.Session()
        self.signed_in = sign_in(base_url, load_data.ADMIN_EMAIL, load_data.PASSWORD)
        self.error: str | None = None

    def fetch(self, path: str, signed_in: bool, durations: list[float]) -> None:
        """PER_THREAD GETs of `path`, their durations appended; a non-200 answer stops with `error`."""
        session = self.signed_in if signed_in else self.anonymous
        for _ in range(PER_THREAD):
            started = time.perf_counter()
            response = session.get(self.base_url + path, allow_redirects=False, timeout=60)
            durations.append(time.perf_counter() - started)
            if response.status_code != 200:
                self.error = f"GET {path} answered {response.status_code}"
                return


def sign_in(base_url: str, email: str, password: str) -> requests.Session:
    """A session signed in through the login form, CSRF token and all."""
    session = requests.Session()
    form = session.get(f"{base_url}/login", timeout=60)
    token = CSRF.search(form.text)
    if token is None:
        raise RuntimeError("the login form carries no CSRF token")
    data = {"email": email, "password": password, "csrf_token": token.group(1)}
    response = session.post(f"{base_url}/login", data=data, allow_redirects=False, timeout=60)
    if response.status_code != 302:
        raise RuntimeError(f"sign-in answered {response.status_code}")
    return session
