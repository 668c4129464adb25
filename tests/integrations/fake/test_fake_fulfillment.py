"""PUT /order/checkout-forms/{id}/fulfillment: 204, revision conflicts, forbidden statuses, the event."""

from __future__ import annotations

import uuid


def _put(api, form_id, status, revision=None):
    params = {} if revision is None else {"checkoutForm.revision": revision}
    return api.send("PUT", f"/order/checkout-forms/{form_id}/fulfillment", {"status": status}, params=params)


def test_success_is_204_without_body_and_keeps_the_revision(api, state, seller, clock):
    form = state.add_checkout_form(seller)
    clock.advance(90)

    response = _put(api, form["id"], "PROCESSING", form["revision"])

    assert response.status_code == 204
    assert response.content == b""
    stored = state.checkout_forms[form["id"]]
    assert stored["fulfillment"]["status"] == "PROCESSING"
    assert stored["revision"] == form["revision"]
    assert stored["updatedAt"] > form["updatedAt"]


def test_success_emits_fulfillment_status_changed(api, state, seller):
    form = state.add_checkout_form(seller)

    _put(api, form["id"], "READY_FOR_SHIPMENT")

    last = api.get("/order/events").json()["events"][-1]
    assert last["type"] == "FULFILLMENT_STATUS_CHANGED"
    assert last["order"]["checkoutForm"] == {"id": form["id"], "revision": form["revision"]}


def test_stale_revision_is_409(api, state, seller):
    form = state.add_checkout_form(seller)
    state.update_checkout_form(form["id"], messageToSeller="Zmieniam adres")

    response = _put(api, form["id"], "PROCESSING", form["revision"])

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "CONFLICT"
    assert state.checkout_forms[form["id"]]["fulfillment"]["status"] == "NEW"


def test_returned_cannot_be_set(api, state, seller):
    form = state.add_checkout_form(seller)

    response = _put(api, form["id"], "RETURNED")

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "status"
    assert state.violations == []  # RETURNED is in the spec's enum: a business rule, not a spec violation


def test_unknown_status_is_422_and_a_spec_violation(api, state, seller):
    form = state.add_checkout_form(seller)

    response = _put(api, form["id"], "SHIPPED")

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "VALIDATION_ERROR"
    assert len(state.violations) == 1 and "SHIPPED" in state.violations[0]


def test_unknown_order_is_404(api, seller):
    assert _put(api, str(uuid.uuid4()), "SENT").status_code == 404
