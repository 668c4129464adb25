"""Flask extensions, created unbound and bound in init_app()."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, session
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event

from desk.orm import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def select_locale() -> str:
    """Polish unless the agent switched to English (kept in the session)."""
    chosen = session.get("locale")
    if chosen in ("pl", "en"):
        return chosen
    return "pl"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets the web and the scheduler read while a sync writes; NORMAL sync is safe with WAL.

    A 32 MB page cache keeps the hot parts of the order indexes in memory during a backfill, and
    checkpointing every 8000 pages (about 32 MB of WAL) instead of 1000 means fewer checkpoints,
    each of which writes back and flushes the database file.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA cache_size=-32000")
    cursor.execute("PRAGMA wal_autocheckpoint=8000")
    cursor.close()


def init_app(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
