"""The fake answers wrong media types, methods and paths the way Allegro does."""

from __future__ import annotations

PUB = "application/vnd.allegro.public.v1+json"


def _only_error(response):
    errors = response.json()["errors"]
    assert len(errors) == 1
    return errors[0]


def test_wrong_accept_is_406(api):
    response = api.get("/order/checkout-forms", headers={"Accept": "application/json"})

    assert response.status_code == 406
    error = _only_error(response)
    assert error["code"] == "NotAcceptableException"
    assert error["message"] == "Not acceptable representation requested. Please check 'Accept' request header"


def test_missing_accept_is_406(api):
    response = api.get("/order/events", headers={"Accept": ""})

    assert response.status_code == 406


def test_beta_media_type_on_orders_is_406(api):
    response = api.get("/order/events", headers={"Accept": "application/vnd.allegro.beta.v1+json"})

    assert response.status_code == 406


def test_json_body_with_plain_json_content_type_is_415(api, state, seller):
    form = state.add_checkout_form(seller)

    response = api.send(
        "PUT",
        f"/order/checkout-forms/{form['id']}/fulfillment",
        {"status": "PROCESSING"},
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 415
    error = _only_error(response)
    assert error["code"] == "NotSupportedException"
    assert error["message"] == "Unsupported content type. Please check 'Content-Type' request header"
    assert state.checkout_forms[form["id"]]["fulfillment"]["status"] == "NEW"


def test_wrong_method_on_known_path_is_405(api, state, seller):
    form = state.add_checkout_form(seller)

    response = api.send("POST", f"/order/checkout-forms/{form['id']}/fulfillment", {"status": "SENT"})

    assert response.status_code == 405
    assert _only_error(response)["code"] == "NotAllowedException"
    assert "PUT" in response.headers["Allow"]


def test_unknown_path_is_404(api):
    response = api.get("/sale/disputes")

    assert response.status_code == 404
    assert _only_error(response)["code"] == "NotFoundException"


def test_every_response_has_a_trace_id(api, fake):
    answers = [api.get("/me"), api.get("/nowhere"), api.get("/order/events", headers={"Accept": "text/html"})]

    trace_ids = {response.headers["trace-id"] for response in answers}
    assert len(trace_ids) == 3
    assert all(len(t) == 32 and int(t, 16) >= 0 for t in trace_ids)


def test_user_message_follows_accept_language(api):
    polish = api.get("/order/events", params={"limit": 0}, headers={"Accept-Language": "pl-PL"})
    english = api.get("/order/events", params={"limit": 0})

    assert _only_error(polish)["userMessage"].startswith("Żądanie zawiera niepoprawne dane")
    assert _only_error(english)["userMessage"].startswith("The request contains incorrect data")


def test_error_entries_have_all_fields(api):
    error = _only_error(api.get("/order/checkout-forms", params={"limit": 101}))

    assert set(error) == {"code", "message", "details", "path", "userMessage", "metadata"}
    assert error["path"] == "limit"


def test_answers_use_the_vendor_media_type(api):
    assert api.get("/order/carriers").headers["Content-Type"] == PUB
    assert api.get("/order/events", params={"limit": 0}).headers["Content-Type"] == PUB
