"""The fake's 'Wysyłam z Allegro': commands, their statuses and errors, labels, protocols, pickups."""

from __future__ import annotations

from typing import Any

import pytest

from integrations.allegro.fake.validation import response_violations

from .conftest import PUB

BASE = "/shipment-management"
OCTET = "application/octet-stream"


def _input(api, state, seller: str, method: str = "Allegro Kurier DPD") -> dict[str, Any]:
    form = state.add_wza_order(seller, method)
    proposal = api.get(f"{BASE}/delivery-proposals/{form['id']}").json()
    return proposal["suggestedInput"]


def _create(api, state, seller: str, method: str = "Allegro Kurier DPD", **changes: Any) -> str:
    body = {**_input(api, state, seller, method), **changes}
    command_id = f"cmd-{len(state.wza_commands)}"
    assert api.send("POST", f"{BASE}/shipments/create-commands", {"commandId": command_id, "input": body}).ok
    state.advance_commands()
    return api.get(f"{BASE}/shipments/create-commands/{command_id}").json()["shipmentId"]


def test_create_goes_in_progress_then_success_with_retry_after(api, state, seller, clock) -> None:
    body = {"commandId": "c-1", "input": _input(api, state, seller)}
    posted = api.send("POST", f"{BASE}/shipments/create-commands", body)
    assert posted.status_code == 200 and posted.json()["commandId"] == "c-1"
    assert posted.headers["Retry-After"] == "1"
    first = api.get(f"{BASE}/shipments/create-commands/c-1")
    assert first.json() == {"commandId": "c-1", "status": "IN_PROGRESS"} and first.headers["Retry-After"]
    clock.advance(1)
    done = api.get(f"{BASE}/shipments/create-commands/c-1").json()
    assert done["status"] == "SUCCESS"
    shipment = api.get(f"{BASE}/shipments/{done['shipmentId']}").json()
    assert shipment["carrier"] == "DPD" and shipment["packages"][0]["waybill"]
    assert response_violations("GET", f"{BASE}/shipments/x", 200, PUB, shipment) == []
    assert state.violations == []


def test_reused_command_id_is_command_exists(api, state, seller) -> None:
    body = {"commandId": "c-1", "input": _input(api, state, seller)}
    api.send("POST", f"{BASE}/shipments/create-commands", body)
    again = api.send("POST", f"{BASE}/shipments/create-commands", body)
    assert again.status_code == 400 and again.json()["errors"][0]["code"] == "COMMAND_EXISTS"
    assert len(state.sent_commands("create")) == 1


def test_invalid_body_is_accepted_and_fails_in_the_status(api, state, seller) -> None:
    data = _input(api, state, seller)
    del data["packages"]
    posted = api.send("POST", f"{BASE}/shipments/create-commands", {"commandId": "c-2", "input": data})
    assert posted.status_code == 200
    state.advance_commands()
    status = api.get(f"{BASE}/shipments/create-commands/c-2").json()
    assert status["status"] == "ERROR" and status["errors"][0]["path"] == "input.packages"
    assert state.violations  # still logged as the client's mistake
    state.violations.clear()


def test_unparseable_json_is_400(api, state, seller) -> None:
    headers = {"Content-Type": PUB}
    answer = api.session.post(
        api.server.url + f"{BASE}/shipments/create-commands",
        data=b"{not json",
        headers=api.headers(**headers),
    )
    assert answer.status_code == 400 and state.wza_commands == {}
    state.violations.clear()


def test_unknown_command_is_404_without_body(api) -> None:
    answer = api.get(f"{BASE}/shipments/create-commands/nope")
    assert answer.status_code == 404 and answer.content == b""


