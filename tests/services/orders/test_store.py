"""Orders written in bulk (backfill) and through the ORM (changes) are stored identically."""

from __future__ import annotations

from sqlalchemy import select

from desk.extensions import db
from desk.models import Order, OrderLine
from desk.orm import utcnow
from desk.services.orders import store as order_store
from desk.wiring import get_allegro
from tests.factories import connect_account

RICH_FORM = {
    "messageToSeller": 'Proszę o "szybką" wysyłkę, dziękuję!',
    "delivery": {
        "method": {"id": "inpost-locker", "name": "Allegro Paczkomaty InPost"},
        "address": {
            "firstName": "Zażółć",
            "lastName": "Gęślą-Jaźń",
            "street": "ul. Piotrkowska 104/12",
            "city": "Łódź",
            "zipCode": "90-926",
            "countryCode": "PL",
            "phoneNumber": "+48 600 100 200",
        },
        "pickupPoint": {
            "id": "LOD05M",
            "name": "Paczkomat LOD05M",
            "description": "Przy sklepie \\ Żabka",
            "address": {
                "street": "Piotrkowska 100", "zipCode": "90-004", "city": "Łódź", "countryCode": "PL"
            },
        },
        "cost": {"amount": "12.99", "currency": "PLN"},
    },
    "invoice": {
        "required": True,
        "address": {
            "street": "ul. Długa 1",
            "city": "Gdańsk",
            "zipCode": "80-831",
            "countryCode": "PL",
            "company": {"name": "Bursztyn sp. z o.o.", "ids": [{"type": "PL_NIP", "value": "5842021287"}]},
        },
        "dueDate": "2026-12-14",
    },
    "surcharges": [
        {
            "id": "s-1",
            "type": "PAYU",
            "provider": "PAYU",
            "finishedAt": "2026-11-30T10:00:00.123Z",
            "paidAmount": {"amount": "5.00", "currency": "PLN"},
        }
    ],
}


def _raw_rows(table: str, key: str, skip: set[str]) -> dict:
    """Every stored column as the database holds it: as text on PostgreSQL (whose driver would
    parse JSON and dates), as the driver returns it on SQLite (text for dates and JSON)."""
    names = [column.name for column in db.metadata.tables[table].columns]
    if db.engine.dialect.name == "postgresql":
        columns = ", ".join(f'CAST("{name}" AS text)' for name in names)
    else:
        columns = ", ".join(f'"{name}"' for name in names)
    result = db.session.connection().exec_driver_sql(f'SELECT {columns} FROM "{table}"')  # noqa: S608 (metadata)
    rows = {}
    for values in result.all():
        row = dict(zip(names, values, strict=True))
        rows[row[key]] = {name: value for name, value in row.items() if name not in skip}
    return rows


def test_a_bulk_written_order_is_byte_for_byte_an_orm_written_one(app, fake_allegro):
    account, seller = connect_account(fake_allegro)
    stored = fake_allegro.state.add_checkout_form(seller, **RICH_FORM)
    form = get_allegro().client_for(account.id).get_checkout_form(stored["id"])

    order_store.upsert_forms(account.id, [form], source="backfill", mostly_new=True)
    twin = Order(account_id=account.id, allegro_id="orm-twin", synced_at=utcnow())
    order_store._fill(twin, form)
    db.session.add(twin)
    db.session.commit()

    orders = _raw_rows("order", "allegro_id", {"id", "allegro_id", "synced_at"})
    assert orders[form.id] == orders["orm-twin"]
    assert orders[form.id]["pickup_point"] is not None and orders[form.id]["invoice"] is not None
    ids = dict(db.session.execute(select(Order.allegro_id, Order.id)).all())
    by_order = {}
    for line in _raw_rows("order_line", "id", {"id"}).values():
        by_order.setdefault(int(line.pop("order_id")), []).append(line)
    bulk, orm = ids[form.id], ids["orm-twin"]
    assert by_order[bulk] == by_order[orm] != []
    assert db.session.scalar(select(db.func.count()).select_from(OrderLine)) == 2 * len(form.line_items)


def test_json_columns_read_back_as_plain_data(app, fake_allegro):
    account, seller = connect_account(fake_allegro)
    stored = fake_allegro.state.add_checkout_form(seller, **RICH_FORM)
    form = get_allegro().client_for(account.id).get_checkout_form(stored["id"])
    order_store.upsert_forms(account.id, [form], source="backfill", mostly_new=True)
    db.session.commit()
    db.session.expire_all()
    order = db.session.scalar(select(Order).where(Order.allegro_id == form.id))
    assert order.pickup_point["description"] == "Przy sklepie \\ Żabka"
    assert order.delivery_address["city"] == "Łódź"
    # the DTO is decoded from camelCase JSON; the column keeps the desk's own names
    assert order.delivery_address["zip_code"] == "90-926" and "zipCode" not in order.delivery_address
    assert order.invoice["tax_ids"] == [{"type": "PL_NIP", "value": "5842021287"}]
    assert order.invoice["due_date"] == "2026-12-14"
    assert order.surcharges == [{"amount": "5.00", "currency": "PLN", "id": "s-1", "type": "PAYU"}]
