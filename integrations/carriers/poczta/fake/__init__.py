"""The fake Poczta Polska: e-Nadawca SOAP (validated against the vendored WSDL) and a modelled Sledzenie
tracking service, served over real HTTP on a loopback port.

    server = serve_poczta()            # .url -> e-Nadawca at server.url + ENADAWCA_PATH
    server.state.add_point(...)        # test handles live on the state
    server.app.extensions["harness"]   # FakeHarness: faults and the request log ("SOAP addShipment")
"""

from __future__ import annotations

from integrations.carriers.fakekit import FakeHarness, LoopbackServer, serve_app
from integrations.carriers.poczta.fake.app import ENADAWCA_PATH, SLEDZENIE_PATH, create_app
from integrations.carriers.poczta.fake.demo import seed_demo
from integrations.carriers.poczta.fake.state import PocztaState


def serve_poczta(state: PocztaState | None = None, *, demo: bool = False, port: int = 0) -> LoopbackServer:
    """Start the fake; `demo` seeds points in a few cities (PocztaState(auto_advance=...): living parcels)."""
    state = state or PocztaState()
    if demo:
        seed_demo(state)
    return serve_app(create_app(state), state, name="fake-poczta", port=port)


def harness_of(server: LoopbackServer) -> FakeHarness:
    """The fake's FakeHarness."""
    return server.app.extensions["harness"]


__all__ = [
    "ENADAWCA_PATH",
    "SLEDZENIE_PATH",
    "PocztaState",
    "harness_of",
    "seed_demo",
    "serve_poczta",
]
