"""The msgspec readers of orders agree with the lenient parser, or leave the record to it.

The contract of `_wire.py`: for any body, the fast reader either gives exactly what the lenient
parser gives (compared as JSON, so a time zone or a decimal's digits count) or misses; on what
Allegro (and the fake) usually send it never misses.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
import requests

from integrations.allegro import AllegroResponseError, _parse, _wire, _wire_events
from integrations.allegro._records import FAST_MISSES, read_json
from integrations.allegro.fake import FakeAllegroState
from integrations.allegro.fake.demo.generator import DemoGenerator

from .test_allegro_parse import minimal_form
from .test_spec_examples import examples_of


@pytest.fixture(scope="module")
def shop() -> FakeAllegroState:
    """A demo shop: orders in every state, with their events, issues and ratings."""
    state = FakeAllegroState(seed=7)
    DemoGenerator(state, seed=7).populate(state.add_seller("sklep_demo"), orders=150)
    return state


def outcome(fast: Callable[[bytes], Any], lenient: Callable[[Any], Any], body: Any) -> str:
    """'read' when the fast reader gave what the lenient parser gives, 'missed' when it left the
    body to that parser; anything else fails the test."""
    try:
        expected: Any = lenient(body)
    except AllegroResponseError as exc:
        expected = exc
    try:
        found = fast(json.dumps(body).encode())
    except FAST_MISSES:
        return "missed"
    assert not isinstance(expected, Exception), f"fast read what the lenient parser refuses: {expected}"
    assert msgspec.json.encode(found) == msgspec.json.encode(expected)
    assert found == expected
    return "read"


def response(body: Any) -> requests.Response:
    """A 200 answer carrying `body`, as the requester returns it."""
    answer = requests.Response()
    answer.status_code, answer.url = 200, "http://127.0.0.1/order/checkout-forms"
    answer._content = json.dumps(body).encode()
    answer.request = requests.Request("GET", answer.url).prepare()
    return answer


# --- what Allegro usually sends ------------------------------------------------------------------


def test_every_order_of_the_demo_shop_is_read_fast(shop: FakeAllegroState) -> None:
    forms = list(shop.checkout_forms.values())
    assert len(forms) == 150
    for form in forms:
        assert outcome(_wire.checkout_form, _parse.parse_checkout_form, form) == "read"
    page = {"checkoutForms": forms[:100], "count": 100, "totalCount": 150}
    assert outcome(_wire.checkout_form_page, _parse.parse_checkout_form_page, page) == "read"


def test_the_demo_shops_events_are_read_fast(shop: FakeAllegroState) -> None:
    seller = next(iter(shop.sellers))
    page = {"events": shop.events_after(seller, None, 1000, None)}
    assert len(page["events"]) > 150
    assert outcome(_wire_events.order_event_page, _parse.parse_order_events, page) == "read"


@pytest.mark.parametrize(
    ("path", "fast", "lenient"),
    [
        ("/order/checkout-forms", _wire.checkout_form_page, _parse.parse_checkout_form_page),
        ("/order/checkout-forms/{id}", _wire.checkout_form, _parse.parse_checkout_form),
        ("/order/events", _wire_events.order_event_page, _parse.parse_order_events),
    ],
)
def test_spec_examples_are_read_alike(path: str, fast, lenient) -> None:
    bodies = [body for status, _, body in examples_of("get", path) if status == "200"]
    assert bodies
    for body in bodies:
        assert outcome(fast, lenient, body) in {"read", "missed"}


# --- shapes the lenient parser reads in its own way ---------------------------------------------


def _set(path: str, value: Any) -> Callable[[dict], None]:
    def change(form: dict) -> None:
        *parents, last = path.split(".")
        for name in parents:
            form = form[int(name)] if isinstance(form, list) else form.setdefault(name, {})
        if isinstance(form, list):
            form[int(last)] = value
        else:
            form[last] = value

    return change


ODD_FORMS = {
    "line item id as a number": _set("lineItems.0.id", 123),
    "buyer id as a number": _set("buyer.id", 123),
    "empty status": _set("status", ""),
    "naive time": _set("updatedAt", "2026-11-20T10:00:00"),
    "time with an offset": _set("updatedAt", "2026-11-20T12:00:00+02:00"),
    "payment time with an offset": _set("payment", {"finishedAt": "2026-11-20T12:00:00+02:00"}),
    "junk time": _set("lineItems.0.boughtAt", "wczoraj"),
    "empty buyer address": _set("buyer.address", {}),
    "buyer address of nulls": _set("buyer.address", {"street": None}),
    "empty payment": _set("payment", {}),
    "empty delivery": _set("delivery", {}),
    "empty delivery address": _set("delivery", {"address": {}}),
    "empty pickup point": _set("delivery", {"pickupPoint": {}}),
    "empty invoice": _set("invoice", {}),
    "empty fulfillment": _set("fulfillment", {}),
    "empty surcharge": _set("surcharges", [{}]),
    "null guest": _set("buyer.guest", None),
    "quantity as text": _set("lineItems.0.quantity", "2"),
    "quantity as a float": _set("lineItems.0.quantity", 2.0),
    "a line item that is not an object": _set("lineItems.1", "x"),
    "amount as a number": _set("lineItems.0.price.amount", 0.1),
    "amount with a comma": _set("summary.totalToPay.amount", "12,50"),
    "cost without currency": _set("delivery", {"cost": {"amount": "9.99"}}),
    "null line items": _set("lineItems", None),
    "packages as a float": _set("delivery", {"calculatedNumberOfPackages": 1.0}),
    "smart as text": _set("delivery", {"smart": "true"}),
    "due date as a date-time": _set("invoice", {"required": True, "dueDate": "2026-11-20T10:00:00Z"}),
    "typed and legacy tax ids": _set(
        "invoice",
        {"address": {"company": {"ids": [{"type": "PL_NIP", "value": ""}], "taxId": "5252674798"}}},
    ),
    "unknown fields": _set("brandNew", {"x": [1, 2]}),
    "no buyer": lambda form: form.pop("buyer"),
    "no summary": lambda form: form.pop("summary"),
}


@pytest.mark.parametrize("change", ODD_FORMS.values(), ids=ODD_FORMS.keys())
def test_odd_forms_are_read_alike_or_left_to_the_lenient_parser(change) -> None:
    form = minimal_form()
    form["lineItems"].append(dict(form["lineItems"][0], id="second"))
    change(form)
    assert outcome(_wire.checkout_form, _parse.parse_checkout_form, form) in {"read", "missed"}


@pytest.mark.parametrize(
    "event",
    [
        {"id": "1", "type": "BOUGHT", "occurredAt": "2026-11-20T10:00:00.000Z"},
        {"id": 1, "type": "BOUGHT", "occurredAt": "2026-11-20T10:00:00.000Z"},
        {"id": "1", "type": "", "occurredAt": "2026-11-20T10:00:00.000Z"},
        {"id": "1", "type": "BOUGHT", "occurredAt": "wczoraj"},
        {"id": "1", "type": "BOUGHT", "occurredAt": "2026-11-20T10:00:00", "order": {"seller": {}}},
        {"id": "1", "type": "BOUGHT", "occurredAt": "2026-11-20T10:00:00Z", "order": {"checkoutForm": None}},
    ],
)
def test_odd_events_are_read_alike_or_left_to_the_lenient_parser(event) -> None:
    assert outcome(_wire_events.order_event_page, _parse.parse_order_events, {"events": [event]}) in {
        "read",
        "missed",
    }


# --- a page the fast reader misses ----------------------------------------------------------------


def test_one_odd_form_costs_the_page_nothing_but_itself() -> None:
    good = [minimal_form(id=f"form-{n}") for n in range(3)]
    numbered = minimal_form(id="form-3", buyer={"id": 42})  # read by the lenient parser
    broken = minimal_form(id="form-4")
    del broken["summary"]
    page = read_json(
        response({"checkoutForms": [*good, numbered, broken, "x"], "count": 6, "totalCount": 6}),
        _wire.checkout_form_page,
        _wire.lenient_checkout_form_page,
    )

    assert [form.id for form in page.forms] == ["form-0", "form-1", "form-2", "form-3"]
    assert page.forms[3].buyer.id == "42"
    rejected = [(r.kind, r.allegro_id) for r in page.rejected]
    assert rejected == [("checkout_form", "form-4"), ("checkout_form", None)]
    assert json.loads(page.rejected[0].raw) == broken and "required price" in page.rejected[0].error
    assert (page.count, page.total_count, page.size) == (6, 6, 6)


def test_an_answer_that_is_not_json_is_refused() -> None:
    answer = response({})
    answer._content = b"<html>"
    with pytest.raises(AllegroResponseError, match="not JSON"):
        read_json(answer, _wire.checkout_form_page, _wire.lenient_checkout_form_page)


def test_a_fast_page_keeps_the_counts_and_times_in_utc() -> None:
    forms = [minimal_form(id="a", updatedAt="2026-11-20T10:00:00.123Z")]
    page = _wire.checkout_form_page(json.dumps({"checkoutForms": forms, "totalCount": 7}).encode())
    assert (page.count, page.total_count, page.rejected) == (1, 7, ())
    assert page.forms[0].updated_at == dt.datetime(2026, 11, 20, 10, 0, 0, 123000, tzinfo=dt.UTC)
    assert page.forms[0].updated_at.tzinfo is dt.UTC
    assert copy.deepcopy(page) == page
