"""Files an agent attaches to a message: what they really are, and whether Allegro takes them."""
from __future__ import annotations

import os
from dataclasses import dataclass

from desk.services.errors import N_, ValidationError
from integrations.allegro import ATTACHMENT_CONTENT_TYPES, ATTACHMENT_MAX_BYTES

MAX_ATTACHMENTS = 5
FILE_NAME_MAX = 255  # Allegro's limit on attachment names
# What a file really is, from its first bytes (the browser's content type is not evidence).
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"%PDF-", "application/pdf"),
    (b"BM", "image/bmp"),
)


@dataclass(frozen=True)
class Upload:
    """A file the agent attached; `data` is checked here, whatever the browser claimed."""

    file_name: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The content type the bytes really have, among those Allegro accepts; None otherwise."""
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def check_uploads(
    uploads: list[Upload],
    *,
    max_bytes: int = ATTACHMENT_MAX_BYTES,
    content_types: tuple[str, ...] = ATTACHMENT_CONTENT_TYPES,
) -> list[tuple[str, bytes, str]]:
    """(file name, bytes, content type) of acceptable files; ValidationError naming the first bad one.

    The defaults are `/sale/issues` limits (2 MiB); the Message Center passes its own (5 MB).
    """
    files = [u for u in uploads if u.data or u.file_name]
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(N_("You can attach at most %(count)d files."), count=MAX_ATTACHMENTS)
    checked = []
    for upload in files:
        name = os.path.basename(upload.file_name.replace("\\", "/")).strip() or "plik"
        name = name[-FILE_NAME_MAX:]
        if not upload.data:
            raise ValidationError(N_("The file %(name)s is empty."), name=name)
        if len(upload.data) > max_bytes:
            raise ValidationError(
                N_("The file %(name)s is too large: Allegro accepts files up to %(max)d MB."),
                name=name, max=max_bytes // (1024 * 1024),
            )
        kind = sniff(upload.data)
        if kind not in content_types:
            raise ValidationError(
                N_("The file %(name)s cannot be sent: Allegro accepts pictures (JPG, PNG, GIF, BMP, TIFF) "
                   "and PDF documents."),
                name=name,
            )
        checked.append((name, upload.data, kind))
    return checked


