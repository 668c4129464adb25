"""Helpers for page benchmarks: a signed-in test client and p95 timing of GET requests."""

from __future__ import annotations

import statistics
import time

from desk.models import Role
from desk.services.auth import create_agent

PASSWORD = "benchmark-password-1"


def signed_in_client(app):
    """A test client signed in as a fresh admin (through the real login form)."""
    email = f"bench-{time.monotonic_ns()}@example.pl"
    create_agent(email=email, name="Bench", password=PASSWORD, role=Role.ADMIN)
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def p95_ms(client, url: str, *, runs: int = 30, warmup: int = 3) -> float:
    """95th percentile of the response time of GET url, in milliseconds."""
    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return statistics.quantiles(times, n=20)[-1]
