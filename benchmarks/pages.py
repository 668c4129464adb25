"""Helpers for page benchmarks: a signed-in test client and p95 timing of GET requests."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from desk.models import Role
from desk.services.accounts.auth import create_agent

PASSWORD = "benchmark-password-1"


def signed_in_client(app):
    """A test client signed in as a fresh admin (through the real login form)."""
    email = f"bench-{time.monotonic_ns()}@example.pl"
    create_agent(email=email, name="Bench", password=PASSWORD, role=Role.ADMIN)
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def get_ok(client, path: str) -> None:
    """GET path; the page must answer 200."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)


def alternating_p95(calls: list[Callable[[], None]], *, runs: int = 60, warmup: int = 8) -> list[float]:
    """p95 in ms of each call, the calls taking turns request by request, so that load from other
    work on the machine falls on all of them alike and their ratio holds."""
    for _ in range(warmup):
        for call in calls:
            call()
    samples: list[list[float]] = [[] for _ in calls]
    for _ in range(runs):
        for call, found in zip(calls, samples, strict=True):
            started = time.perf_counter()
            call()
            found.append((time.perf_counter() - started) * 1000)
    return [statistics.quantiles(found, n=20)[-1] for found in samples]
