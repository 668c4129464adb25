"""`flask desk ...` commands: entry points that call services."""
from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

desk_cli = AppGroup("desk", help="Allegro desk commands.")


def register_cli(app: Flask) -> None:
    import desk.cli.secrets  # noqa: F401  (secrets rotate)
    from desk.cli import (  # noqa: F401  (commands attach)
        accounts,
        agents,
        billing,
        privacy,
        privacy_erase,  # noqa: F401  (flask desk privacy erase)
        privacy_export,  # noqa: F401  (flask desk privacy export)
        privacy_retention,  # noqa: F401  (flask desk privacy retention)
        serve,
        surcharges,
        sync,
    )

    app.cli.add_command(desk_cli)