@pytest.mark.parametrize(
    ("changes", "code", "path"),
    [
        ({"referenceNumber": "X" * 28}, "VALIDATION_ERROR", "referenceNumber"),
        (
            {
                "cashOnDelivery": {
                    "amount": "10.00",
                    "currency": "PLN",
                    "iban": "PL61109010140000071219812874",
                }
            },
            "COD_IBAN_NOT_EMPTY",
            "cashOnDelivery.iban",
        ),
    ],
)
def test_business_rules_fail_in_the_status(api, state, seller, changes, code, path) -> None:
    data = {**_input(api, state, seller), **changes}
    api.send("POST", f"{BASE}/shipments/create-commands", {"commandId": "c-3", "input": data})
    state.advance_commands()
    status = api.get(f"{BASE}/shipments/create-commands/c-3").json()
    assert status["status"] == "ERROR" and (status["errors"][0]["code"], status["errors"][0]["path"]) == (
        code,
        path,
    )


def test_foreign_receiver_fails_as_selected_order_cannot_be_used(api, state, seller) -> None:
    data = _input(api, state, seller)
    data["receiver"]["email"] = "someone@example.com"
    api.send("POST", f"{BASE}/shipments/create-commands", {"commandId": "c-4", "input": data})
    state.advance_commands()
    status = api.get(f"{BASE}/shipments/create-commands/c-4").json()
    assert status["errors"][0]["path"] == "receiver.email"


def test_fail_command_handle(api, state, seller) -> None:
    api.send(
        "POST", f"{BASE}/shipments/create-commands", {"commandId": "c-5", "input": _input(api, state, seller)}
    )
    state.fail_command("c-5", [("COMMAND_TIMEOUT", "Time for completing the order has expired", None)])
    assert api.get(f"{BASE}/shipments/create-commands/c-5").json()["errors"][0]["code"] == "COMMAND_TIMEOUT"


def test_label_needs_octet_stream_and_is_a_real_pdf(api, state, seller) -> None:
    shipment_id = _create(api, state, seller)
    refused = api.send("POST", f"{BASE}/label", {"shipmentIds": [shipment_id]})
    assert refused.status_code == 406 and refused.json()["errors"][0]["code"] == "NotAcceptableException"
    label = api.send("POST", f"{BASE}/label", {"shipmentIds": [shipment_id]}, headers={"Accept": OCTET})
    assert label.status_code == 200 and label.content.startswith(b"%PDF")


def test_zpl_label_and_204_once_cancelled(api, state, seller) -> None:
    shipment_id = _create(api, state, seller, labelFormat="ZPL")
    label = api.send("POST", f"{BASE}/label", {"shipmentIds": [shipment_id]}, headers={"Accept": OCTET})
    assert label.content.startswith(b"^XA")
    api.send(
        "POST",
        f"{BASE}/shipments/cancel-commands",
        {"commandId": "x-1", "input": {"shipmentId": shipment_id}},
    )
    state.advance_commands()
    assert api.get(f"{BASE}/shipments/cancel-commands/x-1").json()["status"] == "SUCCESS"
    gone = api.send("POST", f"{BASE}/label", {"shipmentIds": [shipment_id]}, headers={"Accept": OCTET})
    assert gone.status_code == 204


def test_protocol_204_for_inpost_pdf_for_dpd(api, state, seller) -> None:
    inpost = _create(api, state, seller, "Allegro Paczkomaty InPost")
    dpd = _create(api, state, seller)
    none = api.send("POST", f"{BASE}/protocol", {"shipmentIds": [inpost]}, headers={"Accept": OCTET})
    pdf = api.send("POST", f"{BASE}/protocol", {"shipmentIds": [dpd]}, headers={"Accept": OCTET})
    assert none.status_code == 204 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("method", "hand_over", "code"),
    [
        ("Allegro One Box, One Kurier", False, "SHIPMENT_CANCELLATION_NOT_SUPPORTED"),
        ("Allegro Kurier DPD", True, "PROCESSING_ERROR"),
    ],
)
def test_cancel_refused(api, state, seller, method, hand_over, code) -> None:
    shipment_id = _create(api, state, seller, method)
    if hand_over:
        state.hand_over(shipment_id)
    api.send(
        "POST",
        f"{BASE}/shipments/cancel-commands",
        {"commandId": "x-2", "input": {"shipmentId": shipment_id}},
    )
    state.advance_commands()
    status = api.get(f"{BASE}/shipments/cancel-commands/x-2").json()
    assert status["status"] == "ERROR" and status["errors"][0]["code"] == code


