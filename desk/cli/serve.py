"""flask desk serve / worker: run the desk (with jobs) or only the jobs."""

from __future__ import annotations

import logging
import time

import click
from flask import current_app
from werkzeug.serving import run_simple

from desk.cli import desk_cli
from desk.jobs import start_scheduler


@desk_cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=None, help="Default: DESK_PORT or 5000.")
@click.option("--demo", is_flag=True, help="Demo admin + a seller account on the built-in fake Allegro.")
def serve(host: str, port: int | None, demo: bool) -> None:
    """Run the desk with its scheduler (development and demo; production uses gunicorn)."""
    app = current_app._get_current_object()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    port = port or int(app.config["PORT"])
    if demo:
        from desk.demo import prepare_demo, start_demo_ticker

        login = prepare_demo(app)
        start_demo_ticker(app)
        click.echo("")
        click.echo(f"  Allegro Desk: http://{host}:{port}/")
        click.echo(f"  login: {login.email}")
        click.echo(f"  password: {login.password or '(unchanged since the first run)'}")
        click.echo("")
    start_scheduler(app)
    run_simple(host, port, app, threaded=True, use_reloader=False)


@desk_cli.command("worker")
def worker() -> None:
    """Run only the scheduled jobs (sync, sweep, outbox) in this process."""
    app = current_app._get_current_object()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app.config["SCHEDULER_ENABLED"] = True
    start_scheduler(app)
    click.echo("worker running; Ctrl+C to stop")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
