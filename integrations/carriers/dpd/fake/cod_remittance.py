"""The fake DPD's COD specification (the format `integrations.carriers.dpd.cod_remittance` reads), made
from given lines or from the fake's own delivered COD packages."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal

from integrations.carriers.addresses import WARSAW
from integrations.carriers.dpd.cod_remittance import COLUMNS, TOTAL
from integrations.carriers.dpd.fake.state import DpdFakeState

Line = tuple[str, Decimal, dt.date]  # waybill, amount, day of collection
DELIVERED = "190101"


def _comma(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def specification_file(
    lines: Iterable[Line], *, number: str, transfer_date: dt.date, encoding: str = "cp1250"
) -> bytes:
    """The specification DPD sends with a COD transfer (Windows-1250 by default, as DPD's files are)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    total = Decimal("0.00")
    for waybill, amount, collected in lines:
        writer.writerow([waybill, _comma(amount), collected.strftime("%d.%m.%Y"), number,
                         transfer_date.strftime("%d.%m.%Y")])
        total += amount
    writer.writerow([TOTAL, _comma(total), "", "", ""])
    return out.getvalue().encode(encoding)


def delivered_cod(state: DpdFakeState) -> list[Line]:
    """Every delivered package of the fake that carried COD (under its first waybill)."""
    with state.lock:
        found = []
        for package in state.packages.values():
            if not package.body.get("cod") or not package.waybills:
                continue
            delivered = [e for e in state.events.get(package.waybills[0], []) if e.code == DELIVERED]
            if delivered:
                day = delivered[-1].at.astimezone(WARSAW).date()
                found.append((package.waybills[0], Decimal(str(package.body["cod"])), day))
        return found
