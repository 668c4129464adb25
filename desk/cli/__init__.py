"""`flask desk ...` commands: entry points that call services."""
from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

desk_cli = AppGroup("desk", help="Allegro desk commands.")


def register_cli(app: Flask) -> None:
    from desk.cli import (  # noqa: F401  (commands attach)
        accounts,
        agents,
        billing,
        privacy,
        privacy_retention,
        serve,
        surcharges,
        sync,
    )

    app.cli.add_command(desk_cli)
