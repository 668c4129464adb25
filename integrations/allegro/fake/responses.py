"""Response builders speaking Allegro's dialect: vendor media type, ErrorsHolder and OAuth error bodies."""
from __future__ import annotations

import json
from typing import Any

from flask import Response, request

PUBLIC_V1 = "application/vnd.allegro.public.v1+json"
BETA_V1 = "application/vnd.allegro.beta.v1+json"
OAUTH_JSON = "application/json;charset=UTF-8"

# userMessage texts keyed by error code; Allegro translates them by Accept-Language (English default)
_USER_MESSAGES: dict[str, tuple[str, str]] = {
    "VALIDATION_ERROR": (
        "The request contains incorrect data. Contact the author of the application.",
        "Żądanie zawiera niepoprawne dane. Skontaktuj się z autorem aplikacji.",
    ),
    "NotAcceptableException": (
        "Not acceptable representation requested. Contact the author of the application.",
        "Żądano nieobsługiwanego formatu danych. Skontaktuj się z autorem aplikacji.",
    ),
    "NotSupportedException": (
        "Unsupported content type. Contact the author of the application.",
        "Nieobsługiwany format danych. Skontaktuj się z autorem aplikacji.",
    ),
    "NotAllowedException": (
        "The operation is not allowed. Contact the author of the application.",
        "Operacja jest niedozwolona. Skontaktuj się z autorem aplikacji.",
    ),
    "NotFoundException": (
        "The requested resource was not found.",
        "Nie znaleziono żądanego zasobu.",
    ),
    "CONFLICT": (
        "The order was modified in the meantime. Refresh it and try again.",
        "Zamówienie zostało w międzyczasie zmienione. Odśwież je i spróbuj ponownie.",
    ),
    "TOO_MANY_REQUESTS": (
        "Too many requests. Try again later.",
        "Zbyt wiele żądań. Spróbuj ponownie później.",
    ),
    "ACCESS_DENIED": (
        "You do not have permission to perform this operation.",
        "Nie masz uprawnień do wykonania tej operacji.",
    ),
    "THREAD_NOT_FOUND": ("Thread does not exist", "Wątek nie istnieje"),
    "THREAD_CLOSED": (
        "The thread is closed. You cannot add a message to it.",
        "Wątek jest zamknięty. Nie można dodać do niego wiadomości.",
    ),
    "UNSUPPORTED_MIME_TYPE": (
        "Unsupported file type. Allowed: PNG, GIF, BMP, TIFF, JPEG, PDF.",
        "Nieobsługiwany typ pliku. Dozwolone: PNG, GIF, BMP, TIFF, JPEG, PDF.",
    ),
    "ASSIGNING_ATTACHMENTS_TO_MESSAGE_FAILED": (
        "The attachments could not be added to the message.",
        "Nie udało się dodać załączników do wiadomości.",
    ),
}
_DEFAULT_USER_MESSAGE = (
    "An error has occurred. Try again later.",
    "Wystąpił błąd. Spróbuj ponownie później.",
)


def wants_polish() -> bool:
    """True when the caller asked for Polish messages (Accept-Language: pl-PL)."""
    return request.headers.get("Accept-Language", "").lower().startswith("pl")


def user_message(code: str) -> str:
    """The localized, non-technical message for an error code."""
    english, polish = _USER_MESSAGES.get(code, _DEFAULT_USER_MESSAGE)
    return polish if wants_polish() else english


def json_response(payload: Any, status: int = 200, *, mimetype: str = PUBLIC_V1) -> Response:
    """Serialize without Flask's key sorting: list pages of 100 orders must stay cheap."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return Response(body.encode("utf-8"), status=status, mimetype=mimetype)


def error_entry(
    code: str,
    message: str,
    *,
    path: str | None = None,
    details: str | None = None,
    metadata: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One element of an ErrorsHolder's `errors` list."""
    return {
        "code": code,
        "message": message,
        "details": details,
        "path": path,
        "userMessage": user_message(code),
        "metadata": metadata or {},
    }


def errors_response(status: int, code: str, message: str, *, path: str | None = None) -> Response:
    """An ErrorsHolder answer with one error."""
    return json_response({"errors": [error_entry(code, message, path=path)]}, status)


def oauth_error_response(status: int, error: str, description: str) -> Response:
    """The OAuth-style error body Allegro uses on 401s and on the token endpoint."""
    return json_response({"error": error, "error_description": description}, status, mimetype=OAUTH_JSON)
