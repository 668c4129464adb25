"""Shared set-up for benchmarks: a fake Allegro, a desk app on a scratch database."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import sqlalchemy as sa

from desk import create_app
from desk.config import TestConfig

# The database the benchmarks connect to in order to create (and drop) their scratch databases.
# DESK_BENCH_POSTGRES_URL keeps them off a database that test runs drop and recreate.
POSTGRES_URL = os.environ.get("DESK_BENCH_POSTGRES_URL") or os.environ.get(
    "DESK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def postgres_reachable() -> bool:
    try:
        engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


@contextlib.contextmanager
def scratch_database(kind: str, tmp_dir: str) -> Iterator[str]:
    """A new empty database URL (SQLite file or a fresh PostgreSQL database), dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_dir}/bench-{uuid.uuid4().hex[:6]}.db"
        return
    name = f"desk_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def desk_app(database_url: str, fake_url: str, **config):
    """A desk on `database_url` talking to the fake at `fake_url` (TestConfig plus `config`)."""
    overrides = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    overrides.update(
        SQLALCHEMY_DATABASE_URI=database_url,
        ALLEGRO_BACKEND="http",
        ALLEGRO_API_URL=fake_url,
        ALLEGRO_AUTH_URL=fake_url,
        TESTING=False,
        **config,
    )
    return create_app(overrides)
