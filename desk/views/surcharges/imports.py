"""Importing a carrier's billing file (administrators): choose the carrier and the file, see per line what
would happen (nothing written yet), then apply it. The preview carries the file back in the form,
compressed, so the apply reads exactly the file that was previewed."""
from __future__ import annotations

import base64
import binascii
import zlib

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from desk.models import Role
from desk.services.billing import surcharges
from desk.views.access import require_roles
from desk.views.surcharges.blueprint import bp
from desk.wiring.surcharges import billing_parser

# what a form field carries back (Flask parses at most 500 kB of form fields); larger files: the CLI
PAYLOAD_MAX = 450_000


@bp.get("/import")
@require_roles(Role.ADMIN)
def import_form():
    return render_template("surcharges/import.html", plan=None, form={})


@bp.post("/import")
@require_roles(Role.ADMIN)
def import_dry_run():
    carrier = request.form.get("carrier", "")
    upload = request.files.get("file")
    data = upload.read(surcharges.MAX_BYTES + 1) if upload else b""
    form = {"carrier": carrier, "filename": (upload.filename or "") if upload else ""}
    if carrier not in surcharges.CARRIERS:
        return _form(form, {"carrier": [_("Choose the carrier whose file this is.")]})
    if not data:
        return _form(form, {"file": [_("Choose a billing file.")]})
    plan = surcharges.plan_import(billing_parser(carrier), carrier=carrier, data=data)
    payload = _pack(data)
    too_large = len(payload) > PAYLOAD_MAX
    return render_template(
        "surcharges/import.html", plan=plan, form=form, payload=None if too_large else payload,
        too_large=too_large,
    ), 200 if plan.ok else 422


@bp.post("/import/apply")
@require_roles(Role.ADMIN)
def import_apply():
    carrier = request.form.get("carrier", "")
    form = {"carrier": carrier, "filename": request.form.get("filename", "")}
    data = _unpack(request.form.get("data", ""))
    if carrier not in surcharges.CARRIERS or data is None:
        return _form(form, {"file": [_("The previewed file did not come back; choose it again.")]})
    try:
        plan = surcharges.apply_import(billing_parser(carrier), carrier=carrier, data=data,
                                       filename=form["filename"], actor_id=current_user.id)
    except surcharges.ImportRefused as refused:
        return render_template("surcharges/import.html", plan=refused.plan, form=form, payload=None), 422
    if plan.applied_before:
        flash(_("This file was imported before: nothing was added."), "warning")
    else:
        flash(_("Imported: %(added)d added, %(unlinked)d without a shipment, %(known)d skipped.",
                added=plan.added, unlinked=plan.unlinked, known=plan.known), "success")
    return redirect(url_for(".index", view="unlinked" if plan.unlinked and not plan.added else "new"))


def _form(form: dict[str, str], errors: dict[str, list[str]]):
    return render_template("surcharges/import.html", plan=None, form=form, errors=errors), 422


def _pack(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data, 6)).decode("ascii")


def _unpack(payload: str) -> bytes | None:
    try:
        decompressor = zlib.decompressobj()
        data = decompressor.decompress(base64.b64decode(payload, validate=True), surcharges.MAX_BYTES + 1)
    except (binascii.Error, zlib.error, ValueError):
        return None
    return data or None
