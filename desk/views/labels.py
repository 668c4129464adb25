"""Translated labels for states shown in several templates."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

RUN_STATES = {
    "running": _l("running"),
    "ok": _l("done"),
    "partial": _l("partly done"),
    "failed": _l("failed"),
    "skipped": _l("skipped"),
}
RUN_TONES = {
    "running": "info", "ok": "success", "partial": "warning", "failed": "error", "skipped": "neutral"
}
RUN_KINDS = {
    "incremental": _l("changes"),
    "sweep": _l("changes + repair sweep"),
    "backfill": _l("history"),
    "full": _l("full"),
}


def init_app(app: Flask) -> None:
    @app.context_processor
    def _labels() -> dict:
        from desk.views.home import ACCOUNT_STATUS

        return {
            "run_states": RUN_STATES,
            "run_tones": RUN_TONES,
            "run_kinds": RUN_KINDS,
            "account_status": ACCOUNT_STATUS,
        }
