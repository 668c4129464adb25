"""GET /order/checkout-forms and /order/checkout-forms/{id}: filters, sorting, paging limits."""

from __future__ import annotations

import uuid

import pytest


def _list(api, **params):
    response = api.get("/order/checkout-forms", params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def three_orders(state, seller, clock):
    """Three orders bought a minute apart, then updated in reverse order."""
    forms = []
    for _ in range(3):
        forms.append(state.add_checkout_form(seller))
        clock.advance(60)
    for form in reversed(forms):
        clock.advance(60)
        state.update_checkout_form(form["id"], messageToSeller="Zmiana")
    return [state.checkout_forms[form["id"]] for form in forms]


def _ids(body):
    return [form["id"] for form in body["checkoutForms"]]


def test_default_sort_is_newest_purchase_first(api, three_orders):
    body = _list(api)

    assert _ids(body) == [f["id"] for f in reversed(three_orders)]
    assert (body["count"], body["totalCount"]) == (3, 3)


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("lineItems.boughtAt", [0, 1, 2]),
        ("-lineItems.boughtAt", [2, 1, 0]),
        ("updatedAt", [2, 1, 0]),
        ("-updatedAt", [0, 1, 2]),
    ],
)
def test_sort_orders(api, three_orders, sort, order):
    assert _ids(_list(api, sort=sort)) == [three_orders[i]["id"] for i in order]


def test_updated_at_range_is_inclusive(api, three_orders):
    middle = three_orders[1]["updatedAt"]

    body = _list(api, **{"updatedAt.gte": middle, "sort": "updatedAt"})
    upto = _list(api, **{"updatedAt.lte": middle, "sort": "updatedAt"})

    assert _ids(body) == [three_orders[1]["id"], three_orders[0]["id"]]
    assert body["totalCount"] == 2
    assert _ids(upto) == [three_orders[2]["id"], three_orders[1]["id"]]


def test_bought_at_range_combines_with_an_updated_at_sort(api, three_orders):
    bought = three_orders[1]["lineItems"][0]["boughtAt"]

    body = _list(api, **{"lineItems.boughtAt.gte": bought, "sort": "-updatedAt"})

    assert _ids(body) == [three_orders[1]["id"], three_orders[2]["id"]]


def test_offset_and_limit_page_through(api, three_orders):
    first = _list(api, limit=2, sort="lineItems.boughtAt")
    second = _list(api, limit=2, offset=2, sort="lineItems.boughtAt")

    assert _ids(first) + _ids(second) == [f["id"] for f in three_orders]
    assert (first["count"], first["totalCount"]) == (2, 3)
    assert (second["count"], second["totalCount"]) == (1, 3)


def test_equality_filters(api, state, seller):
    cash = state.add_checkout_form(seller, payment={"id": str(uuid.uuid4()), "type": "CASH_ON_DELIVERY"})
    unpaid = state.add_checkout_form(seller, events=("BOUGHT",))
    other = state.add_checkout_form(seller)

    assert _ids(_list(api, status="BOUGHT")) == [unpaid["id"]]
    assert _ids(_list(api, **{"payment.id": cash["payment"]["id"]})) == [cash["id"]]
    assert _ids(_list(api, **{"buyer.login": other["buyer"]["login"]})) == [other["id"]]
    method = other["delivery"]["method"]["id"]
    expected = {f["id"] for f in (cash, unpaid, other) if f["delivery"]["method"]["id"] == method}
    assert set(_ids(_list(api, **{"delivery.method.id": method}))) == expected
    assert _list(api, **{"fulfillment.status": "SENT"})["totalCount"] == 0
    assert _list(api, **{"fulfillment.status": "NEW", "status": "READY_FOR_PROCESSING"})["totalCount"] == 2


def test_illegal_filter_value_is_400(api):
    response = api.get("/order/checkout-forms", params={"status": "PAID"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "status"


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"sort": "buyer.login"}])
def test_out_of_range_paging_is_422(api, params):
    assert api.get("/order/checkout-forms", params=params).status_code == 422


def test_offset_plus_limit_over_10000_is_422(api):
    response = api.get("/order/checkout-forms", params={"offset": 9950, "limit": 51})
    allowed = api.get("/order/checkout-forms", params={"offset": 9900, "limit": 100})

    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["message"] == "Offset and limit parameters exceed maximal result size of 10000 items"
    assert allowed.status_code == 200


def test_malformed_date_is_422(api):
    assert api.get("/order/checkout-forms", params={"updatedAt.gte": "wczoraj"}).status_code == 422


def test_single_form_round_trips(api, state, seller, spec_errors):
    form = state.add_checkout_form(seller)

    body = api.get(f"/order/checkout-forms/{form['id']}").json()

    assert body == form
    assert spec_errors("CheckoutForm", body) == []


def test_list_matches_the_spec(api, three_orders, spec_errors):
    assert spec_errors("CheckoutForms", _list(api)) == []


def test_malformed_id_is_422_and_unknown_is_404(api):
    assert api.get("/order/checkout-forms/not-a-uuid").status_code == 422
    missing = api.get(f"/order/checkout-forms/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["code"] == "NotFoundException"
