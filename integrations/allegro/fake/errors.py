"""Exceptions the fake's operations raise; the app renders them the way Allegro answers."""
from __future__ import annotations


class ApiError(Exception):
    """An Allegro ErrorsHolder answer: `{"errors": [{code, message, path, ...}]}`."""

    def __init__(self, status: int, code: str, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.path = path


class OAuthError(Exception):
    """An OAuth answer: `{"error": ..., "error_description": ...}`."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.status = status
        self.error = error
        self.description = description


def not_found(what: str = "Resource") -> ApiError:
    """The 404 Allegro gives for unknown ids and for other sellers' data alike."""
    return ApiError(404, "NotFoundException", f"{what} not found")


def validation_error(message: str, *, path: str | None = None, status: int = 422) -> ApiError:
    """A VALIDATION_ERROR, 422 unless the endpoint declares 400 for bad values."""
    return ApiError(status, "VALIDATION_ERROR", message, path=path)
