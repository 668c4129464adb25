"""Stored exports: made on an owner's request, downloadable for 7 days, then their bytes are deleted (the
manifest of record ids stays, with the request, for breach forensics)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import select

from desk.extensions import db
from desk.models.privacy_request import BuyerExport, PrivacyRequest
from desk.services.errors import N_, NotFoundError, ValidationError
from desk.services.privacy.audit import record_event
from desk.services.privacy.export.collect import collect
from desk.services.privacy.export.package import build_zip

KEEP_DAYS = 7


def create_export(
    *,
    account_ids: Collection[int],
    buyer_allegro_id: str,
    agent_id: int | None,
    now: dt.datetime,
    include_restricted: bool,
    request_id: int | None = None,
) -> BuyerExport:
    """Collect and package the buyer's data and keep the ZIP for 7 days. Commits."""
    buyer = buyer_allegro_id.strip()
    if not buyer:
        raise ValidationError(N_("Give the buyer's Allegro id."))
    collected = collect(
        account_ids=account_ids, buyer_allegro_id=buyer, now=now, include_restricted=include_restricted
    )
    data = build_zip(collected)
    export = BuyerExport(
        request_id=request_id,
        account_ids=sorted(account_ids),
        buyer_allegro_id=buyer,
        includes_restricted=include_restricted,
        file_name=f"dane-kupujacego-{now:%Y%m%d-%H%M%S}.zip",
        data=data,
        size=len(data),
        manifest=collected.manifest,
        created_by=agent_id,
        created_at=now,
        expires_at=now + dt.timedelta(days=KEEP_DAYS),
    )
    db.session.add(export)
    db.session.flush()
    if request_id is not None:
        request = db.session.get(PrivacyRequest, request_id)
        if request is not None:
            request.export_manifest = {"export_id": export.id, "records": collected.manifest}
    record_event(
        "exported",
        now=now,
        agent_id=agent_id,
        request_id=request_id,
        export_id=export.id,
        info={"accounts": sorted(account_ids), "records": sum(map(len, collected.manifest.values()))},
    )
    db.session.commit()
    return export


def downloadable(export_id: int, *, agent_id: int, now: dt.datetime) -> BuyerExport:
    """The export's file if it has not expired; every download is audited. Commits."""
    export = db.session.get(BuyerExport, export_id)
    if export is None or export.data is None or export.expires_at <= now:
        raise NotFoundError(N_("The export has expired or does not exist."))
    record_event("downloaded", now=now, agent_id=agent_id, request_id=export.request_id, export_id=export.id)
    db.session.commit()
    return export


def request_exports(request_id: int) -> list[BuyerExport]:
    query = select(BuyerExport).where(BuyerExport.request_id == request_id).order_by(BuyerExport.id.desc())
    return list(db.session.scalars(query))


def delete_expired(*, now: dt.datetime) -> int:
    """Delete the files (and the buyer id) of exports past their 7 days; returns how many. Commits."""
    query = select(BuyerExport).where(BuyerExport.expires_at <= now, BuyerExport.deleted_at.is_(None))
    deleted = 0
    for export in db.session.scalars(query):
        export.data, export.buyer_allegro_id, export.size, export.deleted_at = None, None, 0, now
        record_event(
            "export_deleted", now=now, agent_id=None, request_id=export.request_id, export_id=export.id
        )
        deleted += 1
    db.session.commit()
    return deleted


def export_bytes(
    *, account_ids: Collection[int], buyer_allegro_id: str, now: dt.datetime, progress=None
) -> tuple[bytes, dict[str, list[int]]]:
    """The ZIP of the buyer's data (restricted data included: the operator's export) and its manifest,
    not stored in the desk (the command line writes it to a file); audited. Commits."""
    buyer = buyer_allegro_id.strip()
    if not buyer:
        raise ValidationError(N_("Give the buyer's Allegro id."))
    collected = collect(
        account_ids=account_ids, buyer_allegro_id=buyer, now=now, include_restricted=True, progress=progress
    )
    data = build_zip(collected)
    record_event(
        "exported",
        now=now,
        agent_id=None,
        info={
            "accounts": sorted(account_ids),
            "records": sum(map(len, collected.manifest.values())),
            "channel": "cli",
        },
    )
    db.session.commit()
    return data, collected.manifest
