"""A spec-faithful fake of Allegro's REST API and OAuth server for tests and the demo.

Tests: `with serve_fake() as fake:` then point the real client at `fake.url` and arrange or
inspect `fake.state` (a FakeAllegroState). Demo: `flask --app integrations.allegro.fake run`.
"""
from integrations.allegro.fake.app import create_fake_allegro
from integrations.allegro.fake.demo.generator import DemoGenerator, create_app
from integrations.allegro.fake.request_log import RecordedRequest
from integrations.allegro.fake.server import FakeServer, serve_fake
from integrations.allegro.fake.state.core import FakeAllegroState

__all__ = [
    "DemoGenerator",
    "FakeAllegroState",
    "FakeServer",
    "RecordedRequest",
    "create_app",
    "create_fake_allegro",
    "serve_fake",
]
