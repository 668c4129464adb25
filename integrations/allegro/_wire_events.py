"""Order events decoded by msgspec, in C, straight from the answer's bytes (see `_wire.py`: the
structs mirror Allegro's JSON, every judgement is the lenient parser's in `_parse.py`)."""

from __future__ import annotations

import datetime as dt

import msgspec

from integrations.allegro import _parse
from integrations.allegro._records import Unusual, fast_or_lenient, utc
from integrations.allegro.models import OrderEvent, OrderEventPage


class _Wire(msgspec.Struct, rename="camel", gc=False):
    """A part of Allegro's JSON, read once and dropped."""


class _Ref(_Wire):
    id: str | None = None


class _Buyer(_Wire):
    id: str | None = None
    login: str | None = None


class _Form(_Wire):
    id: str | None = None
    revision: str | None = None


class _Order(_Wire):
    checkout_form: _Form | None = None
    seller: _Ref | None = None
    buyer: _Buyer | None = None


class _Event(_Wire):
    id: str
    type: str
    occurred_at: dt.datetime
    order: _Order | None = None


class _EventPage(_Wire):
    events: tuple[_Event, ...] = ()


_NO_REF = _Ref()
_NO_BUYER = _Buyer()
_NO_FORM = _Form()
_NO_ORDER = _Order()

_EVENT_PAGE = msgspec.json.Decoder(_EventPage)


def order_event_page(content: bytes) -> OrderEventPage:
    """GET /order/events, from the answer's bytes."""
    events = tuple(map(_event, _EVENT_PAGE.decode(content).events))
    return OrderEventPage(events=events, last_id=events[-1].id if events else None)


def _event(w: _Event) -> OrderEvent:
    if not (w.id and w.type):
        raise Unusual
    order = w.order or _NO_ORDER
    form, buyer = order.checkout_form or _NO_FORM, order.buyer or _NO_BUYER
    return OrderEvent(
        id=w.id,
        type=w.type,
        occurred_at=utc(w.occurred_at),
        checkout_form_id=form.id,
        revision=form.revision,
        seller_id=(order.seller or _NO_REF).id,
        buyer_id=buyer.id,
        buyer_login=buyer.login,
    )


read_order_event = fast_or_lenient(_Event, _event, _parse.parse_order_event)


def lenient_order_event_page(body) -> OrderEventPage:
    """The page read by the lenient parser, each event still tried fast first."""
    return _parse.parse_order_events(body, parse=read_order_event)
