"""The desk: a Flask application for people who sell on Allegro."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the desk: config -> extensions -> wiring -> blueprints -> jobs (and their queue)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from desk import config, extensions, jobs, log_masking, tasks, wiring
    from desk.cli import register_cli
    from desk.views import register_blueprints

    log_masking.install()  # before anything logs: no personal data or secrets in any log record
    config.load(app, overrides)
    _trust_proxies(app)
    extensions.init_app(app)
    wiring.init_app(app)
    register_blueprints(app)
    register_cli(app)
    jobs.init_scheduler(app)
    tasks.init_app(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies, take the client's address, scheme and host from their headers.

    With 0 the X-Forwarded-* headers are ignored: anyone can send them, only our own proxies are believed.
    """
    from desk.config import ConfigError

    hops = int(app.config["TRUSTED_PROXIES"])
    if hops < 0:
        raise ConfigError("DESK_TRUSTED_PROXIES must be 0 or more")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
