"""Document checklists per kind of carrier complaint, and bad input refused at its field with nothing
written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Complaint, ComplaintEvent, ComplaintFile
from desk.services.complaints import FormErrors, Upload, carrier, checklist
from tests.services.complaints.helpers import (
    JPG,
    LIMITS,
    NOW,
    PDF,
    account,
    damage_files,
    damage_form,
    delivered_parcel,
)


def rows() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Complaint, ComplaintFile, ComplaintEvent)
    )


@pytest.fixture
def shipment(app):
    return delivered_parcel(account())[1]


def draft(shipment, uploads=(), **form):
    return carrier.start(
        shipment.id,
        None,
        damage_form(**form),
        list(uploads),
        limits=LIMITS,
        actor_id=None,
        now=NOW,
        submit=False,
    )


def items(complaint) -> dict[str, tuple[bool, bool]]:
    return {item.code: (item.required, item.done) for item in checklist.checklist(complaint)}


def test_damage_with_a_report_needs_the_report_and_proof_of_value(shipment):
    complaint = draft(shipment)
    assert items(complaint) == {
        "transport_document": (True, True),  # the label the desk kept
        "damage_report": (True, False),
        "value_proof": (True, False),
        "photos": (False, False),
        "attachment_list": (True, True),
        "bank_account": (True, True),
    }
    assert [item.code for item in checklist.missing(complaint)] == ["damage_report", "value_proof"]


def test_hidden_damage_needs_no_report_and_a_repair_invoice_proves_value(shipment):
    complaint = draft(shipment, [Upload("naprawa.pdf", PDF, "repair_invoice")], damage_report_made="")
    assert items(complaint)["damage_report"] == (False, False)
    assert checklist.missing(complaint) == []


def test_loss_needs_proof_of_value_but_a_repair_invoice_is_no_proof(shipment):
    complaint = draft(shipment, [Upload("naprawa.pdf", PDF, "repair_invoice")], kind="loss")
    assert set(items(complaint)) == {"transport_document", "value_proof", "attachment_list", "bank_account"}
    assert [item.code for item in checklist.missing(complaint)] == ["value_proof"]
    assert not complaint.damage_report_made  # a report is about damage or shortage only


def test_delay_needs_the_transport_document_and_the_account_only(shipment):
    complaint = draft(shipment, kind="delay", claimed_amount="")
    assert set(items(complaint)) == {"transport_document", "attachment_list", "bank_account"}
    assert checklist.missing(complaint) == []


def test_without_the_label_the_transport_document_is_missing(app):
    _order, shipment = delivered_parcel(account("Bez etykiety"), label=False)
    complaint = draft(shipment, kind="delay", claimed_amount="")
    assert [item.code for item in checklist.missing(complaint)] == ["transport_document", "attachment_list"]


def test_an_incomplete_complaint_is_not_sent_and_nothing_is_written(shipment):
    before = rows()
    with pytest.raises(FormErrors) as refused:
        carrier.start(
            shipment.id, None, damage_form(), [], limits=LIMITS, actor_id=None, now=NOW, submit=True
        )
    assert set(refused.value.fields) == {"checklist"}
    assert rows() == before


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"kind": "stolen"}, {"kind"}),
        ({"description": "  "}, {"description"}),
        ({"claimed_amount": "sto złotych"}, {"claimed_amount"}),
        ({"claimed_amount": "0"}, {"claimed_amount"}),
        ({"iban": "PL61 1090 1014 0000 0712 1981 2875"}, {"iban"}),  # check digits wrong
        ({"iban": "DE89370400440532013000"}, {"iban"}),  # not Polish
        ({"iban": "", "account_holder": ""}, {"iban", "account_holder"}),
        ({"issue_id": "999"}, {"issue_id"}),
    ],
)
def test_bad_input_is_refused_at_its_field_with_nothing_written(shipment, changes, fields):
    before = rows()
    with pytest.raises(FormErrors) as refused:
        carrier.start(
            shipment.id,
            None,
            damage_form(**changes),
            damage_files(),
            limits=LIMITS,
            actor_id=None,
            now=NOW,
            submit=True,
        )
    assert set(refused.value.fields) == fields
    assert rows() == before


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (Upload("wirus.exe", b"MZ\x90\x00" * 10, "photo"), "is not a PDF, JPG or PNG"),
        (Upload("duzy.jpg", JPG + b"\x00" * 2000, "photo"), "too large"),
        (Upload("pusty.pdf", b"", "photo"), "empty"),
        (Upload("co.pdf", PDF, "secret"), "Choose what the file"),
    ],
)
def test_bad_files_are_refused_with_nothing_written(shipment, upload, message):
    before = rows()
    with pytest.raises(FormErrors) as refused:
        carrier.start(
            shipment.id, None, damage_form(), [upload], limits=LIMITS, actor_id=None, now=NOW, submit=False
        )
    assert message in str(refused.value) and set(refused.value.fields) == {"files"}
    assert rows() == before


def test_too_many_files_are_refused(shipment):
    complaint = draft(shipment, damage_files())  # 3 + the label
    more = [Upload(f"zdjecie{n}.png", JPG, "photo") for n in range(5)]
    with pytest.raises(FormErrors, match="at most 8 files"):
        carrier.add_files(complaint.id, None, more, limits=LIMITS, actor_id=None, now=NOW)
    assert len(complaint.files) == 4


def test_another_accounts_parcel_is_not_found(app):
    mine, theirs = account("Mój sklep"), account("Cudzy sklep")
    _order, shipment = delivered_parcel(theirs)
    with pytest.raises(Exception, match="Shipment not found"):
        carrier.start(
            shipment.id,
            {mine.id},
            damage_form(),
            damage_files(),
            limits=LIMITS,
            actor_id=None,
            now=NOW,
            submit=True,
        )
    assert db.session.scalar(select(func.count(Complaint.id))) == 0
