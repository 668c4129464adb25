"""Sync throughput: 50k orders from the loopback fake, versus merely fetching and parsing the same pages."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import orjson
import requests

from benchmarks.common import desk_app, scratch_database
from benchmarks.fake_process import remote_fake
from desk.extensions import db
from desk.models import SellerAccount
from desk.services.accounts.sellers import activate_with_tokens
from desk.services.issues.sync import sync_issues
from desk.services.orders.sync import FORMS_PAGE, _next_window
from desk.services.ratings.sync import sync_ratings
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro
from integrations.allegro import PUBLIC_V1, TokenPair, format_datetime
from integrations.allegro.auth import utcnow


@dataclass
class SyncFigures:
    backend: str
    orders: int
    sync_seconds: float
    fetch_seconds: float
    raw_seconds: float  # plain GET + orjson.loads of the same pages (no client, no DTOs), mean of two
    sync_requests: int
    fetch_requests: int
    idle_order_requests: int  # the order part of an idle incremental sync
    idle_requests: int  # the whole idle sync: orders, issue lists and the ratings page
    latency_ms: int = 0

    @property
    def ratio(self) -> float:
        return self.sync_seconds / self.fetch_seconds

    @property
    def raw_ratio(self) -> float:
        return self.sync_seconds / self.raw_seconds


def _fetch_only(client, since) -> int:
    """Page exactly as the backfill does, parsing each page, storing nothing."""
    gte, offset, seen = since, 0, 0
    while True:
        page = client.list_checkout_forms(
            updated_at_gte=gte, sort="updatedAt", offset=offset, limit=FORMS_PAGE
        )
        seen += page.size
        if page.size < FORMS_PAGE:
            return seen
        gte, offset = _next_window(gte, offset, page)


def _raw_only(api_url: str, access_token: str, since: dt.datetime) -> int:
    """The same pages as `_fetch_only` with nothing but requests and orjson: a GET, the body
    parsed into dicts, the next window read from the last form's updatedAt."""
    session = requests.Session()
    headers = {"Accept": PUBLIC_V1, "Authorization": f"Bearer {access_token}", "Accept-Language": "pl-PL"}
    gte, offset, seen = since, 0, 0
    while True:
        params = [("offset", str(offset)), ("limit", str(FORMS_PAGE))]
        params += [("updatedAt.gte", format_datetime(gte)), ("sort", "updatedAt")]
        response = session.get(api_url + "/order/checkout-forms", params=params, headers=headers)
        response.raise_for_status()
        forms = orjson.loads(response.content)["checkoutForms"]
        seen += len(forms)
        if len(forms) < FORMS_PAGE:
            return seen
        last = dt.datetime.fromisoformat(forms[-1]["updatedAt"])
        gte, offset = (last, 0) if last > gte else (gte, offset + len(forms))


def run(backend: str, orders: int, tmp_dir: str, latency: float = 0.0) -> SyncFigures:
    """Backfill `orders` orders into an empty database; `latency` seconds delay each fake page."""
    with remote_fake(orders, latency) as fake, scratch_database(backend, tmp_dir) as url:
        app = desk_app(url, fake.url)
        with app.app_context():
            db.create_all()
            account = SellerAccount(name="Bench")
            db.session.add(account)
            db.session.commit()
            pair = TokenPair.from_response(fake.token, utcnow())
            activate_with_tokens(get_allegro(), account.id, pair)
            figures = _measure(app, account.id, orders, fake)
            db.session.remove()
            db.engine.dispose()
    return SyncFigures(backend=backend, latency_ms=round(latency * 1000), **figures)


def _measure(app, account_id: int, orders: int, fake) -> dict:
    client = get_allegro().client_for(account_id)
    since = utcnow() - dt.timedelta(days=app.config["BACKFILL_DAYS"])
    client.list_checkout_forms(updated_at_gte=since, sort="updatedAt", limit=1)  # the fake builds its index
    raw_before, raw = _timed(_raw_only, fake.url, fake.token["access_token"], since)
    client = get_allegro().client_for(account_id)  # counts only the fetch-only pass's requests
    fetch_seconds, fetched = _timed(_fetch_only, client, since)
    assert fetched == raw >= orders, (fetched, raw, orders)  # the same pages

    sync_seconds, run = _timed(run_sync, get_allegro(), account_id)
    assert run.state == "ok", run.error
    assert run.created == orders, (run.created, orders)
    # raw again after the sync, so that the baseline sees the machine as it was on both sides
    raw_after, _ = _timed(_raw_only, fake.url, fake.token["access_token"], since)
    idle = run_sync(get_allegro(), account_id)
    idle_orders = idle.requests - _after_sales_requests(account_id)
    return {
        "orders": orders,
        "sync_seconds": sync_seconds,
        "fetch_seconds": fetch_seconds,
        "raw_seconds": (raw_before + raw_after) / 2,
        "sync_requests": run.requests,
        "fetch_requests": client.request_count,
        "idle_order_requests": idle_orders,
        "idle_requests": idle.requests,
    }


def _timed(function, *args):
    """(seconds, result) of one call."""
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def _after_sales_requests(account_id: int) -> int:
    """What the issue and rating steps of an idle sync cost, measured by running them alone."""
    client = get_allegro().client_for(account_id)
    before = client.request_count
    sync_issues(client, account_id, full=False, now=utcnow())
    sync_ratings(client, account_id, now=utcnow())
    return client.request_count - before
