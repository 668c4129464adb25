"""Top-ups read from a bank statement exported as CSV, in two steps: a dry run that says what each row
would become, then the import of the same file.

The format (what Polish banks' "eksport historii" gives, reduced to what the desk needs): UTF-8 (or
Windows-1250), semicolons, a header row naming the columns, one transfer per row::

    data;kwota;tytul;nadawca;rachunek;id_transakcji
    2026-12-01;150,00;SALDO 12 doładowanie;Sklep Ania Anna Nowak;PL61109010140000071219812874;TX-0001

`data` is 2026-12-01 or 01.12.2026, `kwota` in złoty with a comma or a dot (outgoing transfers are
negative and refused), `id_transakcji` the bank's id of the transaction. A row is matched to a seller
account by its title: "SALDO <account number>" (the title the billing page asks for), else a NIP in the
title that belongs to exactly one account's billing profile. Rows already imported (same transaction id)
are skipped, so a statement imported twice books each transfer once. Unmatched rows are listed and
nothing is written for them (an administrator books them by hand). Any row with an error blocks the
import until the file is corrected: money is never booked from a file only partly understood.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from desk.extensions import db
from desk.models.account import SellerAccount
from desk.models.billing import BillingProfile
from desk.models.payout import TopupSource
from desk.services.billing import inputs, topups
from desk.services.errors import N_, ValidationError

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
COLUMNS = ("data", "kwota", "tytul", "nadawca", "rachunek", "id_transakcji")
_ALIASES = {"tytuł": "tytul", "id transakcji": "id_transakcji", "id": "id_transakcji"}
_SALDO = re.compile(r"\bSALDO\s*[:#-]?\s*(\d{1,9})\b", re.IGNORECASE)
_NIP = re.compile(r"(?<!\d)(\d{3}-?\d{3}-?\d{2}-?\d{2}|\d{3}-\d{2}-\d{2}-\d{3})(?!\d)")


class StatementError(ValidationError):
    """The file as a whole cannot be read (encoding, header, size): nothing was looked at further."""


class Status:
    NEW = "new"  # will be booked
    IMPORTED = "imported"  # the same transaction was booked before: skipped
    UNMATCHED = "unmatched"  # no account found: listed, nothing written
    ERROR = "error"  # the row is wrong: blocks the import


@dataclass
class Row:
    """One line of the statement and what the import makes of it."""

    line: int
    values: dict[str, str]
    status: str = Status.NEW
    account_id: int | None = None
    account_name: str = ""
    amount: Decimal | None = None
    booked_on: dt.date | None = None
    errors: list[inputs.FieldError] = field(default_factory=list)


@dataclass
class Plan:
    rows: list[Row]

    def count(self, status: str) -> int:
        return sum(row.status == status for row in self.rows)

    @property
    def ok(self) -> bool:
        return self.count(Status.ERROR) == 0

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows if row.status == Status.NEW), Decimal("0.00"))


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise StatementError(N_("The file is too large (at most 2 MB)."))
    for encoding in ("utf-8-sig", "cp1250"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise StatementError(N_("The file is neither UTF-8 nor Windows-1250 text."))


def read(data: bytes) -> list[Row]:
    """The statement's rows with their raw values; StatementError when the file cannot be read."""
    text = _decode(data)
    if not text.strip():
        raise StatementError(N_("The file is empty."))
    reader = csv.reader(io.StringIO(text), delimiter=";")
    try:
        header = [_ALIASES.get(name.strip().lower(), name.strip().lower()) for name in next(reader)]
        missing = [name for name in COLUMNS if name not in header]
        if missing:
            raise StatementError(
                N_("The header must name the columns %(columns)s; missing: %(missing)s."),
                columns=";".join(COLUMNS), missing=", ".join(missing),
            )
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise StatementError(N_("Too many rows (at most %(max)s)."), max=MAX_ROWS)
            values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
            rows.append(Row(line=reader.line_num, values=values))
    except csv.Error as error:
        raise StatementError(N_("The file is not a readable CSV: %(reason)s"), reason=str(error)) from None
    if not rows:
        raise StatementError(N_("The file has no transfers."))
    return rows


def plan(data: bytes) -> Plan:
    """What importing the file would do, row by row. Writes nothing."""
    rows = read(data)
    seen: set[str] = set()
    nips = _nip_owners()
    for row in rows:
        _check(row, seen, nips)
    return Plan(rows)


def _check(row: Row, seen: set[str], nips: dict[str, list[int]]) -> None:
    values = row.values
    try:
        row.booked_on = inputs.day(values.get("data"), "data")
    except inputs.FieldError as error:
        row.errors.append(error)
    try:
        row.amount = _incoming(values.get("kwota", ""))
    except inputs.FieldError as error:
        row.errors.append(error)
    transaction = values.get("id_transakcji", "")
    if not transaction or len(transaction) > 120:
        row.errors.append(
            inputs.FieldError("id_transakcji", N_("The transaction id is missing or too long."))
        )
    elif transaction in seen:
        row.errors.append(inputs.FieldError("id_transakcji", N_("The same transaction id appears twice.")))
    seen.add(transaction)
    if row.errors:
        row.status = Status.ERROR
        return
    if topups.existing(TopupSource.BANK_CSV, transaction) is not None:
        row.status = Status.IMPORTED
        return
    row.account_id = _match(values.get("tytul", ""), nips)
    if row.account_id is None:
        row.status = Status.UNMATCHED
        return
    row.account_name = db.session.get(SellerAccount, row.account_id).name


def _incoming(text: str) -> Decimal:
    if text.strip().startswith("-"):
        raise inputs.FieldError("kwota", N_("Not an incoming transfer (a negative amount)."))
    return inputs.amount(text, "kwota")


def _nip_owners() -> dict[str, list[int]]:
    owners: dict[str, list[int]] = {}
    for account_id, number in db.session.execute(
        select(BillingProfile.account_id, BillingProfile.nip).where(BillingProfile.nip != "")
    ):
        owners.setdefault(number, []).append(account_id)
    return owners


def _match(title: str, nips: dict[str, list[int]]) -> int | None:
    """The account a transfer title names: "SALDO <id>" of an existing account, else one account's NIP."""
    found = _SALDO.search(title)
    if found and db.session.get(SellerAccount, int(found.group(1))) is not None:
        return int(found.group(1))
    for candidate in _NIP.findall(title):
        number = candidate.replace("-", "")
        if inputs.is_nip(number) and len(nips.get(number, ())) == 1:
            return nips[number][0]
    return None


def apply(data: bytes, *, actor_id: int | None) -> Plan:
    """Import the file: book every NEW row as a top-up, in one commit. Refused (ValidationError, nothing
    written) while any row has an error. Rows booked meanwhile by another import are skipped."""
    result = plan(data)
    if not result.ok:
        raise ValidationError(N_("The file has rows with errors; correct them and check the file again."))
    for row in result.rows:
        if row.status != Status.NEW:
            continue
        values = row.values
        topups.record_topup(
            topups.TopupIn(
                row.account_id, row.amount, TopupSource.BANK_CSV, values["id_transakcji"], row.booked_on,
                reference=values.get("tytul", ""), sender=values.get("nadawca", ""),
                sender_account=_compact(values.get("rachunek", "")), actor_id=actor_id,
            )
        )
    db.session.commit()
    return result


def _compact(account: str) -> str:
    return re.sub(r"\s+", "", account).upper()[:34]
