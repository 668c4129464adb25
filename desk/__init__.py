"""The desk: a Flask application for people who sell on Allegro."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the desk: config -> extensions -> wiring -> blueprints -> jobs (and their queue)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from desk import config, extensions, jobs, tasks, wiring
    from desk.cli import register_cli
    from desk.views import register_blueprints

    config.load(app, overrides)
    extensions.init_app(app)
    wiring.init_app(app)
    register_blueprints(app)
    register_cli(app)
    jobs.init_scheduler(app)
    tasks.init_app(app)
    return app
