"""Migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig

from desk import ROOT, create_app
from desk.config import TestConfig

DATABASE_URL = os.environ.get("DESK_TEST_DATABASE_URL", "sqlite://")


@pytest.fixture
def scratch_url(tmp_path):
    """An empty database: a temp SQLite file, or a fresh PostgreSQL database next to the test one."""
    if not DATABASE_URL.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"desk_mig_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_upgrade_matches_models_and_downgrade_cleans_up(scratch_url):
    overrides = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    overrides.update(
        SQLALCHEMY_DATABASE_URI=scratch_url, ALLEGRO_BACKEND="http", ALLEGRO_API_URL="http://127.0.0.1:9"
    )
    app = create_app(overrides)
    with app.app_context():
        config = AlembicConfig(str(ROOT / "migrations" / "alembic.ini"))
        config.set_main_option("script_location", str(ROOT / "migrations"))
        command.upgrade(config, "head")
        command.check(config)  # raises if models and migrations differ
        command.downgrade(config, "base")
        from desk.extensions import db

        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
