"""Complaint pages: the list and filters, the form from the order page, a complaint's page with its history,
the administrators' handling, returned parcels; every route refuses another account's complaint (404) and
non-administrators' handling (403); bad input comes back at its field with nothing written."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Complaint, ComplaintState, Role
from desk.services.complaints import broker, carrier, returns
from tests.factories import make_agent, make_thread
from tests.services.complaints.helpers import (
    LIMITS,
    NOW,
    PDF,
    account,
    damage_files,
    damage_form,
    delivered_parcel,
)
from tests.services.shipping.parcel_rows import event, make_shipment, warsaw


@pytest.fixture
def shops(app):
    mine, theirs = account("Mój sklep"), account("Cudzy sklep")
    return mine, theirs


@pytest.fixture
def parcel(shops):
    return delivered_parcel(shops[0])


def signed_in(login, shops, role=Role.AGENT):
    return login(make_agent(role=role, accounts=[shops[0]]))


def a_complaint(shipment, submit=True) -> Complaint:
    return carrier.start(
        shipment.id, None, damage_form(), damage_files(), limits=LIMITS, actor_id=None, now=NOW, submit=submit
    )


def count() -> int:
    return db.session.scalar(select(func.count(Complaint.id)))


def test_the_order_page_offers_a_complaint_and_the_form_is_prefilled(client, login, shops, parcel):
    order, shipment = parcel
    signed_in(login, shops)
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert f"/complaints/shipments/{shipment.id}/new" in page and ">Reklamacja</a>" in page
    form = client.get(f"/complaints/shipments/{shipment.id}/new").get_data(as_text=True)
    assert "Reklamacja przesyłki" in form and shipment.waybills[0] in form
    assert "dołączono etykietę zapisaną w systemie" in form and "16,99" in form


def test_a_complaint_sent_from_the_form_with_files(client, login, shops, parcel):
    _order, shipment = parcel
    signed_in(login, shops)
    data = {
        **damage_form(),
        "action": "submit",
        "file-0": (io.BytesIO(PDF), "protokol.pdf"),
        "doc_type-0": "damage_report",
        "file-1": (io.BytesIO(PDF), "faktura.pdf"),
        "doc_type-1": "value_invoice",
    }
    response = client.post(
        f"/complaints/shipments/{shipment.id}/new", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    complaint = db.session.scalar(select(Complaint))
    assert complaint.state is ComplaintState.SUBMITTED and len(complaint.files) == 3
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "U brokera" in page and "protokol.pdf" in page and "Historia" in page


def test_bad_input_comes_back_at_its_field_with_nothing_written(client, login, shops, parcel):
    _order, shipment = parcel
    signed_in(login, shops)
    response = client.post(
        f"/complaints/shipments/{shipment.id}/new", data={**damage_form(iban="PL00 1234"), "action": "submit"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "To nie jest poprawny numer rachunku bankowego." in page
    assert 'id="c-iban-errors"' in page and count() == 0


def test_the_list_filters_by_type_and_state(client, login, shops, parcel):
    a_complaint(parcel[1])
    broker.file_service(
        {"account_id": str(shops[0].id), "subject": "Infolinia", "description": "x"},
        None,
        actor_id=None,
        now=NOW,
    )
    signed_in(login, shops)
    both = client.get("/complaints/").get_data(as_text=True)
    assert "Infolinia" in both and "Uszkodzenie" in both
    carriers_only = client.get("/complaints/?type=carrier&state=submitted").get_data(as_text=True)
    assert "Infolinia" not in carriers_only and "Uszkodzenie" in carriers_only


def test_administrators_answer_within_the_clock(client, login, shops):
    complaint = broker.file_service(
        {"account_id": str(shops[0].id), "subject": "Infolinia", "description": "x"},
        None,
        actor_id=None,
        now=NOW,
    )
    login(make_agent(role=Role.ADMIN))
    page = client.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert "Odpowiedź do" in page and "4.12.2026" in page and "Zapisz odpowiedź" in page
    response = client.post(f"/complaints/{complaint.id}/answer", data={"decision": "reject", "answer": ""})
    assert response.status_code == 422 and "Napisz sprzedawcy uzasadnienie." in response.get_data(
        as_text=True
    )
    client.post(f"/complaints/{complaint.id}/answer", data={"decision": "reject", "answer": "Brak podstaw."})
    db.session.expire_all()
    assert db.session.get(Complaint, complaint.id).state is ComplaintState.REJECTED


def test_sellers_cannot_handle_complaints(client, login, shops, parcel):
    complaint = a_complaint(parcel[1])
    signed_in(login, shops, Role.OWNER)
    for path in ("answer", "return", "forward", "forward-manual", "carrier-request", "decision", "refund"):
        assert client.post(f"/complaints/{complaint.id}/{path}", data={"reason": "x"}).status_code == 403, (
            path
        )
    assert "Obsługa przez brokera" not in client.get(f"/complaints/{complaint.id}").get_data(as_text=True)


def test_another_accounts_complaint_is_not_there_on_any_route(client, login, shops):
    _order, shipment = delivered_parcel(shops[1])
    theirs = a_complaint(shipment)
    file_id = theirs.files[0].id
    back = make_shipment(shops[1], events=[event("back", warsaw(2026, 11, 20, 9), "returned")])
    returns.detect(now=NOW)
    returned = returns.returns(None)[0]
    signed_in(login, shops)
    gets = [
        f"/complaints/{theirs.id}",
        f"/complaints/{theirs.id}/files/{file_id}",
        f"/complaints/shipments/{shipment.id}/new",
    ]
    for path in gets:
        assert client.get(path).status_code == 404, path
    posts = ["edit", "submit", "files", "documents", "compensation", "link"]
    for path in posts:
        assert client.post(f"/complaints/{theirs.id}/{path}", data={}).status_code == 404, path
    assert client.post(f"/complaints/shipments/{shipment.id}/new", data=damage_form()).status_code == 404
    assert (
        client.post(
            f"/complaints/returns/{returned.id}/instructions", data={"decision": "dispose"}
        ).status_code
        == 404
    )
    listing = client.get("/complaints/").get_data(as_text=True)
    assert f"#{theirs.id}<" not in listing
    filtered = client.get(f"/complaints/?account={shops[1].id}").get_data(as_text=True)
    assert f"#{theirs.id}<" not in filtered
    for kind in ("service", "invoice"):
        response = client.post(
            f"/complaints/new/{kind}",
            data={
                "account_id": str(shops[1].id),
                "subject": "x",
                "description": "y",
                "reason": "other",
                "invoice_number": "FV/1",
            },
        )
        assert response.status_code == 422 and "Wybierz konto sprzedawcy." in response.get_data(as_text=True)
    assert count() == 1
    assert back.id not in [r.shipment_id for r in returns.returns({shops[0].id})]
    assert "Cudzy sklep" not in client.get("/complaints/returns").get_data(as_text=True)


POSTS = (
    "link",
    "edit",
    "submit",
    "files",
    "documents",
    "compensation",
    "answer",
    "return",
    "forward",
    "forward-manual",
    "carrier-request",
    "decision",
    "refund",
)


def test_every_post_needs_the_csrf_token(app, client, login, shops, parcel):
    complaint = a_complaint(parcel[1], submit=False)
    returned = make_shipment(shops[0], events=[event("back", warsaw(2026, 11, 20, 9), "returned")])
    returns.detect(now=NOW)
    parcel_return = returns.returns(None)[0]
    login(make_agent(role=Role.ADMIN))
    paths = [f"/complaints/{complaint.id}/{path}" for path in POSTS] + [
        f"/complaints/shipments/{parcel[1].id}/new",
        "/complaints/new/service",
        "/complaints/new/invoice",
        f"/complaints/returns/{parcel_return.id}/instructions",
        f"/complaints/returns/{parcel_return.id}/handled",
    ]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for path in paths:
            assert client.post(path, data={**damage_form(), "decision": "dispose"}).status_code == 400, path
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert complaint.state is ComplaintState.DRAFT and count() == 1
    assert parcel_return.decision is None and returned.id == parcel_return.shipment_id


def test_returned_parcels_ask_for_instructions(client, login, shops):
    shipment = make_shipment(shops[0], events=[event("back", warsaw(2026, 11, 20, 9), "returned")])
    returns.detect(now=NOW)
    signed_in(login, shops)
    page = client.get("/complaints/returns").get_data(as_text=True)
    assert "czeka na dyspozycję" in page and shipment.waybills[0] in page
    response = client.post(
        f"/complaints/returns/{returns.returns(None)[0].id}/instructions",
        data={"decision": "resend", "note": ""},
    )
    assert response.status_code == 422 and "Napisz, dokąd i jak ją wysłać." in response.get_data(as_text=True)


def test_the_conversation_panel_shows_the_linked_complaint(client, login, shops, parcel):
    order, shipment = parcel
    issue = make_thread(shops[0].id, order=order)
    complaint = carrier.start(
        shipment.id,
        None,
        damage_form(issue_id=str(issue.id)),
        damage_files(),
        limits=LIMITS,
        actor_id=None,
        now=NOW,
        submit=True,
    )
    other = make_thread(shops[0].id, order=order)
    signed_in(login, shops)
    page = client.get(f"/issues/{issue.id}").get_data(as_text=True)
    assert (
        "Reklamacje u przewoźnika" in page and f"/complaints/{complaint.id}" in page and "U brokera" in page
    )
    # linked again, after it went to the broker, to another conversation about the order
    assert client.post(f"/complaints/{complaint.id}/link", data={"issue_id": "999999"}).status_code == 422
    client.post(f"/complaints/{complaint.id}/link", data={"issue_id": str(other.id)})
    assert f"/complaints/{complaint.id}" not in client.get(f"/issues/{issue.id}").get_data(as_text=True)
    assert f"/complaints/{complaint.id}" in client.get(f"/issues/{other.id}").get_data(as_text=True)
