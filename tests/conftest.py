"""Shared fixtures: a loopback-only network, the fake Allegro server, the app and its database."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket

import pytest

pytest_plugins = ["tests.smtp"]  # the smtp_server fixture

def _per_worker(url: str) -> str:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own (test_gw0, test_gw1...),
    since tests empty the tables between them."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if url.startswith("sqlite") or not worker:
        return url
    server, _, name = url.rpartition("/")
    return f"{server}/{name}_{worker}"


def _reuse_url_builders() -> None:
    """Every test builds a fresh app, and werkzeug compiles a URL builder (AST, then `compile`) for each of
    its ~170 rules: a quarter of a second per test. A builder depends only on the rule's parsed parts,
    its defaults and the converters' types; it reads the converters from the rule it is bound to at call
    time. So the tests compile each distinct builder once and bind it to every new rule."""
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:  # another werkzeug: compile as it does
        return
    compiled: dict[tuple, object] = {}

    def reused(self, append_unknown: bool = True):
        key = (
            self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())), append_unknown,
            tuple((name, type(converter)) for name, converter in self._converters.items()),
        )
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    Rule._compile_builder = reused


_reuse_url_builders()
BASE_DATABASE_URL = os.environ.get("DESK_TEST_DATABASE_URL", "sqlite://")
DATABASE_URL = _per_worker(BASE_DATABASE_URL)
# A Redis database number of the tests' own (one per xdist worker): Redis on the machine may serve
# other work too.
REDIS_URL = os.environ.get("DESK_TEST_REDIS_URL") or (
    f"redis://127.0.0.1:6379/{11 + int(os.environ.get('PYTEST_XDIST_WORKER', 'gw0')[2:] or 0)}"
)
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address) -> bool:
    if isinstance(address, str | bytes):  # AF_UNIX paths stay on this machine
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded(real):
    def connect(self, address):
        if not _is_loopback(address):
            raise ConnectionRefusedError(f"tests may not reach {address!r}: loopback only")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    """Fail any connection that would leave 127.0.0.1."""
    monkeypatch.setattr(socket.socket, "connect", _guarded(_real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded(_real_connect_ex))


@pytest.fixture
def fake_allegro():
    """A fresh fake Allegro served over HTTP on 127.0.0.1; yields the running server (.url, .state)."""
    from integrations.allegro.fake import serve_fake

    server = serve_fake()
    try:
        yield server
        # Every request the desk made must be one the official spec allows.
        assert server.state.violations == [], server.state.violations
    finally:
        server.stop()


@pytest.fixture(scope="session")
def _fresh_postgres_schema() -> None:
    """Tests reuse one PostgreSQL database and only empty its tables between tests, so tables an
    older version of the desk created there (without a newer column) are dropped once per run."""
    if DATABASE_URL.startswith("sqlite"):
        return
    from sqlalchemy import create_engine

    if DATABASE_URL != BASE_DATABASE_URL:
        _create_database(BASE_DATABASE_URL, DATABASE_URL.rpartition("/")[2])
    engine = create_engine(DATABASE_URL)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def _create_database(server_url: str, name: str) -> None:
    """CREATE DATABASE `name` on the server of `server_url` unless it exists."""
    from sqlalchemy import create_engine, text

    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first()
        if exists is None:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()


@pytest.fixture
def database_url(tmp_path, _fresh_postgres_schema) -> str:
    """PostgreSQL when asked for, else a fresh SQLite file (real separate connections, like production)."""
    if DATABASE_URL.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'desk.db'}"
    return DATABASE_URL


@pytest.fixture
def app(fake_allegro, database_url):
    """The desk wired to the per-test fake Allegro over HTTP, on a fresh database."""
    with desk_app(fake_allegro, database_url) as app:
        yield app


@contextlib.contextmanager
def desk_app(fake_allegro, database_url: str, **config):
    """A test desk (TestConfig plus `config`) on the fake, with its tables; wiped afterwards."""
    from desk import create_app
    from desk.config import TestConfig
    from desk.extensions import db

    overrides = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    overrides.update(
        SQLALCHEMY_DATABASE_URI=database_url,
        ALLEGRO_BACKEND="http",
        ALLEGRO_API_URL=fake_allegro.url,
        ALLEGRO_AUTH_URL=fake_allegro.url,
        **config,
    )
    app = create_app(overrides)
    with app.app_context():
        db.create_all()
        try:
            yield app
        finally:
            from desk.wiring.carriers import stop_fakes

            stop_fakes(app)
            db.session.remove()
            _wipe(db)
            db.engine.dispose()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis database of the tests' own (DESK_TEST_REDIS_URL); the tests that need it are skipped
    when no Redis answers, except under CI=true, where that is a failure."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {REDIS_URL} is unreachable and CI=true: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable (scripts/test.sh starts one)")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def redis_db(redis_url):
    """The tests' Redis database, emptied before and after the test (only this database)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


def _wipe(db) -> None:
    """Empty every table for the next test. On PostgreSQL a DELETE per table (children first) and the
    sequences back to 1, in one round trip: a TRUNCATE of sixty tables costs a second or more per test,
    deleting the few rows a test wrote costs milliseconds."""
    if db.engine.dialect.name == "postgresql":
        deletes = "; ".join(f'DELETE FROM "{t.name}"' for t in reversed(db.metadata.sorted_tables))
        with db.engine.begin() as conn:
            conn.exec_driver_sql(deletes)
            conn.exec_driver_sql(_RESTART_SEQUENCES)
    else:
        db.drop_all()


_RESTART_SEQUENCES = (
    "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind = 'S' AND n.nspname = 'public'"
)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(app, client):
    """`login(agent)` signs the test client in through the real login form."""
    from flask import url_for

    from tests.factories import PASSWORD

    def sign_in(agent):
        response = client.post(url_for("auth.login"), data={"email": agent.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return agent

    return sign_in
