"""The fake DPD Polska a test or a desk run starts on 127.0.0.1 (Flask): DPDServices and DPDInfoServices
SOAP validated against the packaged XSDs, and a small JSON points endpoint."""

from __future__ import annotations

from integrations.carriers.dpd.fake.app import create_app
from integrations.carriers.dpd.fake.demo import seed_demo
from integrations.carriers.dpd.fake.state import DpdFakeState
from integrations.carriers.fakekit import FakeHarness, LoopbackServer, serve_app


def serve_dpd(state: DpdFakeState | None = None, *, host: str = "127.0.0.1", port: int = 0) -> LoopbackServer:
    """Start a fake DPD (a fresh state unless given) and return the running server."""
    state = state or DpdFakeState()
    return serve_app(create_app(state), state, name="fake-dpd", host=host, port=port)


def harness_of(server: LoopbackServer) -> FakeHarness:
    """The fault injection and request log of a running fake DPD."""
    return server.app.extensions["harness"]


__all__ = ["DpdFakeState", "create_app", "harness_of", "seed_demo", "serve_dpd"]
