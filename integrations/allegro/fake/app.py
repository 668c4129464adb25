"""The fake Allegro as a Flask app: REST API and OAuth endpoints served from one place."""
from __future__ import annotations

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from integrations.allegro.fake import gate
from integrations.allegro.fake.context import STATE_KEY
from integrations.allegro.fake.errors import ApiError, OAuthError
from integrations.allegro.fake.responses import errors_response, oauth_error_response
from integrations.allegro.fake.routes import auth, issues, messaging, orders, ratings, shipments, user
from integrations.allegro.fake.state.core import FakeAllegroState
from integrations.allegro.fake.validation import warm_up

_HTTP_ERRORS = {
    400: ("VALIDATION_ERROR", "Bad request"),
    404: ("NotFoundException", "The requested resource does not exist"),
    405: ("NotAllowedException", "The HTTP method is not allowed"),
}


def create_fake_allegro(state: FakeAllegroState | None = None, *, validate: bool = True) -> Flask:
    """Build the fake around `state` (a fresh one when None); `validate` checks requests against the spec."""
    app = Flask(__name__, static_folder=None)
    app.extensions[STATE_KEY] = state if state is not None else FakeAllegroState()
    app.config[gate.VALIDATE_KEY] = validate
    if validate:
        warm_up()  # parse the spec now, not during the first request
    # a new REST area (e.g. routes/issues.py) is registered here and listed in gate.API_MEDIA_TYPES
    app.register_blueprint(user.bp)
    app.register_blueprint(orders.bp)
    app.register_blueprint(issues.bp)
    app.register_blueprint(ratings.bp)
    app.register_blueprint(messaging.bp)
    app.register_blueprint(shipments.bp)
    app.register_blueprint(auth.bp)
    gate.install(app)
    _install_error_handlers(app)
    return app


def _install_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> Response:
        """Operations' errors as ErrorsHolder."""
        return errors_response(error.status, error.code, error.message, path=error.path)

    @app.errorhandler(OAuthError)
    def oauth_error(error: OAuthError) -> Response:
        """401s and token endpoint errors in the OAuth shape."""
        return oauth_error_response(error.status, error.error, error.description)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        """Routing errors (404, 405) and other HTTP errors as ErrorsHolder."""
        status = error.code or 500
        code, message = _HTTP_ERRORS.get(status, ("ERROR", error.description or "An error has occurred"))
        response = errors_response(status, code, message)
        if status == 405 and error.get_headers():
            response.headers.update({k: v for k, v in error.get_headers() if k.lower() == "allow"})
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        """A bug in the fake: logged with its traceback, answered like Allegro's 500."""
        app.logger.exception("fake Allegro failed", exc_info=error)
        return errors_response(500, "ERROR", "An error has occurred")
