"""A file SQLite database hands out the connection used last (its page cache is the warm one)."""
from __future__ import annotations

from desk import create_app
from desk.config import TestConfig
from desk.extensions import db


def test_a_file_database_reuses_the_last_connection_first(tmp_path):
    overrides = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    overrides["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'desk.db'}"
    app = create_app(overrides)
    with app.app_context():
        first, second = db.engine.raw_connection(), db.engine.raw_connection()
        first_id, second_id = id(first.dbapi_connection), id(second.dbapi_connection)
        first.close()
        second.close()  # returned last
        again = db.engine.raw_connection()
        assert id(again.dbapi_connection) == second_id != first_id
        again.close()
        db.engine.dispose()
