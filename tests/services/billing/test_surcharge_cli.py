"""flask desk billing import-surcharges <carrier> <file> [--dry-run]: the preview writes nothing, the apply
writes the file once, a bad file is refused in Polish naming its line."""

from __future__ import annotations

from sqlalchemy import func, select

from desk.extensions import db
from desk.models import Surcharge, SurchargeImport
from integrations.carriers.fakekit import FakeCharge
from tests.services.billing.surcharge_helpers import D, billing_file, make_account, ship


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Surcharge))


def invoke(runner, *args):
    return runner.invoke(args=["desk", "billing", "import-surcharges", *map(str, args)])


def test_dry_run_then_apply_then_again(app, runner, tmp_path):
    account = make_account("Sklep Dominiki")
    shipment = ship(app, account, carrier="inpost")
    path = tmp_path / "specyfikacja.csv"
    path.write_bytes(billing_file(app, "inpost", [
        FakeCharge(shipment.waybills[0], "oversized", D("20.53")),
        FakeCharge("520000000000000000000000", "readdressed", D("17.00")),
    ]))
    preview = invoke(runner, "inpost", path, "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert "Do dodania: 1, bez przesyłki: 1, pominięte: 0." in preview.output
    assert "Sklep Dominiki" in preview.output and "Tylko podgląd: nic nie zapisano." in preview.output
    assert f"Wiersz 2: {shipment.waybills[0]} oversized 25.25 zł" in preview.output
    assert count() == 0
    applied = invoke(runner, "inpost", path)
    assert applied.exit_code == 0 and "Dodano: 1, bez przesyłki: 1, pominięte: 0." in applied.output
    again = invoke(runner, "inpost", path)
    assert again.exit_code == 0 and "Ten plik był już zaimportowany: nic nie dodano." in again.output
    assert count() == 2 and db.session.scalar(select(func.count()).select_from(SurchargeImport)) == 1


def test_an_unknown_code_is_refused_naming_the_line_and_nothing_is_written(app, runner, tmp_path):
    path = tmp_path / "zapowiedz.zip"
    path.write_bytes(billing_file(app, "poczta", [FakeCharge("00659007734000000099", "OPLATA_X", D("1.00"))]))
    result = invoke(runner, "poczta", path)
    assert result.exit_code == 1
    assert "Wiersz 3: nieznany kod dopłaty OPLATA_X." in result.output
    assert "Plik odrzucony; nic nie zapisano." in result.output
    assert count() == 0


def test_the_messages_can_be_english(app, runner, tmp_path):
    path = tmp_path / "empty.xml"
    path.write_bytes(b"<surchargeSpecification/>")
    result = invoke(runner, "dpd", path, "--locale", "en", "--dry-run")
    assert result.exit_code == 1 and "is empty" in result.output and count() == 0


def test_an_unknown_carrier_is_refused_by_the_command(app, runner, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"x")
    result = invoke(runner, "ups", path)
    assert result.exit_code == 2 and "ups" in result.output
