"""Fixtures for the fake Allegro's own tests: a served fake with a controllable clock and a tiny client."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from integrations.allegro.fake import FakeAllegroState, FakeServer, serve_fake
from integrations.allegro.fake.validation import load_spec_dict, undeclared

PUB = "application/vnd.allegro.public.v1+json"
CLIENT = ("desk-demo-client", "desk-demo-secret")
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


class Api:
    """requests against the fake with the seller's bearer token and Allegro's media type."""

    def __init__(self, server: FakeServer, token: str) -> None:
        self.server = server
        self.token = token
        self.session = requests.Session()

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept": PUB, **extra}

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        kwargs.setdefault("timeout", 10)
        return self.session.get(self.server.url + path, headers=headers, **kwargs)

    def send(self, method: str, path: str, body: Any, **kwargs: Any) -> requests.Response:
        headers = {**self.headers(**{"Content-Type": PUB}), **kwargs.pop("headers", {})}
        return self.session.request(
            method, self.server.url + path, json=body, headers=headers, timeout=10, **kwargs
        )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeServer]:
    with serve_fake(FakeAllegroState(clock=clock, seed=7)) as server:
        yield server


@pytest.fixture
def state(fake: FakeServer) -> FakeAllegroState:
    return fake.state


@pytest.fixture
def seller(state: FakeAllegroState) -> str:
    return state.add_seller("sklep_testowy")


@pytest.fixture
def api(fake: FakeServer, seller: str) -> Iterator[Api]:
    client = Api(fake, fake.state.issue_token(seller)["access_token"])
    yield client
    client.session.close()


@pytest.fixture
def oauth(fake: FakeServer) -> Iterator[requests.Session]:
    """A session that authenticates as the demo application."""
    with requests.Session() as session:
        session.auth = CLIENT
        yield session


def schema_errors(component: str, instance: Any) -> list[str]:
    """Every way `instance` breaks a schema of the spec, including keys the schema does not declare."""
    spec = load_spec_dict()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator(component).iter_errors(instance)]
    return errors + undeclared(instance, spec["components"]["schemas"][component], spec, "")


@functools.cache
def _validator(component: str) -> OAS30Validator:
    schema = {"$ref": f"#/components/schemas/{component}", "components": load_spec_dict()["components"]}
    return OAS30Validator(schema, format_checker=oas30_format_checker)




@pytest.fixture
def spec_errors():
    """schema_errors(component, instance) as a fixture, so test modules need not import conftest."""
    return schema_errors
