"""The inventory is read from the models: every text, JSON or binary column of a table holding
personal data is marked or declared kept, so a new column cannot slip in unclassified."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text

from desk.extensions import db
from desk.orm import personal_table
from desk.services.privacy import inventory

# Column names that smell of buyer data: a table holding one must be marked as a personal table.
SUSPICIOUS = ("buyer", "receiver", "address", "phone", "email", "message", "comment", "note", "body", "text")


def test_every_column_of_every_personal_table_is_classified(app):
    assert inventory.unclassified() == []


def test_tables_with_buyer_looking_columns_are_personal_tables(app):
    missing = [
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        if not table.info.get("personal_data")
        for column in table.columns
        if inventory.can_hold_text(column) and any(word in column.name for word in SUSPICIOUS)
    ]
    # Desk users, seller settings, templates and carriers' own records: nobody's buyer data.
    known = {
        "agent.email", "login_attempt.email", "login_attempt.address", "rating_alert_setting.email",
        "reply_template.body",
        "rating_template.body", "seller_account.sender_phone", "seller_account.sender_email",
        "ledger_entry.reason", "cod_remittance_line.resolution",
    }
    assert sorted(set(missing) - known) == []


def test_a_new_unmarked_text_column_is_reported():
    metadata = MetaData()
    table = Table(
        "parcel_note", metadata, Column("id", Integer, primary_key=True), Column("count", Integer),
        Column("carrier", String(16)), Column("body", Text), **personal_table("buyer", "carrier"),
    )
    assert inventory.unclassified([table]) == ["parcel_note.body: neither marked personal nor kept"]
    table.c.body.info["personal"] = "free_txt"
    assert inventory.unclassified([table]) == ["parcel_note.body: unknown class 'free_txt'"]
    loose = Table("loose", metadata, Column("id", Integer, primary_key=True),
                  Column("phone", String(20), info={"personal": "contact"}))
    assert inventory.unclassified([loose]) == ["loose.phone: marked in a table without personal_table(...)"]


def test_inventory_rows_cover_every_class_and_the_buyer_tables(app):
    rows = inventory.inventory_rows()
    assert {row.data_class for row in rows} == set(inventory.CLASSES)
    buyer_tables = {row.table for row in rows if row.subject == inventory.BUYER}
    assert {"order", "issue", "issue_message", "rating", "shipment", "shipment_label", "outbox_message",
            "quarantined_record", "complaint", "complaint_file", "reply_file"} <= buyer_tables
    order = {row.column: row for row in rows if row.table == "order"}
    assert order["buyer_login"].action == "pseudonymise" and order["delivery_address"].action == "scrub"
    assert order["buyer_phone"].data_class == "contact" and "total_amount" not in order
    seller = [row for row in rows if row.subject == inventory.SELLER]
    assert seller and all(row.action == "with_account" for row in seller)
