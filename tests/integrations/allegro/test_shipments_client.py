"""The client's 'Wysyłam z Allegro' methods against the fake over HTTP: commands, polling, documents."""

from __future__ import annotations

import datetime as dt

import pytest

from integrations.allegro import (
    COMMAND_EXISTS,
    AllegroClient,
    BadRequest,
    CommandStillInProgress,
    NotFound,
    ServerError,
)
from integrations.allegro.fake import FakeAllegroState

from .allegro_doubles import RecordingSleep

CREATE = "POST /shipment-management/shipments/create-commands"
LABEL = "POST /shipment-management/label"


def _input(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, method: str = "Allegro Kurier DPD"
):
    form = state.add_wza_order(seller_id, method)
    return client.get_delivery_proposal(form["id"]).suggested_input


def _shipment(client, state, seller_id, sleep, method="Allegro Kurier DPD", command_id="c-1") -> str:
    client.create_shipment_command(command_id, _input(client, state, seller_id, method))
    status = client.wait_for_command("create", command_id, sleep=sleep)
    assert status.status == "SUCCESS"
    return status.result_id or ""


def test_create_and_poll_honours_retry_after(client, state, seller_id, sleep: RecordingSleep) -> None:
    receipt = client.create_shipment_command("c-1", _input(client, state, seller_id))
    assert receipt.command_id == "c-1" and receipt.retry_after == 1.0
    status = client.wait_for_command("create", "c-1", sleep=sleep)
    assert status.status == "SUCCESS" and sleep.delays == [1.0]
    shipment = client.get_wza_shipment(status.result_id or "")
    assert shipment.carrier == "DPD" and len(shipment.waybills) == 1


def test_a_stuck_command_is_outcome_unknown_after_the_limit(client, state, seller_id, sleep) -> None:
    state.wza_processing = None
    client.create_shipment_command("c-1", _input(client, state, seller_id))
    with pytest.raises(CommandStillInProgress) as caught:
        client.wait_for_command("create", "c-1", sleep=sleep, limit=3)
    assert caught.value.status.status == "IN_PROGRESS" and sum(sleep.delays) == 3
    assert state.request_count(CREATE) == 1  # polled, never sent again


def test_reused_command_id_is_command_exists(client, state, seller_id) -> None:
    data = _input(client, state, seller_id)
    client.create_shipment_command("c-1", data)
    with pytest.raises(BadRequest) as caught:
        client.create_shipment_command("c-1", data)
    assert caught.value.code == COMMAND_EXISTS


def test_errors_come_only_in_the_status(client, state, seller_id, sleep) -> None:
    data = {**_input(client, state, seller_id), "referenceNumber": "R" * 30}
    client.create_shipment_command("c-1", data)  # no exception: the POST answers 200
    status = client.wait_for_command("create", "c-1", sleep=sleep)
    assert status.status == "ERROR" and status.errors[0].path == "referenceNumber"


def test_unknown_command_is_not_found(client) -> None:
    with pytest.raises(NotFound):
        client.get_shipment_command("never-sent")


def test_a_5xx_after_commit_is_not_retried(client, state, seller_id) -> None:
    data = _input(client, state, seller_id)
    state.fail_after_commit(CREATE, 500)
    with pytest.raises(ServerError):
        client.create_shipment_command("c-1", data)
    assert state.request_count(CREATE) == 1 and client.get_shipment_command("c-1").command_id == "c-1"


def test_labels_send_only_octet_stream(client, state, seller_id, sleep) -> None:
    shipment_id = _shipment(client, state, seller_id, sleep)
    content = client.get_labels([shipment_id], page_size="A6")
    assert content is not None and content.startswith(b"%PDF")
    sent = state.requests_for(LABEL)[-1]
    assert sent.headers["Accept"] == "application/octet-stream"
    assert sent.headers["Content-Type"] == "application/vnd.allegro.public.v1+json"


def test_label_204_and_protocol_204_are_none(client, state, seller_id, sleep) -> None:
    locker = _shipment(client, state, seller_id, sleep, "Allegro Paczkomaty InPost")
    assert client.get_protocol([locker]) is None
    client.cancel_shipment_command("x-1", locker)
    assert client.wait_for_command("cancel", "x-1", sleep=sleep).status == "SUCCESS"
    assert client.get_labels([locker]) is None
    dpd = _shipment(client, state, seller_id, sleep, command_id="c-2")
    assert (client.get_protocol([dpd]) or b"").startswith(b"%PDF")


def test_pickup_proposals_and_pickup(client, state, seller_id, sleep) -> None:
    shipment_id = _shipment(client, state, seller_id, sleep)
    address = {k: v for k, v in state.wza_shipment(shipment_id)["sender"].items() if k != "point"}
    proposals = client.get_pickup_proposals([shipment_id], address, dt.date(2030, 1, 7))
    first = proposals[0].times[0]
    assert first.date == dt.date(2030, 1, 7)
    time = {"date": first.date.isoformat(), "minTime": first.min_time or "", "maxTime": first.max_time or ""}
    client.create_pickup_command("p-1", [shipment_id], address, time)
    status = client.wait_for_command("pickup", "p-1", sleep=sleep)
    pickup = client.get_pickup(status.result_id or "")
    assert pickup.shipment_ids == (shipment_id,) and status.carrier_pickup_id == pickup.carrier_pickup_id


def test_delivery_services_are_deprecated_but_read(client) -> None:
    services = client.list_delivery_services()
    assert {s.cod_payment_type for s in services if s.cod_payment_type} == {"WALLET_TRANSFER"}


def test_tracking_and_points(client, state, seller_id, sleep) -> None:
    shipment_id = _shipment(client, state, seller_id, sleep)
    waybill = state.wza_shipment(shipment_id)["packages"][0]["waybill"]
    history = client.get_parcel_tracking("DPD", [waybill])
    assert history[0].waybill == waybill and history[0].statuses[0].code == "PENDING"
    state.allegro_points.append(
        {
            "id": "AOB1",
            "name": "One Box",
            "type": "APM",
            "services": [{"type": "DROPOFF"}],
            "address": {"city": "Kraków", "postCode": "30-001", "street": "Długa 1"},
            "carriers": ["DPD"],
        }
    )
    points = client.list_allegro_points(["DPD"])
    assert [p.id for p in points] == ["AOB1"] and points[0].services == ("DROPOFF",)
