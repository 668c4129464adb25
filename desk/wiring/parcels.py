"""The stuck-parcel rules as the settings give them (DESK_STUCK_WORKING_DAYS_<CARRIER>,
DESK_STUCK_PICKUP_DAYS)."""

from __future__ import annotations

from flask import Flask, current_app

from desk.services.shipping.tracking.stuck import CARRIERS, StuckRules


def stuck_rules(app: Flask | None = None) -> StuckRules:
    """The rules of `app` (default: the current app), read from its config at each call."""
    config = (app or current_app).config
    return StuckRules(
        working_days={carrier: int(config[f"STUCK_WORKING_DAYS_{carrier.upper()}"]) for carrier in CARRIERS},
        other_working_days=int(config["STUCK_WORKING_DAYS_OTHER"]),
        pickup_days=int(config["STUCK_PICKUP_DAYS"]),
    )
