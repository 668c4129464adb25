"""serve_fake: a real HTTP server on loopback that starts fast, serves threads, and stops cleanly."""

from __future__ import annotations

import socket
import threading
import time

import requests

from integrations.allegro.fake import FakeAllegroState, create_fake_allegro, serve_fake

PUB = "application/vnd.allegro.public.v1+json"


def test_url_state_and_app_are_exposed():
    state = FakeAllegroState()
    with serve_fake(state) as server:
        assert server.url.startswith("http://127.0.0.1:") and not server.url.endswith("/")
        assert server.state is state
        assert server.app.url_map is not None
        assert requests.get(f"{server.url}/order/carriers", timeout=10).status_code == 401


def test_stop_frees_the_port():
    server = serve_fake()
    port = int(server.url.rsplit(":", 1)[1])

    server.stop()

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


def test_servers_start_quickly():
    started = time.monotonic()
    for _ in range(5):
        serve_fake().stop()

    assert time.monotonic() - started < 5


def test_parallel_writes_are_all_applied(fake, state, seller):
    form = state.add_checkout_form(seller)
    token = state.issue_token(seller)["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Accept": PUB, "Content-Type": PUB}
    statuses: list[int] = []

    def post(n: int) -> None:
        response = requests.post(
            f"{fake.url}/order/checkout-forms/{form['id']}/shipments",
            json={"carrierId": "DPD", "waybill": f"W{n}"},
            headers=headers,
            timeout=10,
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [201] * 20
    assert sorted(s["waybill"] for s in state.shipments[form["id"]]) == sorted(f"W{n}" for n in range(20))
    assert state.request_count("POST /order/checkout-forms/{id}/shipments") == 20


def test_the_app_also_runs_under_flasks_test_client():
    state = FakeAllegroState()
    seller = state.add_seller("sklep")
    client = create_fake_allegro(state, validate=False).test_client()
    headers = {"Authorization": f"Bearer {state.issue_token(seller)['access_token']}", "Accept": PUB}

    assert client.get("/me", headers=headers).get_json()["login"] == "sklep"
    assert client.get("/static/app.js", headers=headers).status_code == 404
