"""Files of complaints, kept in the database as the desk keeps conversation files: what they really are
(their first bytes, not the browser's word), and the limits (size per file, files per upload and complaint).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import func, select

from desk.extensions import db
from desk.models.complaint import Complaint, ComplaintFile
from desk.orm import utcnow
from desk.services.complaints.errors import refuse_if_any
from desk.services.errors import N_

FILE_NAME_MAX = 255
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
CONTENT_TYPES = tuple(kind for _magic, kind in SIGNATURES)


@dataclass(frozen=True)
class FileLimits:
    """What a complaint takes: bytes per file, files per upload and per complaint (from the settings)."""

    max_bytes: int = 5 * 1024 * 1024
    per_upload: int = 5
    per_complaint: int = 30


@dataclass(frozen=True)
class Upload:
    """A file someone attached, with the document it is (its `doc_type`)."""

    file_name: str
    data: bytes
    doc_type: str = "other"


def sniff(data: bytes) -> str | None:
    """The content type the bytes really have, among those complaints take; None otherwise."""
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def clean_name(name: str) -> str:
    """The file's own name without any path, at most 255 characters."""
    return (os.path.basename(name.replace("\\", "/")).strip() or "plik")[-FILE_NAME_MAX:]


def check(
    uploads: list[Upload],
    *,
    limits: FileLimits,
    doc_types: tuple[str, ...],
    already: int = 0,
    field: str = "files",
) -> list[tuple[Upload, str]]:
    """(upload, content type) of each acceptable file; FormErrors at `field` naming the first bad one."""
    files = [upload for upload in uploads if upload.data or upload.file_name]
    problems: dict[str, tuple[str, dict]] = {}
    if len(files) > limits.per_upload:
        problems[field] = (
            N_("You can attach at most %(count)d files at once."),
            {"count": limits.per_upload},
        )
    elif already + len(files) > limits.per_complaint:
        problems[field] = (N_("A complaint holds at most %(count)d files."), {"count": limits.per_complaint})
    checked = []
    for upload in files if not problems else ():
        name = clean_name(upload.file_name)
        kind = sniff(upload.data)
        if not upload.data:
            problems[field] = (N_("The file %(name)s is empty."), {"name": name})
        elif len(upload.data) > limits.max_bytes:
            max_mb = limits.max_bytes // (1024 * 1024)
            problems[field] = (
                N_("The file %(name)s is too large: at most %(max)d MB."),
                {"name": name, "max": max_mb},
            )
        elif kind is None:
            problems[field] = (N_("The file %(name)s is not a PDF, JPG or PNG file."), {"name": name})
        elif upload.doc_type not in doc_types:
            problems[field] = (N_("Choose what the file %(name)s is."), {"name": name})
        if problems:
            break
        checked.append((upload, kind))
    refuse_if_any(problems)
    return checked


def count(complaint_id: int) -> int:
    """How many files a complaint holds."""
    return db.session.scalar(
        select(func.count(ComplaintFile.id)).where(ComplaintFile.complaint_id == complaint_id)
    )


def store(
    complaint: Complaint, checked: list[tuple[Upload, str]], *, agent_id: int | None
) -> list[ComplaintFile]:
    """Add checked files to the complaint (flushes; the caller commits with what they belong to)."""
    stored = [
        ComplaintFile(
            complaint_id=complaint.id,
            doc_type=upload.doc_type,
            file_name=clean_name(upload.file_name),
            content_type=kind,
            size=len(upload.data),
            data=upload.data,
            uploaded_by=agent_id,
            created_at=utcnow(),
        )
        for upload, kind in checked
    ]
    complaint.files.extend(stored)
    db.session.flush()
    return stored
