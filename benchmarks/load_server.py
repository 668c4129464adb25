"""The desk under gunicorn on a loopback port, as it runs in production (`gunicorn wsgi:app`)."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
START_SECONDS = 60


@contextlib.contextmanager
def gunicorn(database_url: str, *, workers: int = WORKERS) -> Iterator[str]:
    """Serve the desk on `database_url` with `workers` sync workers; yields its base URL."""
    port = _free_port()
    env = os.environ | {
        "DESK_DATABASE_URL": database_url,
        "DESK_SECRET_KEY": secrets.token_urlsafe(32),
        "DESK_SCHEDULER_ENABLED": "false",
        "DESK_FAKE_ALLEGRO_DEMO": "false",
        # Page views read the database only; a call to Allegro would fail at once on this port.
        "DESK_ALLEGRO_BACKEND": "http",
        "DESK_ALLEGRO_API_URL": "http://127.0.0.1:9",
        "DESK_ALLEGRO_AUTH_URL": "http://127.0.0.1:9",
    }
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
        "--log-level", "warning", "wsgi:app",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        with contextlib.suppress(requests.ConnectionError):
            if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on {url} within {START_SECONDS} s")
