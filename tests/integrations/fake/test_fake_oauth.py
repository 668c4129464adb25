"""OAuth on the fake: client authentication, the device flow, and refresh-token rotation."""

from __future__ import annotations

import requests

PUB = "application/vnd.allegro.public.v1+json"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _start(fake, oauth):
    response = oauth.post(f"{fake.url}/auth/oauth/device", data={"client_id": "desk-demo-client"}, timeout=10)
    assert response.status_code == 200
    return response.json()


def _poll(fake, oauth, device_code):
    params = {"grant_type": DEVICE_GRANT, "device_code": device_code}
    return oauth.post(f"{fake.url}/auth/oauth/token", params=params, timeout=10)


def _refresh(fake, oauth, refresh_token):
    params = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return oauth.post(f"{fake.url}/auth/oauth/token", params=params, timeout=10)


def _me(fake, access_token):
    headers = {"Accept": PUB, "Authorization": f"Bearer {access_token}"}
    return requests.get(f"{fake.url}/me", headers=headers, timeout=10)


def test_device_code_answer_points_to_the_approval_page(fake, oauth, state):
    code = _start(fake, oauth)

    assert set(code) == {
        "device_code",
        "user_code",
        "verification_uri",
        "verification_uri_complete",
        "expires_in",
        "interval",
    }
    assert code["verification_uri"] == f"{fake.url}/skojarz-aplikacje"
    assert code["verification_uri_complete"] == f"{fake.url}/skojarz-aplikacje?code={code['user_code']}"
    assert (code["expires_in"], code["interval"]) == (state.device_ttl, state.device_interval)


