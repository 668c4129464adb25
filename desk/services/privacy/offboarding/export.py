"""Return data: everything the desk holds for one seller account, as a ZIP the owner downloads before
leaving (GDPR art. 28(3)(g)).

Every table holding the account's rows (ownership.py) becomes `<table>.json` (an array of objects) and
`<table>.csv` (UTF-8 with BOM, `;`-separated, so Polish Excel opens it); files kept in the database are
written under `files/` and the row names their path. `settings.json` holds the account's own settings,
`manifest.json` the tables with their row counts and what was left out. Secrets are never exported: a
column declared `info={"secret": ...}` is dropped and a table holding one (the Allegro tokens) is skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from sqlalchemy import Column, LargeBinary, Table, select

from desk.extensions import db
from desk.models import SellerAccount
from desk.services.errors import N_, NotFoundError
from desk.services.privacy.offboarding.ownership import AccountTables

FORMAT_VERSION = 1
ROWS_PER_READ = 1000
SPOOL_BYTES = 8 * 1024 * 1024  # a table's JSON beyond this waits on disk, not in memory
README = """Dane konta sprzedawcy {name} (id {id}) wyeksportowane {at} (UTC).

Każda tabela jest w dwóch postaciach: <tabela>.json (lista obiektów) i <tabela>.csv (UTF-8 z BOM,
separator ";", otwiera się w Excelu). Pliki przechowywane w bazie są w katalogu files/, a wiersz podaje
ich ścieżkę. settings.json zawiera ustawienia konta, manifest.json listę tabel z liczbą wierszy.
Tokeny Allegro i inne sekrety nie są eksportowane. Czasy są w UTC (ISO 8601), kwoty jako tekst.
"""


@dataclass
class ExportManifest:
    """What an export holds: rows per table (ids only, no personal data), files, what was left out."""

    account_id: int
    exported_at: dt.datetime
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    skipped_tables: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "account_id": self.account_id,
            "exported_at": self.exported_at.isoformat(),
            "tables": self.tables,
            "files": self.files,
            "skipped_tables": self.skipped_tables,
            "csv": {"encoding": "utf-8-sig", "delimiter": ";"},
        }


def export_account(account_id: int, out: IO[bytes], *, now: dt.datetime) -> ExportManifest:
    """Write the account's ZIP to `out` (a file or a spooled temporary file) and return its manifest."""
    account = db.session.get(SellerAccount, account_id)
    if account is None:
        raise NotFoundError(N_("Account not found."))
    manifest = ExportManifest(account_id=account_id, exported_at=now)
    tables = AccountTables(db.metadata)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_table(archive, manifest, tables.account_table, select(tables.account_table).where(
            tables.account_table.c.id == account_id
        ))
        for owned in tables.parents_first():
            if _secret_columns(owned.table):
                manifest.skipped_tables.append(owned.name)
                continue
            _write_table(archive, manifest, owned.table, tables.select_rows(owned.name, account_id))
        archive.writestr("settings.json", _dumps(_settings(account)))
        readme = README.format(name=account.name, id=account.id, at=f"{now:%Y-%m-%d %H:%M}")
        archive.writestr("README.txt", readme)
        archive.writestr("manifest.json", _dumps(manifest.as_json()))
    return manifest


def _secret_columns(table: Table) -> list[Column]:
    return [column for column in table.columns if column.info.get("secret")]


def _write_table(archive: zipfile.ZipFile, manifest: ExportManifest, table: Table, query) -> None:
    names = [column.key for column in table.columns]
    count = 0
    # the JSON goes through a spooled file: the table's files are written to the archive meanwhile, and a
    # ZIP takes one entry at a time
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        spool.write(b"[")
        for row in _rows(archive, manifest, table, query):
            spool.write((b",\n" if count else b"\n") + _dumps(row).encode())
            count += 1
        spool.write(b"\n]\n")
        spool.seek(0)
        with archive.open(f"{table.name}.json", "w") as raw:
            shutil.copyfileobj(spool, raw)
    with archive.open(f"{table.name}.csv", "w") as raw, io.TextIOWrapper(
        raw, "utf-8-sig", newline=""
    ) as text:
        writer = csv.writer(text, delimiter=";")
        writer.writerow(names)
        # files were written with the JSON pass: the CSV names their paths only
        for row in _rows(None, manifest, table, query):
            writer.writerow([_cell(row[name]) for name in names])
    manifest.tables[table.name] = count


def _rows(
    archive: zipfile.ZipFile | None, manifest: ExportManifest, table: Table, query
) -> Iterator[dict[str, Any]]:
    binary = [column.key for column in table.columns if isinstance(column.type, LargeBinary)]
    keys = [column.key for column in table.primary_key.columns]
    result = db.session.execute(query.execution_options(yield_per=ROWS_PER_READ)).mappings()
    for mapping in result:
        row = {key: _plain(value) for key, value in mapping.items() if not isinstance(value, bytes)}
        for key in binary:
            row[key] = _file(archive, manifest, table, keys, mapping, key)
        yield row


def _file(archive, manifest, table: Table, keys: list[str], mapping, column: str) -> str | None:
    data = mapping[column]
    if data is None:
        return None
    ident = "-".join(str(mapping[key]) for key in keys)
    name = str(mapping.get("file_name") or column).replace("/", "_").replace("\\", "_")
    path = f"files/{table.name}/{ident}-{name}"
    if archive is not None:
        archive.writestr(path, data)
        manifest.files += 1
    return path


def _settings(account: SellerAccount) -> dict[str, Any]:
    columns = SellerAccount.__table__.columns
    return {
        "account": {column.key: _plain(getattr(account, column.key)) for column in columns},
        "note": "Per-account settings tables (billing_profile, package_preset, cod_account, price_list, "
        "rating_alert_setting and others) are exported as tables beside this file.",
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return ""
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, indent=None)
