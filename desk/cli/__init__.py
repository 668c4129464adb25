"""`flask desk ...` commands: entry points that call services."""
from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

desk_cli = AppGroup("desk", help="Allegro desk commands.")


def register_cli(app: Flask) -> None:
    import desk.cli.secrets  # noqa: F401  (secrets rotate)
    from desk.cli import accounts, agents, billing, privacy, serve, surcharges, sync  # noqa: F401  (commands attach)

    app.cli.add_command(desk_cli)
