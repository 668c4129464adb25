"""The fake's issue attachments: declare, one binary upload to the Location URL, download."""

from __future__ import annotations

import random

import pytest

from integrations.allegro.fake.demo.issues import make_png

BETA = "application/vnd.allegro.beta.v1+json"
JSON_BETA = {"Accept": BETA, "Content-Type": BETA}
PNG = make_png(random.Random(2))


def _declare(api, size=len(PNG), name="paczka.png"):
    return api.send("POST", "/sale/issues/attachments", {"fileName": name, "size": size}, headers=JSON_BETA)


def _put(api, url, data=PNG, content_type="image/png"):
    headers = api.headers(**{"Accept": BETA, "Content-Type": content_type})
    return api.session.put(url, data=data, headers=headers, timeout=10)


def _code(response):
    return response.json()["errors"][0]["code"]


def test_declare_upload_download(api, state, fake):
    declared = _declare(api)

    assert declared.status_code == 201 and declared.headers["Content-Type"] == BETA
    attachment_id = declared.json()["id"]
    assert declared.headers["Location"] == f"{fake.url}/sale/issues/attachments/{attachment_id}"
    uploaded = _put(api, declared.headers["Location"])
    assert uploaded.status_code == 200 and uploaded.json() == {"id": attachment_id}
    downloaded = api.get(f"/sale/issues/attachments/{attachment_id}", headers={"Accept": "*/*"})
    assert downloaded.status_code == 200
    assert (downloaded.content, downloaded.headers["Content-Type"]) == (PNG, "image/png")
    assert state.violations == []


def test_too_big_a_declaration_is_attachment_error(api, state):
    response = _declare(api, size=2 * 1024 * 1024 + 1)

    assert response.status_code == 422 and _code(response) == "ATTACHMENT_ERROR"
    assert state.issue_attachments == {}
    assert _declare(api, size=0).status_code == 422  # the spec's minimum


def test_upload_of_a_type_not_allowed_is_415(api, state):
    location = _declare(api).headers["Location"]

    response = _put(api, location, b"plain text", "text/plain")

    assert response.status_code == 415 and _code(response) == "NotSupportedException"
    assert _put(api, location).status_code == 200  # the URL was not used up by the refusal


def test_upload_larger_than_declared_is_413(api):
    location = _declare(api, size=10).headers["Location"]

    assert _put(api, location).status_code == 413
    assert _put(api, location, PNG[:10]).status_code == 200


def test_upload_url_is_one_time(api):
    location = _declare(api).headers["Location"]
    assert _put(api, location).status_code == 200

    again = _put(api, location)

    assert again.status_code == 409 and _code(again) == "ATTACHMENT_ERROR"


@pytest.mark.parametrize(
    "content_type", ["image/gif", "image/bmp", "image/tiff", "image/jpeg", "application/pdf"]
)
def test_every_allowed_type_uploads(api, state, content_type):
    location = _declare(api).headers["Location"]

    assert _put(api, location, PNG, content_type).status_code == 200
    assert state.violations == []


def test_files_of_other_sellers_stay_hidden(api, state, fake):
    other = state.add_seller("inny_sklep")
    foreign = state.declare_attachment(other, "cudzy.png", len(PNG))

    assert _put(api, f"{fake.url}/sale/issues/attachments/{foreign}").status_code == 404
    state.upload_attachment(other, foreign, PNG, "image/png")
    assert api.get(f"/sale/issues/attachments/{foreign}", headers={"Accept": "*/*"}).status_code == 404
    unknown = api.get(
        "/sale/issues/attachments/7cf7dba4-d232-4559-972b-edb8bd3d8883", headers={"Accept": "*/*"}
    )
    assert unknown.status_code == 404


def test_message_with_only_an_attachment(api, state, seller):
    issue = state.add_issue(seller)
    declared = _declare(api)
    _put(api, declared.headers["Location"])
    attachment_id = declared.json()["id"]

    response = api.send(
        "POST",
        f"/sale/issues/{issue['id']}/message",
        {"type": "REGULAR", "attachments": [{"id": attachment_id}]},
        headers=JSON_BETA,
    )

    assert response.status_code == 201
    assert "text" not in response.json()
    assert response.json()["attachments"] == [
        {"fileName": "paczka.png", "url": f"https://api.allegro.pl/sale/issues/attachments/{attachment_id}"}
    ]
    assert state.violations == []


def test_buyer_attachments_are_listed_on_the_issue(state, seller):
    first = state.attach_file("a.png", PNG, "image/png")
    later = state.attach_file("b.pdf", b"%PDF-1.4", "application/pdf")
    issue = state.add_issue(seller, attachment_ids=[first])

    state.add_buyer_message(issue["id"], None, attachment_ids=[later])

    names = [a["fileName"] for a in state.issues[issue["id"]]["attachments"]]
    assert names == ["a.png", "b.pdf"]
    assert state.attachment_content(seller, later) == (b"%PDF-1.4", "application/pdf")