def test_pickup_proposals_and_pickup(api, state, seller) -> None:
    shipment_id = _create(api, state, seller)
    address = {k: v for k, v in state.wza_shipment(shipment_id)["sender"].items() if k != "point"}
    answer = api.send("POST", f"{BASE}/pickup-proposals", {"shipmentIds": [shipment_id], "address": address})
    assert isinstance(answer.json(), list)
    time = answer.json()[0]["proposals"][0]["pickupTimes"][0]
    wrong = {**time, "minTime": "06:00"}
    for command_id, pickup_time in (("p-1", time), ("p-2", wrong)):
        body = {
            "commandId": command_id,
            "input": {"shipmentIds": [shipment_id], "pickupTime": pickup_time, "address": address},
        }
        assert api.send("POST", f"{BASE}/pickups/create-commands", body).status_code == 200
    state.advance_commands()
    ok = api.get(f"{BASE}/pickups/create-commands/p-1").json()
    assert ok["status"] == "SUCCESS" and ok["carrierPickupId"]
    pickup = api.get(f"{BASE}/pickups/{ok['pickupId']}").json()
    assert pickup["shipmentIds"] == [shipment_id]
    bad = api.get(f"{BASE}/pickups/create-commands/p-2").json()
    assert bad["errors"][0]["code"] == "INVALID_PICKUP_PROPOSAL_ID"
    assert state.violations == []


def test_delivery_proposal_of_a_cod_order_pays_into_the_wallet(api, state, seller) -> None:
    form = state.add_wza_order(seller, "Allegro Kurier DPD pobranie")
    proposal = api.get(f"{BASE}/delivery-proposals/{form['id']}").json()
    assert "iban" not in proposal["suggestedInput"]["cashOnDelivery"]
    assert proposal["deliveryOptions"][0]["paymentType"] == "POSTPAID"
    assert response_violations("GET", f"{BASE}/delivery-proposals/x", 200, PUB, proposal) == []
    services = api.get(f"{BASE}/delivery-services").json()["services"]
    assert {s["cashOnDelivery"]["paymentType"] for s in services if "cashOnDelivery" in s} == {
        "WALLET_TRANSFER"
    }


def test_delivery_proposal_of_personal_pickup_is_unsupported(api, state, seller) -> None:
    form = state.add_wza_order(seller, "Odbiór osobisty")
    answer = api.get(f"{BASE}/delivery-proposals/{form['id']}")
    assert answer.status_code == 400 and answer.json()["errors"][0]["code"] == "UNSUPPORTED_DELIVERY_METHOD"


def test_created_waybill_is_tracked_and_arranged_statuses_win(api, state, seller) -> None:
    shipment_id = _create(api, state, seller)
    waybill = state.wza_shipment(shipment_id)["packages"][0]["waybill"]
    state.add_tracking_status(waybill, "NEW_CODE")
    answer = api.get("/order/carriers/DPD/tracking", params={"waybill": waybill}).json()
    assert answer["waybills"][0]["trackingDetails"]["statuses"][0]["code"] == "NEW_CODE"


def test_demo_points_conform_to_the_spec_and_filter_by_carrier(api, state) -> None:
    from integrations.allegro.fake.demo.shipments import seed_wza

    seed_wza(state)
    seed_wza(state)  # idempotent
    answer = api.get("/order/carriers/ALLEGRO/points", params={"carriers": "UPS"}).json()
    assert {p["address"]["city"] for p in answer["points"]} == {"Gdańsk", "Wrocław"}
    assert len(state.allegro_points) == 6
    assert response_violations("GET", "/order/carriers/ALLEGRO/points", 200, PUB, answer) == []
