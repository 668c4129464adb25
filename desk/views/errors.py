"""Error pages in the agent's language, and the translation of domain and write-back errors."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from flask import Flask, flash, render_template
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from desk.extensions import db
from desk.services.errors import DeskError, NotFoundError, PermissionDenied
from desk.views.labels import WRITE_ERRORS
from desk.wiring import settings


def message_for(error: DeskError) -> str:
    """The domain error's message in the current language, parameters filled in."""
    return gettext(error.message, **error.params)


@contextmanager
def flashing_errors(done: str) -> Iterator[None]:
    """Flash `done` when the block succeeds, else the domain error that stopped it (404 still raises)."""
    try:
        yield
    except NotFoundError:
        raise  # the error pages answer 404
    except DeskError as exc:  # e.g. Allegro unreachable
        flash(message_for(exc), "error")
    else:
        flash(done, "success")


def write_error(
    code: str | None, detail: str | None = None, *, area: Mapping[str, str] | None = None
) -> str | None:
    """Why a write to Allegro failed or waits, from its outbox message's last error code and text.

    `area` holds the codes an area reads its own way (Allegro's 409: the chat closed, the order changed).
    """
    if not code and not detail:
        return None
    known = (area or {}).get(code or "") or WRITE_ERRORS.get(code or "")
    if known is not None:
        return str(known)
    return gettext("Allegro answered: %(reason)s", reason=detail or code)


def init_app(app: Flask) -> None:
    """Register Polish/English pages for 400, 403, 404 and 500 and for stray domain errors."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(400, _bad_request)
    app.register_error_handler(403, _forbidden)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(405, _method_not_allowed)
    app.register_error_handler(413, _too_large)
    app.register_error_handler(500, _server_error)
    app.register_error_handler(NotFoundError, _domain_not_found)
    app.register_error_handler(PermissionDenied, _domain_forbidden)


def _page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    return _page(
        400,
        gettext("The form has expired"),
        gettext("The form could not be accepted because its security token is missing or has expired. "
                "Go back, reload the page and try again."),
    )


def _bad_request(error: HTTPException) -> tuple[str, int]:
    return _page(400, gettext("Bad request"), gettext("The request could not be understood."))


def _forbidden(error: HTTPException) -> tuple[str, int]:
    return _page(403, gettext("No access"), gettext("You do not have permission to open this page."))


def _not_found(error: HTTPException) -> tuple[str, int]:
    return _page(
        404, gettext("Page not found"), gettext("The page does not exist or has been moved.")
    )


def _method_not_allowed(error: HTTPException) -> tuple[str, int]:
    return _page(405, gettext("Not allowed"), gettext("This action cannot be performed this way."))


def _too_large(error: HTTPException) -> tuple[str, int]:
    limit = settings().max_request_bytes // (1024 * 1024)
    return _page(
        413,
        gettext("Too much data"),
        gettext("What was sent is larger than %(max)d MB altogether, so the desk did not read it. "
                "Go back, choose smaller or fewer files and send again.", max=limit),
    )


def _server_error(error: Exception) -> tuple[str, int]:
    # Flask has already logged the exception; a failed transaction would break rendering this page.
    db.session.rollback()
    return _page(
        500,
        gettext("Something went wrong"),
        gettext("The desk hit an unexpected error. It has been logged; try again in a moment."),
    )


def _domain_not_found(error: NotFoundError) -> tuple[str, int]:
    return _page(404, gettext("Not found"), message_for(error))


def _domain_forbidden(error: PermissionDenied) -> tuple[str, int]:
    return _page(403, gettext("No access"), message_for(error))
