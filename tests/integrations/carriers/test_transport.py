"""Transport rules over real HTTP: a write without an answer is outcome-unknown, reads retry."""

import socket

import pytest
import requests
from flask import Flask, jsonify

from integrations.carriers import (
    CarrierAuthError,
    CarrierRateLimited,
    CarrierUnavailable,
    OutcomeUnknown,
)
from integrations.carriers.fakekit import FakeHarness, serve_app
from integrations.carriers.transport import call

ROUTE = "POST /things"


class Things:
    """A tiny carrier: POST /things creates one, GET /things counts them."""

    def __init__(self) -> None:
        self.created = 0
        self.harness = FakeHarness()


@pytest.fixture
def things():
    state = Things()
    app = Flask("things")

    @app.post("/things")
    def create():
        state.created += 1
        return jsonify(id=state.created), 201

    @app.get("/things")
    def count():
        return jsonify(count=state.created)

    state.harness.install(app)
    with serve_app(app, state, name="things") as server:
        yield server


def post(server, timeout=5.0):
    return lambda: requests.post(f"{server.url}/things", json={}, timeout=(2, timeout))


def get(server, timeout=5.0):
    return lambda: requests.get(f"{server.url}/things", timeout=(2, timeout))


def test_a_plain_write_and_read_pass_through(things):
    assert call(post(things), carrier="t", write=True).status_code == 201
    assert call(get(things), carrier="t", write=False).json() == {"count": 1}
    assert [c.route for c in things.state.harness.calls] == ["POST /things", "GET /things"]


def test_a_5xx_after_the_commit_is_outcome_unknown_and_never_resent(things):
    things.state.harness.fail_after_commit(ROUTE)
    with pytest.raises(OutcomeUnknown):
        call(post(things), carrier="t", write=True)
    assert things.state.created == 1
    assert things.state.harness.count(ROUTE) == 1


@pytest.mark.parametrize("fault", ["drop_after_commit", "drop_before"])
def test_a_dropped_connection_on_a_write_is_outcome_unknown(things, fault):
    getattr(things.state.harness, fault)(ROUTE)
    with pytest.raises(OutcomeUnknown):
        call(post(things), carrier="t", write=True)
    assert things.state.created == (1 if fault == "drop_after_commit" else 0)


def test_a_write_slower_than_the_read_timeout_is_outcome_unknown(things):
    things.state.harness.delay(ROUTE, 0.6)
    with pytest.raises(OutcomeUnknown):
        call(post(things, timeout=0.2), carrier="t", write=True)


def test_reads_are_retried_until_the_carrier_answers(things):
    things.state.harness.fail_next("GET /things", 503, times=2)
    naps = []
    response = call(get(things), carrier="t", write=False, sleep=naps.append)
    assert response.json() == {"count": 0}
    assert len(naps) == 2 and naps[1] > naps[0]
    assert things.state.harness.count("GET /things") == 3


def test_a_read_that_keeps_failing_is_unavailable(things):
    things.state.harness.fail_next("GET /things", 502, times=5)
    with pytest.raises(CarrierUnavailable):
        call(get(things), carrier="t", write=False, sleep=lambda _: None)
    assert things.state.harness.count("GET /things") == 3


def test_auth_and_rate_limits_are_named(things):
    things.state.harness.fail_next(ROUTE, 401)
    with pytest.raises(CarrierAuthError):
        call(post(things), carrier="t", write=True)
    things.state.harness.fail_next(ROUTE, 429, body='{"error":"slow down"}')
    with pytest.raises(CarrierRateLimited) as caught:
        call(post(things), carrier="t", write=True)
    assert caught.value.retry_after is None
    assert things.state.created == 0


def test_a_refused_connection_is_unavailable_even_for_a_write():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(CarrierUnavailable):
        call(lambda: requests.post(f"http://127.0.0.1:{port}/x", timeout=1), carrier="t", write=True)
