"""POST/GET .../shipments, carriers and tracking: validation, conflicts and non-idempotency."""

from __future__ import annotations

import base64

import pytest

CARRIER_IDS = ["ALLEGRO", "INPOST", "DPD", "POCZTA_POLSKA", "DHL", "UPS", "GLS", "FEDEX", "ORLEN", "OTHER"]


def _post(api, form_id, body):
    return api.send("POST", f"/order/checkout-forms/{form_id}/shipments", body)


@pytest.fixture
def order(state, seller):
    form = state.add_checkout_form(seller)
    while len(form["lineItems"]) < 2:
        form = state.add_checkout_form(seller)
    return form


def test_created_shipment_is_201_and_listed(api, order, clock, spec_errors):
    response = _post(api, order["id"], {"carrierId": "INPOST", "waybill": "620000000000000000000001"})

    assert response.status_code == 201
    created = response.json()
    assert spec_errors("CheckoutFormAddWaybillCreated", created) == []
    assert created["waybill"] == "620000000000000000000001"
    assert created["carrierId"] == "INPOST"
    assert created["lineItems"] == [{"id": item["id"]} for item in order["lineItems"]]
    assert created["createdAt"].startswith("2026-03-02T12:00:00")
    assert base64.b64decode(created["id"]).decode() == "INPOST:620000000000000000000001"
    listed = api.get(f"/order/checkout-forms/{order['id']}/shipments").json()
    assert listed == {"shipments": [created]}
    assert spec_errors("CheckoutFormOrderWaybillResponse", listed) == []


def test_the_same_waybill_twice_gives_two_entries(api, state, order):
    body = {"carrierId": "DPD", "waybill": "1000123456789U"}

    first, second = _post(api, order["id"], body), _post(api, order["id"], body)

    assert (first.status_code, second.status_code) == (201, 201)
    assert len(state.shipments[order["id"]]) == 2
    assert first.json()["id"] != second.json()["id"]


def test_line_items_sent_summary_follows_shipments(api, state, order):
    first_item, second_item = order["lineItems"][0]["id"], order["lineItems"][1]["id"]

    _post(api, order["id"], {"carrierId": "DPD", "waybill": "A1", "lineItems": [{"id": first_item}]})
    some = state.checkout_forms[order["id"]]["fulfillment"]["shipmentSummary"]["lineItemsSent"]
    _post(api, order["id"], {"carrierId": "DPD", "waybill": "A2", "lineItems": [{"id": second_item}]})
    every = state.checkout_forms[order["id"]]["fulfillment"]["shipmentSummary"]["lineItemsSent"]

    assert (some, every) == ("SOME", "ALL")
    assert (
        api.get("/order/checkout-forms", params={"fulfillment.shipmentSummary.lineItemsSent": "ALL"}).json()[
            "totalCount"
        ]
        == 1
    )


@pytest.mark.parametrize(
    "body",
    [
        {"carrierId": "PACZKA_Z_KOSMOSU", "waybill": "X1"},
        {"carrierId": "DPD", "waybill": ""},
        {"carrierId": "DPD", "waybill": "9" * 65},
        {"carrierId": "OTHER", "waybill": "X1"},
        {"carrierId": "OTHER", "waybill": "X1", "carrierName": "K" * 31},
        {"waybill": "X1"},
    ],
    ids=["unknown-carrier", "empty-waybill", "long-waybill", "other-without-name", "long-name", "no-carrier"],
)
def test_invalid_requests_are_400(api, state, order, body):
    response = _post(api, order["id"], body)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "VALIDATION_ERROR"
    assert order["id"] not in state.shipments


def test_other_carrier_keeps_its_name(api, order):
    response = _post(
        api, order["id"], {"carrierId": "OTHER", "waybill": "KUR-1", "carrierName": "Kurier Jan"}
    )

    assert response.status_code == 201
    assert response.json()["carrierName"] == "Kurier Jan"


def test_line_item_from_another_order_is_422(api, state, seller, order):
    stranger = state.add_checkout_form(seller)["lineItems"][0]["id"]

    response = _post(api, order["id"], {"carrierId": "DPD", "waybill": "X", "lineItems": [{"id": stranger}]})

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "lineItems[0].id"


def test_waybill_on_a_sixth_order_is_409(api, state, seller):
    orders = [state.add_checkout_form(seller) for _ in range(6)]
    body = {"carrierId": "POCZTA_POLSKA", "waybill": "PX0000000001"}

    statuses = [_post(api, form["id"], body).status_code for form in orders]

    assert statuses == [201] * 5 + [409]
    assert _post(api, orders[0]["id"], body).status_code == 201  # re-use on an order that has it is fine


def test_carriers_list(api, spec_errors):
    body = api.get("/order/carriers").json()

    assert [carrier["id"] for carrier in body["carriers"]] == CARRIER_IDS
    names = {carrier["id"]: carrier["name"] for carrier in body["carriers"]}
    assert names["POCZTA_POLSKA"] == "Poczta Polska"
    assert spec_errors("OrdersShippingCarriersResponse", body) == []


def test_tracking_of_an_added_waybill(api, state, seller, order, clock, spec_errors):
    _post(api, order["id"], {"carrierId": "DPD", "waybill": "1000123456789U"})
    clock.advance(48 * 3600)
    api.token = state.issue_token(seller)["access_token"]

    body = api.get(
        "/order/carriers/DPD/tracking", params=[("waybill", "1000123456789U"), ("waybill", "NIC")]
    ).json()

    assert spec_errors("CarrierParcelTrackingResponse", body) == []
    known, unknown = body["waybills"]
    assert [s["code"] for s in known["trackingDetails"]["statuses"]][-1] == "DELIVERED"
    assert unknown == {"waybill": "NIC"}


def test_tracking_limits_are_400(api):
    too_many = [("waybill", str(n)) for n in range(21)]

    assert api.get("/order/carriers/DPD/tracking", params=too_many).status_code == 400
    assert api.get("/order/carriers/DPD/tracking").status_code == 400
    assert api.get("/order/carriers/NOPE/tracking", params={"waybill": "1"}).status_code == 400
