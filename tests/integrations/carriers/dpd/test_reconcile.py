"""A create whose outcome is unknown is reconciled by reading, and never makes two packages."""

from __future__ import annotations

import time

import pytest

from integrations.carriers.errors import CarrierUnavailable, OutcomeUnknown
from tests.integrations.carriers.dpd.conftest import make_request

CREATE = "SOAP generatePackagesNumbersV4"


def test_error_after_commit_then_find_shipment(adapter, harness, state):
    harness.fail_after_commit(CREATE, 500)
    with pytest.raises(OutcomeUnknown):
        adapter.create_shipment(make_request("key-a"))
    found = adapter.find_shipment("key-a")
    assert found is not None and len(found.waybills) == 1
    assert len(state.packages) == 1
    assert harness.count(CREATE) == 1  # the write was not repeated by the adapter


def test_resending_after_unknown_outcome_returns_the_first_package(adapter, harness, state):
    harness.drop_after_commit(CREATE)
    with pytest.raises(OutcomeUnknown):
        adapter.create_shipment(make_request("key-b"))
    again = adapter.create_shipment(make_request("key-b"))
    assert again.raw_status == "DUPLICATED_PACKAGE_SEARCH_KEY"
    assert len(state.packages) == 1
    assert again.waybills == tuple(next(iter(state.packages.values())).waybills)


def test_delay_beyond_read_timeout_is_unknown_and_found(adapter, harness, state):
    harness.delay(CREATE, 1.5)  # the adapter's read timeout is 1 s
    with pytest.raises(OutcomeUnknown):
        adapter.create_shipment(make_request("key-c"))
    assert adapter.find_shipment("key-c") is None  # DPD has not finished yet
    deadline = time.monotonic() + 3
    while not state.packages and time.monotonic() < deadline:  # the late request lands
        time.sleep(0.05)
    found = adapter.find_shipment("key-c")
    assert found is not None
    assert [p.reference for p in state.packages.values()] == ["key-c"]


def test_find_shipment_is_none_when_nothing_was_made(adapter, harness):
    harness.drop_before(CREATE)
    with pytest.raises(OutcomeUnknown):
        adapter.create_shipment(make_request("key-d"))
    assert adapter.find_shipment("key-d") is None


def test_reads_are_retried_on_5xx(adapter, harness):
    harness.fail_next("SOAP findPackagesV1", 503, times=2)
    assert adapter.find_shipment("nothing") is None
    assert harness.count("SOAP findPackagesV1") == 3


def test_read_unavailable_after_retries(adapter, harness):
    harness.fail_next("SOAP findPackagesV1", 502, times=3)
    with pytest.raises(CarrierUnavailable):
        adapter.find_shipment("nothing")
