"""Complaint errors: bad input named per field (the form shows each message at its field)."""

from __future__ import annotations

from typing import Any

from desk.services.errors import ValidationError


class FormErrors(ValidationError):
    """The input cannot be accepted; `fields` maps each field to (message, params). Nothing was written."""

    def __init__(self, fields: dict[str, tuple[str, dict[str, Any]]]) -> None:
        message, params = next(iter(fields.values()))
        super().__init__(message, **params)
        self.fields = dict(fields)


def refuse_if_any(fields: dict[str, tuple[str, dict[str, Any]]]) -> None:
    """Raise FormErrors when any field was found wrong."""
    if fields:
        raise FormErrors(fields)