def test_wrong_client_secret_is_invalid_client(fake):
    response = requests.post(
        f"{fake.url}/auth/oauth/token",
        params={"grant_type": "refresh_token", "refresh_token": "x"},
        auth=("desk-demo-client", "wrong"),
        timeout=10,
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_device_call_without_basic_auth_is_invalid_client(fake):
    response = requests.post(
        f"{fake.url}/auth/oauth/device", data={"client_id": "desk-demo-client"}, timeout=10
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_registered_client_can_start_the_flow(fake, state):
    state.register_client("inna-aplikacja", "tajne")

    response = requests.post(
        f"{fake.url}/auth/oauth/device",
        data={"client_id": "inna-aplikacja"},
        auth=("inna-aplikacja", "tajne"),
        timeout=10,
    )

    assert response.status_code == 200


def test_poll_is_pending_until_the_user_approves(fake, oauth, clock, seller):
    code = _start(fake, oauth)

    pending = _poll(fake, oauth, code["device_code"])

    assert pending.status_code == 400
    assert pending.json() == {
        "error": "authorization_pending",
        "error_description": "User has not authorized the device code yet.",
    }


def test_polling_too_fast_is_slow_down_and_lengthens_the_interval(fake, oauth, clock, state, seller):
    code = _start(fake, oauth)
    _poll(fake, oauth, code["device_code"])
    clock.advance(2)

    too_soon = _poll(fake, oauth, code["device_code"])  # the interval grows from 5 s to 10 s
    clock.advance(5)
    still_too_soon = _poll(fake, oauth, code["device_code"])  # 5 s < 10 s; now 15 s
    clock.advance(15)
    patient = _poll(fake, oauth, code["device_code"])

    assert too_soon.json()["error"] == "slow_down"
    assert still_too_soon.json()["error"] == "slow_down"
    assert patient.json()["error"] == "authorization_pending"


def test_approved_code_gives_tokens_once(fake, oauth, state, seller):
    code = _start(fake, oauth)
    state.approve_device(code["user_code"], seller)

    granted = _poll(fake, oauth, code["device_code"])
    again = _poll(fake, oauth, code["device_code"])

    assert granted.status_code == 200
    body = granted.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 43199
    assert body["allegro_api"] is True
    assert {"access_token", "refresh_token", "scope", "jti"} <= set(body)
    assert _me(fake, body["access_token"]).json()["id"] == seller
    assert again.status_code == 400
    assert again.json() == {"error": "invalid_request", "error_description": "Invalid device code"}


def test_denied_code_is_access_denied(fake, oauth, state, seller):
    code = _start(fake, oauth)
    state.deny_device(code["user_code"])

    response = _poll(fake, oauth, code["device_code"])

    assert response.status_code == 400
    assert response.json()["error"] == "access_denied"


def test_code_expires(fake, oauth, state, clock, seller):
    code = _start(fake, oauth)
    clock.advance(state.device_ttl)

    response = _poll(fake, oauth, code["device_code"])

    assert response.status_code == 400
    assert response.json()["error"] == "expired_token"


def test_unknown_device_code_is_invalid_request(fake, oauth, seller):
    code = _start(fake, oauth)

    response = _poll(fake, oauth, code["user_code"])  # the classic mistake: the user code

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "Invalid device code"}


def test_auto_approval_binds_the_chosen_seller(fake, oauth, state, seller):
    other = state.add_seller("drugi_sklep")
    state.auto_approve_devices = True
    state.device_seller_id = other

    code = _start(fake, oauth)
    body = _poll(fake, oauth, code["device_code"]).json()

    assert _me(fake, body["access_token"]).json()["id"] == other


def test_human_approves_on_the_page(fake, oauth, seller):
    code = _start(fake, oauth)

    page = requests.get(code["verification_uri_complete"], timeout=10)
    approved = requests.post(
        f"{fake.url}/skojarz-aplikacje", data={"code": code["user_code"], "decision": "approve"}, timeout=10
    )

    assert page.status_code == 200
    assert code["user_code"] in page.text and "Zatwierdź" in page.text
    assert approved.status_code == 200 and "Gotowe" in approved.text
    assert _poll(fake, oauth, code["device_code"]).status_code == 200


def test_page_rejects_unknown_codes(fake):
    page = requests.get(f"{fake.url}/skojarz-aplikacje", params={"code": "<b>zly</b>"}, timeout=10)

    assert "Nieprawidłowy" in page.text
    assert "<b>zly</b>" not in page.text


def test_refresh_rotates_the_pair(fake, oauth, state, seller):
    first = state.issue_token(seller)

    response = _refresh(fake, oauth, first["refresh_token"])

    assert response.status_code == 200
    second = response.json()
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert _me(fake, second["access_token"]).status_code == 200
    old = _me(fake, first["access_token"])
    assert old.status_code == 401
    assert old.json()["error"] == "invalid_token"


def test_used_refresh_token_works_during_the_grace_window_only(fake, oauth, state, clock, seller):
    first = state.issue_token(seller)
    assert _refresh(fake, oauth, first["refresh_token"]).status_code == 200

    clock.advance(state.refresh_grace_seconds)
    within = _refresh(fake, oauth, first["refresh_token"])
    clock.advance(1)
    after = _refresh(fake, oauth, first["refresh_token"])

    assert within.status_code == 200
    assert after.status_code == 400
    assert after.json() == {
        "error": "invalid_grant",
        "error_description": f"Invalid refresh token: {first['refresh_token']}",
    }


def test_revoked_and_unknown_refresh_tokens_are_invalid_grant(fake, oauth, state, seller):
    pair = state.issue_token(seller)
    state.revoke_refresh_tokens(seller)

    revoked = _refresh(fake, oauth, pair["refresh_token"])
    unknown = _refresh(fake, oauth, "made-up")

    assert (revoked.status_code, revoked.json()["error"]) == (400, "invalid_grant")
    assert (unknown.status_code, unknown.json()["error"]) == (400, "invalid_grant")


def test_refresh_token_expires(fake, oauth, state, clock, seller):
    pair = state.issue_token(seller, refresh_ttl=3600)
    clock.advance(3600)

    assert _refresh(fake, oauth, pair["refresh_token"]).json()["error"] == "invalid_grant"


def test_unsupported_grant_type(fake, oauth):
    response = oauth.post(f"{fake.url}/auth/oauth/token", params={"grant_type": "password"}, timeout=10)

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
