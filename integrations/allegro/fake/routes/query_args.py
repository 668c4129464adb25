"""Query parameters of the fake's list routes: 422 outside their declared ranges, as Allegro answers."""
from __future__ import annotations

from flask import request

from integrations.allegro.fake.errors import validation_error


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """An integer parameter within [low, high], or `default` when absent."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise validation_error(f"Parameter {name} must be an integer", path=name) from None
    if not low <= value <= high:
        raise validation_error(f"Parameter {name} must be between {low} and {high}", path=name)
    return value


def bool_arg(name: str) -> bool | None:
    """A true/false parameter, or None when absent."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise validation_error(f"Parameter {name} must be true or false", path=name)
    return raw == "true"
