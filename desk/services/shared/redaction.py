"""Removing a buyer's personal data from one row, driven by the columns' marks (desk/models: `info=
{"personal": class}`): shared by the erasure engine and by every sync path that must not bring erased
data back.

- identity: the Allegro buyer id and logins used for joins become the account's keyed pseudonym (so
  repeat-buyer counts and links survive); other identity and contact columns become the marker;
- address and JSON columns: every text leaf becomes the marker except under keys that carry money,
  ids, dates, sizes and codes (COD amounts, parcel sizes, line ids stay);
- free_text: the marker with the day of the erasure (lengths of texts are not kept);
- bank: emptied; file: the bytes removed (name-less metadata stays on the row).

Every step is idempotent: a marker, a pseudonym or an emptied value is left as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, LargeBinary, inspect

from desk.services.shared.pseudonym_keys import login_pseudonym, pseudonym

MARKER = "[usunięto]"
MARKER_PREFIX = "[usunięto"
BUYER_CLASSES = frozenset({"identity", "contact", "address", "free_text", "bank", "file"})
TEXT_CLASSES = frozenset({"free_text", "file"})
# Identity columns used for joins: pseudonymised, not blanked.
ID_COLUMNS = frozenset({"buyer_allegro_id"})
LOGIN_COLUMNS = frozenset({"buyer_login", "author_login"})
# JSON keys whose text values are facts of the sale, never of the person.
KEEP_KEYS = frozenset({
    "id", "amount", "currency", "type", "status", "required", "country", "country_code", "countryCode",
    "service", "carrier", "carrier_id", "carrier_name", "waybill", "waybills", "line_item_ids",
    "created_at", "updated_at", "due_date", "idempotency_key", "order_id", "issue_id", "rating_id",
    "draft_id", "order_row_id", "delivery_method_id", "sink", "insurance", "additional_services",
    "length_mm", "width_mm", "height_mm", "weight_g", "template", "non_standard", "decision",
    "partial_refund", "from_status", "expected_status", "attachment_ids", "mime_type", "kind",
})
_PSEUDONYM = re.compile(r"[0-9a-f]{64}")
WARSAW = ZoneInfo("Europe/Warsaw")


def is_pseudonym(value: Any) -> bool:
    """Whether a stored id or login is already a pseudonym (64 hex characters)."""
    return isinstance(value, str) and _PSEUDONYM.fullmatch(value) is not None


def text_marker(now: dt.datetime) -> str:
    """The marker a removed free text becomes: "[usunięto 2026-12-03]" (the Warsaw day)."""
    return f"{MARKER_PREFIX} {now.astimezone(WARSAW).date().isoformat()}]"


def is_marker(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(MARKER_PREFIX)


def scrub_json(value: Any, key: str | None = None) -> Any:
    """A JSON value with every text leaf outside KEEP_KEYS replaced by the marker."""
    if isinstance(value, dict):
        return {k: (v if k in KEEP_KEYS and not isinstance(v, dict | list) else scrub_json(v, k))
                for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_json(item, key) for item in value]
    if isinstance(value, str) and value and key not in KEEP_KEYS:
        return MARKER
    return value


def scrub_row(
    row: Any, *, account_id: int, now: dt.datetime, classes: Collection[str] = BUYER_CLASSES
) -> bool:
    """Remove the buyer's data of the given classes from one ORM row; True when anything changed.

    Only columns whose subject is the buyer are touched (the seller's own bank account or address on
    the same row stays)."""
    changed = False
    for column in inspect(row).mapper.columns:
        data_class = column.info.get("personal")
        if data_class not in classes or column.info.get("subject", "buyer") != "buyer":
            continue
        old = getattr(row, column.key)
        new = _scrubbed(column, data_class, old, account_id, now)
        if new != old:
            setattr(row, column.key, new)
            changed = True
    return changed


def _scrubbed(column, data_class: str, value: Any, account_id: int, now: dt.datetime) -> Any:
    if value is None or value == "" or value == b"":
        return value
    if isinstance(column.type, LargeBinary):
        return b""
    if isinstance(column.type, JSON):
        return scrub_json(value)
    if data_class == "bank":
        return ""
    if is_pseudonym(value) or is_marker(value):
        return value
    if column.key in ID_COLUMNS:
        return pseudonym(account_id, value)
    if column.key in LOGIN_COLUMNS:
        return login_pseudonym(account_id, value)
    marker = text_marker(now) if data_class == "free_text" else MARKER
    length = getattr(column.type, "length", None)
    return marker[:length] if length else marker
