"""Cash-on-delivery settings as views and jobs hand them to services (read from the config at each call)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app


@dataclass(frozen=True)
class CodSettings:
    ageing_days: int  # working days after which money the carrier has not remitted counts as late


def cod_settings(app: Flask | None = None) -> CodSettings:
    """The COD settings of `app` (default: the current app)."""
    config = (app or current_app).config
    return CodSettings(ageing_days=int(config["COD_AGEING_DAYS"]))
