"""flask desk serve / worker / beat: run the desk (with jobs), the jobs, or Celery beat."""

from __future__ import annotations

import logging
import time

import click
from flask import current_app
from werkzeug.serving import run_simple

from desk.cli import desk_cli
from desk.jobs import start_scheduler
from desk.tasks import get_celery
from desk.wiring import uses_celery


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
        from desk.demo import fake_urls, prepare_demo, start_demo_ticker

        login = prepare_demo(app)
        start_demo_ticker(app)
        click.echo("")
        click.echo(f"  Allegro Desk: http://{host}:{port}/")
        click.echo(f"  login: {login.email}")
        click.echo(f"  password: {login.password or '(unchanged since the first run)'}")
        click.echo("  fakes: " + ", ".join(f"{name} {url}" for name, url in fake_urls(app).items()))
        click.echo("")
    start_scheduler(app)
    run_simple(host, port, app, threaded=True, use_reloader=False)


@desk_cli.command("worker", context_settings={"ignore_unknown_options": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def worker(celery_args: tuple[str, ...]) -> None:
    """Run the jobs: a Celery worker with DESK_QUEUE=celery (extra arguments go to Celery, e.g.
    `-- --pool threads --concurrency 4`), else the scheduled jobs in this process."""
    app = current_app._get_current_object()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if uses_celery(app):
        from desk.tasks.celery_app import QUEUES  # Celery is imported only where it is used

        argv = ["worker", "--loglevel", "INFO", "--queues", ",".join(QUEUES), *celery_args]
        get_celery(app).worker_main(argv)
        return
    app.config["SCHEDULER_ENABLED"] = True
    start_scheduler(app)
    click.echo("worker running; Ctrl+C to stop")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


@desk_cli.command("beat", context_settings={"ignore_unknown_options": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def beat(celery_args: tuple[str, ...]) -> None:
    """Run Celery beat, which sends the jobs of the table on their intervals (one per deployment)."""
    app = current_app._get_current_object()
    if not uses_celery(app):
        raise click.ClickException("beat needs DESK_QUEUE=celery; the embedded queue runs its own jobs")
    raise SystemExit(get_celery(app).start(["beat", "--loglevel", "INFO", *celery_args]) or 0)
