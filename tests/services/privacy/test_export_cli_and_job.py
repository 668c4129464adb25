"""`flask desk privacy export` writes the buyer's ZIP (every account or the named ones) with a progress bar;
the requests job deletes expired exports and old contact data and completes erasures whose hold was lifted."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from sqlalchemy import select

from desk import jobs
from desk.extensions import db
from desk.models import BuyerExport, Order, Role
from desk.models.privacy_request import HoldReason, HoldScope
from desk.services.privacy import hold_admin
from desk.services.privacy.export import store
from desk.services.privacy.restrictions import restrict
from desk.wiring import use_clock
from tests.clock import FakeClock
from tests.factories import make_agent
from tests.services.privacy.helpers import NOW, account, seed_buyer


def test_the_command_writes_the_zip(app, runner, tmp_path):
    shop_a, shop_b = account("Sklep A"), account("Sklep B")
    first = seed_buyer(shop_a, "b-9", login="kasia", first="Kasia", last="Lis")
    seed_buyer(shop_b, "b-9", login="kasia", first="Kasia", last="Lis")
    out = tmp_path / "kasia.zip"
    result = runner.invoke(args=["desk", "privacy", "export", "--buyer", "b-9", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "order=2" in result.output and "buyer b-9" in result.output
    doc = json.loads(zipfile.ZipFile(io.BytesIO(out.read_bytes())).read("buyer.json"))
    assert len(doc["orders"]) == 2

    result = runner.invoke(
        args=["desk", "privacy", "export", "--buyer", "b-9", "--account", "Sklep A", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(zipfile.ZipFile(io.BytesIO(out.read_bytes())).read("buyer.json"))
    assert [o["id"] for o in doc["orders"]] == [first.order.id]
    bad = runner.invoke(
        args=["desk", "privacy", "export", "--buyer", "b-9", "--account", "Nie ma", "--out", str(out)]
    )
    assert bad.exit_code != 0


def test_the_job_cleans_up_and_completes_released_erasures(app):
    shop = account("Sklep A")
    seed_buyer(shop, "b-1", login="ola", first="Ola", last="Nowak")
    owner = make_agent(role=Role.OWNER)
    export = store.create_export(
        account_ids=[shop.id], buyer_allegro_id="b-1", agent_id=owner.id, now=NOW, include_restricted=True
    )
    hold = hold_admin.set_hold(
        hold_admin.HoldForm(shop.id, HoldScope.BUYER, HoldReason.CLAIM, target="b-1"),
        account_ids=[shop.id],
        agent_id=owner.id,
        now=NOW,
    )
    restrict(account_id=shop.id, buyer_allegro_id="b-1", request_id=None, holds=[], erase_when_released=True)
    db.session.commit()

    use_clock(app, FakeClock(NOW + dt.timedelta(days=1)))
    assert jobs.privacy_requests_job(app) == {  # still held: nothing erased
        "exports_deleted": 0, "contacts_purged": 0, "restrictions_completed": 0,
    }
    hold_admin.lift_hold(hold.id, account_ids=[shop.id], agent_id=owner.id, now=NOW + dt.timedelta(days=1))
    use_clock(app, FakeClock(NOW + dt.timedelta(days=8)))
    assert jobs.privacy_requests_job(app) == {
        "exports_deleted": 1,
        "contacts_purged": 0,
        "restrictions_completed": 1,
    }
    assert db.session.get(BuyerExport, export.id).data is None
    # the desk's own eraser ran once the hold was lifted
    assert db.session.scalar(select(Order.buyer_last_name)) == "[usunięto]"
