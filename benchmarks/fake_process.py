"""The fake Allegro in its own process, as a remote Allegro would be (no shared interpreter lock)."""

from __future__ import annotations

import multiprocessing as mp
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RemoteFake:
    url: str
    token: dict


def _serve(orders: int, latency: float, conn) -> None:
    from integrations.allegro.fake import FakeAllegroState, serve_fake

    state = FakeAllegroState(seed=1)
    seller = state.add_seller("bench_shop")
    state.populate_fast(seller, orders)
    if latency:  # every order-list page answers this much later, like a remote API
        state.delay("GET /order/checkout-forms", latency, times=10**9)
    server = serve_fake(state, validate=False)
    conn.send((server.url, state.issue_token(seller)))
    conn.recv()  # block until the parent says stop
    server.stop()


@contextmanager
def remote_fake(orders: int, latency: float = 0.0):
    """Start a fake with `orders` orders in a child process; yields its URL and a seller token.

    `latency` (seconds) delays every `/order/checkout-forms` page, as a remote Allegro would."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_serve, args=(orders, latency, child), daemon=True)
    process.start()
    try:
        if not parent.poll(300):
            raise RuntimeError("the fake Allegro did not start")
        url, token = parent.recv()
        yield RemoteFake(url, token)
    finally:
        parent.send("stop")
        process.join(10)
        if process.is_alive():
            process.kill()
