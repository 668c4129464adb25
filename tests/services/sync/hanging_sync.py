"""A worker process for test_short_lease: syncs one account with a step that hangs until killed.

Usage: python -m tests.services.sync.hanging_sync DATABASE_URL ALLEGRO_URL ACCOUNT_ID LEASE_SECONDS
It prints "syncing" once the lease is held and the step has started.
"""

from __future__ import annotations

import sys
import time

from desk import create_app
from desk.config import TestConfig
from desk.services.sync.runner import run_sync
from desk.services.sync.steps import Step
from desk.wiring import get_allegro

HOLDER = "doomed-worker:1"


def hang(ctx) -> None:
    print("syncing", flush=True)
    time.sleep(600)


def main(database_url: str, allegro_url: str, account_id: str, lease_seconds: str) -> None:
    overrides = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    overrides.update(
        SQLALCHEMY_DATABASE_URI=database_url,
        ALLEGRO_BACKEND="http",
        ALLEGRO_API_URL=allegro_url,
        ALLEGRO_AUTH_URL=allegro_url,
    )
    app = create_app(overrides)
    with app.app_context():
        run_sync(get_allegro(), int(account_id), holder=HOLDER, lease_seconds=int(lease_seconds),
                 steps=(Step("hang", hang),))


if __name__ == "__main__":
    main(*sys.argv[1:])
