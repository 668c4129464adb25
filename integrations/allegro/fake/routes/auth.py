"""OAuth endpoints (device flow, refresh, client credentials) and the page where a human approves a device."""
from __future__ import annotations

from flask import Blueprint, Response, render_template_string, request

from integrations.allegro.fake.context import get_state
from integrations.allegro.fake.errors import OAuthError
from integrations.allegro.fake.responses import OAUTH_JSON, json_response

bp = Blueprint("oauth", __name__)

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _client_id() -> str:
    """Authenticate the application by HTTP Basic, as Allegro requires on every token call."""
    auth = request.authorization
    if auth is None or auth.type != "basic":
        raise OAuthError(401, "invalid_client", "Full authentication is required to access this resource")
    client_id = get_state().check_client(auth.username, auth.password)
    claimed = request.values.get("client_id")
    if claimed is not None and claimed != client_id:
        raise OAuthError(401, "invalid_client", "Client id does not match the authenticated client")
    return client_id


@bp.post("/auth/oauth/device")
def device() -> Response:
    """Start the device flow: a device code for the app, a user code for the human."""
    client_id = _client_id()
    return json_response(get_state().start_device_flow(client_id, request.host_url), mimetype=OAUTH_JSON)


@bp.post("/auth/oauth/token")
def token() -> Response:
    """Exchange a device code or refresh token (or client credentials) for tokens."""
    client_id = _client_id()
    state = get_state()
    grant_type = request.values.get("grant_type")
    if grant_type == DEVICE_CODE_GRANT:
        answer = state.device_code_grant(client_id, request.values.get("device_code", ""))
    elif grant_type == "refresh_token":
        answer = state.refresh_token_grant(client_id, request.values.get("refresh_token", ""))
    elif grant_type == "client_credentials":
        answer = state.issue_application_token(client_id)
    else:
        raise OAuthError(400, "unsupported_grant_type", f"Unsupported grant type: {grant_type}")
    return json_response(answer, mimetype=OAUTH_JSON)


_PAGE = """<!doctype html>
<html lang="pl"><head><meta charset="utf-8"><title>Powiąż aplikację – Allegro (atrapa)</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:3rem auto;color:#222}
code{font-size:1.6rem;letter-spacing:.2rem}button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem}
.ok{color:#1a7f37}.err{color:#b3261e}</style></head><body>
<h1>Powiąż aplikację z kontem Allegro</h1>
{% if message %}<p class="{{ 'err' if error else 'ok' }}">{{ message }}</p>{% endif %}
{% if grant and grant.status == 'pending' %}
<p>Aplikacja prosi o dostęp do Twojego konta. Sprawdź, czy kod zgadza się z kodem w aplikacji:</p>
<p><code>{{ grant.user_code }}</code></p>
<form method="post"><input type="hidden" name="code" value="{{ grant.user_code }}">
{% if sellers|length > 1 %}<p><label>Konto: <select name="seller_id">
{% for s in sellers %}<option value="{{ s.id }}">{{ s.login }}</option>{% endfor %}
</select></label></p>{% endif %}
<button name="decision" value="approve">Zatwierdź</button>
<button name="decision" value="deny">Odrzuć</button></form>
{% elif not grant %}
<form method="get"><p><label>Kod z aplikacji: <input name="code" autofocus></label></p>
<button>Dalej</button></form>
{% endif %}
</body></html>"""


@bp.route("/skojarz-aplikacje", methods=["GET", "POST"])
def consent_page() -> str:
    """Show the user code and let a human approve or deny it (manual device-flow connection)."""
    state = get_state()
    code = request.values.get("code", "")
    grant = state.device_grant(code) if code else None
    message, error = "", False
    if code and grant is None:
        message, error = "Nieprawidłowy lub wygasły kod.", True
    elif grant is not None and request.method == "POST":
        if request.form.get("decision") == "deny":
            state.deny_device(code)
            message = "Odmówiono dostępu aplikacji."
        else:
            try:
                state.approve_device(code, request.form.get("seller_id") or None)
                message = "Gotowe! Aplikacja została powiązana z kontem. Możesz wrócić do aplikacji."
            except KeyError:
                message, error = "Brak konta sprzedawcy, z którym można powiązać aplikację.", True
    sellers = list(state.sellers.values())
    return render_template_string(_PAGE, grant=grant, message=message, error=error, sellers=sellers)
