"""Domain errors raised by services and shown to people by the entry points.

Each error carries an English message that is also a catalog msgid, plus named
parameters. Services stay free of Flask, so they only *mark* messages with `N_`
for extraction; views translate them with `gettext(error.message, **error.params)`
and the CLI prints `str(error)`, the English text.
"""
from __future__ import annotations

from typing import Any


def N_(message: str) -> str:  # noqa: N802  (the conventional gettext marker name)
    """Mark a message for extraction without translating it here."""
    return message


class DeskError(Exception):
    """Base of every error a service raises on purpose."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return self.message % self.params if self.params else self.message


class ValidationError(DeskError):
    """The input cannot be accepted as given."""


class NotFoundError(DeskError):
    """The thing asked for does not exist (or is not visible to the caller)."""


class PermissionDenied(DeskError):
    """The caller may not do this."""


class ConflictError(DeskError):
    """The change clashes with the current state (duplicate, stale version...)."""


class RateLimitedError(DeskError):
    """Too many attempts; try again later."""

    def __init__(self, message: str, *, retry_after: int, **params: Any) -> None:
        super().__init__(message, **params)
        self.retry_after = retry_after
