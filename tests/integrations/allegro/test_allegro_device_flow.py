"""The OAuth device flow against the fake: pending, slow_down, approval, denial and expiry."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from integrations.allegro import (
    AccessDenied,
    AllegroClient,
    AuthorizationPending,
    DeviceCode,
    DeviceCodeExpired,
    DeviceFlowError,
    MemoryTokenStore,
    OAuthClient,
    TokenManager,
)
from integrations.allegro.fake import FakeAllegroState
from integrations.allegro.fake.state.auth import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

from .allegro_doubles import Clock, RecordingSleep

TOKEN = "POST /auth/oauth/token"


class Approver:
    """An on_wait callback that lets the user act after a number of pauses."""

    def __init__(self, action: Callable[[], object], after: int) -> None:
        self.action = action
        self.after = after
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if len(self.waits) == self.after:
            self.action()


def test_start_device_flow(oauth: OAuthClient, state: FakeAllegroState) -> None:
    code = oauth.start_device_flow()
    assert isinstance(code, DeviceCode)
    assert code.device_code and code.user_code and code.verification_uri.endswith("/skojarz-aplikacje")
    assert code.verification_uri_complete == f"{code.verification_uri}?code={code.user_code}"
    assert (code.expires_in, code.interval) == (600, 5)
    (sent,) = state.requests
    assert sent.route == "POST /auth/oauth/device"
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    basic = base64.b64encode(f"{DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET}".encode()).decode()
    assert sent.headers["Authorization"] == f"Basic {basic}"


def test_pending_then_approved(
    fake_allegro,
    oauth: OAuthClient,
    state: FakeAllegroState,
    seller_id: str,
    sleep: RecordingSleep,
    clock: Clock,
) -> None:
    code = oauth.start_device_flow()
    approver = Approver(lambda: state.approve_device(code.user_code, seller_id), after=3)
    pair = oauth.wait_for_device_token(code, sleep=sleep, on_wait=approver)

    assert sleep.delays == [5, 5, 5] == approver.waits
    polls = state.requests_for(TOKEN)
    assert [p.status for p in polls] == [400, 400, 200]
    assert polls[0].query == {
        "grant_type": ["urn:ietf:params:oauth:grant-type:device_code"],
        "device_code": [code.device_code],
    }
    assert pair.refresh_token and pair.access_expires_at > clock()
    # the pair works for API calls as the approving seller
    with AllegroClient(fake_allegro.url, TokenManager(MemoryTokenStore(pair), oauth, clock=clock)) as api:
        assert api.me().id == seller_id


def test_slow_down_adds_five_seconds(oauth: OAuthClient, state: FakeAllegroState, seller_id: str) -> None:
    code = oauth.start_device_flow()
    delays: list[float] = []  # a sleep that does not move the fake's clock: every poll is too early
    approver = Approver(lambda: state.approve_device(code.user_code, seller_id), after=3)
    pair = oauth.wait_for_device_token(code, sleep=delays.append, on_wait=approver)
    assert delays == [5, 5, 10]
    assert [p.status for p in state.requests_for(TOKEN)] == [400, 400, 200]
    assert pair.access_token


def test_denied(oauth: OAuthClient, state: FakeAllegroState, seller_id: str, sleep: RecordingSleep) -> None:
    code = oauth.start_device_flow()
    with pytest.raises(AccessDenied) as caught:
        oauth.wait_for_device_token(
            code, sleep=sleep, on_wait=Approver(lambda: state.deny_device(code.user_code), 2)
        )
    assert caught.value.error == "access_denied"
    assert len(sleep.delays) == 2


def test_expired_at_the_server(
    oauth: OAuthClient, state: FakeAllegroState, seller_id: str, sleep: RecordingSleep, clock: Clock
) -> None:
    code = oauth.start_device_flow()
    with pytest.raises(DeviceCodeExpired) as caught:
        # the user walks away; the next poll comes after the code's lifetime
        oauth.wait_for_device_token(code, sleep=sleep, on_wait=Approver(lambda: clock.advance(600), 2))
    assert caught.value.error == "expired_token"


def test_expires_locally_without_endless_polling(
    oauth: OAuthClient, state: FakeAllegroState, seller_id: str, sleep: RecordingSleep
) -> None:
    state.device_ttl = 12
    code = oauth.start_device_flow()
    with pytest.raises(DeviceCodeExpired):
        oauth.wait_for_device_token(code, sleep=sleep)
    assert sleep.delays == [5, 5]
    assert state.request_count(TOKEN) == 2


def test_single_poll_while_pending(oauth: OAuthClient, seller_id: str) -> None:
    code = oauth.start_device_flow()
    with pytest.raises(AuthorizationPending) as caught:
        oauth.poll_device_token(code.device_code)
    assert caught.value.status == 400


def test_unknown_device_code(oauth: OAuthClient) -> None:
    with pytest.raises(DeviceFlowError) as caught:
        oauth.poll_device_token("made-up")
    assert caught.value.error == "invalid_request"
    assert type(caught.value) is DeviceFlowError
