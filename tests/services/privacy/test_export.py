"""The per-buyer export: buyer.json validates against the schema kept in the repo, the CSVs round-trip
through Python's csv with ';' and the BOM, every seeded record of the buyer is there and nothing of a
second buyer with a similar name; restricted data only in the owner's export; the file goes after 7 days."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest

from desk.extensions import db
from desk.models import BuyerExport, PrivacyEvent, Role
from desk.models.cod import CodState
from desk.services.errors import NotFoundError
from desk.services.privacy.export import store
from desk.services.privacy.restrictions import restrict
from tests.factories import make_agent
from tests.services.privacy.helpers import NOW, account, open_complaint, seed_buyer

SCHEMA = json.loads(
    (Path(__file__).parents[3] / "desk/services/privacy/export/buyer-export.v1.json").read_text()
)
BUYER = "buyer-1"


@pytest.fixture
def seeded(app):
    shop_a, shop_b = account("Sklep A"), account("Sklep B")
    mine = [
        seed_buyer(
            shop_a, BUYER, login="jan_kowalski", first="Jan", last="Kowalski", cod_state=CodState.COLLECTED
        ),
        seed_buyer(shop_b, BUYER, login="jan_kowalski", first="Jan", last="Kowalski"),
    ]
    complaint = open_complaint(mine[0])
    # a second buyer with a very similar name and login, on the same accounts
    similar = seed_buyer(shop_a, "buyer-2", login="jan_kowalski1", first="Jan", last="Kowalska")
    owner = make_agent(role=Role.OWNER)
    return {
        "accounts": [shop_a.id, shop_b.id],
        "mine": mine,
        "similar": similar,
        "owner": owner,
        "complaint": complaint,
    }


def export_zip(seeded, include_restricted=True):
    export = store.create_export(
        account_ids=seeded["accounts"],
        buyer_allegro_id=BUYER,
        agent_id=seeded["owner"].id,
        now=NOW,
        include_restricted=include_restricted,
    )
    return export, zipfile.ZipFile(io.BytesIO(export.data))


def read_csv(archive, name):
    raw = archive.read(name)
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_the_json_validates_and_holds_every_record_of_the_buyer(seeded):
    export, archive = export_zip(seeded)
    doc = json.loads(archive.read("buyer.json"))
    jsonschema.validate(doc, SCHEMA, format_checker=jsonschema.FormatChecker())
    mine = seeded["mine"]
    assert sorted(o["id"] for o in doc["orders"]) == sorted(s.order.id for s in mine)
    assert sorted(c["id"] for c in doc["conversations"]) == sorted(s.issue.id for s in mine)
    assert sorted(r["id"] for r in doc["ratings"]) == sorted(s.rating.id for s in mine)
    assert sorted(s["id"] for s in doc["shipments"]) == sorted(s.shipment.id for s in mine)
    assert [c["id"] for c in doc["complaints"]] == [seeded["complaint"].id]
    assert len(doc["cod"]) == 1 and doc["cod"][0]["amount"] == {"amount": "149.99", "currency": "PLN"}
    assert doc["orders"][0]["total"] == {"amount": "149.99", "currency": "PLN"}
    assert doc["orders"][0]["lines"][0]["total"] == {"amount": "137.50", "currency": "PLN"}
    assert doc["orders"][0]["bought_at"].endswith("Z")
    assert doc["buyer"]["last_names"] == ["Kowalski"] and doc["buyer"]["logins"] == ["jan_kowalski"]
    assert {h["kind"] for h in doc["holds"]} == {"complaint", "cod"}
    # the second buyer is nowhere
    text = archive.read("buyer.json").decode()
    assert "Kowalska" not in text and "jan_kowalski1" not in text and "buyer-2" not in text
    assert seeded["similar"].order.allegro_id not in text
    # attachments: reply files and labels, in their folder
    names = archive.namelist()
    assert len([n for n in names if n.startswith("attachments/reply_file-")]) == 2
    assert len([n for n in names if n.startswith("attachments/shipment_label-")]) == 2
    assert {a["path"] for a in doc["attachments"]} <= set(names)
    assert export.manifest["order"] == sorted(s.order.id for s in mine)
    readme = archive.read("README.txt").decode()
    assert "Administrator danych" in readme and "Przewoźnicy" in readme and "Allegro" in readme


def test_the_csvs_round_trip_with_semicolons_and_the_bom(seeded):
    _export, archive = export_zip(seeded)
    orders = read_csv(archive, "zamowienia.csv")
    assert len(orders) == 2 and {row["nazwisko"] for row in orders} == {"Kowalski"}
    assert orders[0]["kwota"] == "149,99" and orders[0]["waluta"] == "PLN"
    assert "Łódź" in orders[0]["adres_dostawy"] and "Kwiatowa 5" in orders[0]["adres_dostawy"]
    bought = next(o for o in seeded["mine"] if o.order.id == int(orders[0]["id"])).order.bought_at
    assert orders[0]["data_zakupu"] == bought.astimezone(dt.timezone(dt.timedelta(hours=1))).strftime(
        "%Y-%m-%d %H:%M"
    )  # January: Warsaw is UTC+1
    messages = read_csv(archive, "wiadomosci.csv")
    assert {m["tresc"] for m in messages} == {"Gdzie paczka? Jan"}
    lines = read_csv(archive, "pozycje_zamowien.csv")
    assert {row["nazwa"] for row in lines} == {"Kubek żółty"} and lines[0]["razem"] == "137,50"
    for name in (
        "przesylki.csv",
        "rozmowy.csv",
        "oceny.csv",
        "reklamacje.csv",
        "pobrania.csv",
        "zalaczniki.csv",
    ):
        assert read_csv(archive, name)
    assert all(
        "Kowalska" not in archive.read(name).decode("utf-8-sig")
        for name in archive.namelist()
        if name.endswith(".csv")
    )


def test_restricted_data_only_in_the_owners_export(seeded):
    shop_a = seeded["accounts"][0]
    restrict(account_id=shop_a, buyer_allegro_id=BUYER, request_id=None, holds=[], erase_when_released=False)
    db.session.commit()
    _export, archive = export_zip(seeded, include_restricted=False)
    doc = json.loads(archive.read("buyer.json"))
    assert {o["account_id"] for o in doc["orders"]} == {seeded["accounts"][1]}
    _export, archive = export_zip(seeded, include_restricted=True)
    doc = json.loads(archive.read("buyer.json"))
    assert {o["account_id"] for o in doc["orders"]} == set(seeded["accounts"])


def test_the_file_is_gone_after_seven_days(seeded):
    export, _archive = export_zip(seeded)
    owner = seeded["owner"].id
    assert store.downloadable(export.id, agent_id=owner, now=NOW + dt.timedelta(days=6)).data
    assert store.delete_expired(now=NOW + dt.timedelta(days=6)) == 0
    assert store.delete_expired(now=NOW + dt.timedelta(days=7)) == 1
    row = db.session.get(BuyerExport, export.id)
    assert row.data is None and row.buyer_allegro_id is None and row.manifest["order"]
    with pytest.raises(NotFoundError):
        store.downloadable(export.id, agent_id=owner, now=NOW + dt.timedelta(days=7))
    actions = [e.action for e in db.session.query(PrivacyEvent).order_by(PrivacyEvent.id)]
    assert actions == ["exported", "downloaded", "export_deleted"]
