"""A payout worker that dies mid-batch: `python -m tests.services.billing.cod_crash_worker URL DAY N`
builds the day's COD payout batch on the database at URL and kills its own process (no cleanup, no
rollback: as a power cut would) right after the N-th account's commit."""

from __future__ import annotations

import datetime as dt
import os
import sys

from desk import create_app
from desk.config import TestConfig
from desk.services.billing.cod import payouts

KILLED = 17


def main(url: str, day: str, stop_after: int) -> None:
    overrides = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    overrides.update(SQLALCHEMY_DATABASE_URI=url, ALLEGRO_BACKEND="http", ALLEGRO_API_URL="http://127.0.0.1:9")
    app = create_app(overrides)
    done: list[int] = []

    def after_account(account_id: int) -> None:
        done.append(account_id)
        if len(done) == stop_after:
            os._exit(KILLED)

    pay_date = dt.date.fromisoformat(day)
    with app.app_context():
        now = dt.datetime.combine(pay_date, dt.time(9), dt.UTC)
        payouts.build(pay_date, now=now, after_account=after_account)
    sys.exit(0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
