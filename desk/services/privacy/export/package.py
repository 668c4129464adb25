"""The export's ZIP: buyer.json, one CSV per entity (UTF-8 with BOM, ';', Warsaw time, decimal comma so
Polish Excel opens them as numbers), the stored files under attachments/, and README.txt in Polish."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from zoneinfo import ZoneInfo

from desk.services.privacy.export.collect import Collected

WARSAW = ZoneInfo("Europe/Warsaw")
BOM = "\ufeff"


def warsaw(value: str | None) -> str:
    """An ISO UTC time of the document as Polish local time ("2026-12-01 10:00"); dates stay as they are."""
    if not value:
        return ""
    if "T" not in value:
        return value
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(WARSAW).strftime("%Y-%m-%d %H:%M")


def amount(money: dict | None) -> str:
    return "" if not money else money["amount"].replace(".", ",")


def currency(money: dict | None) -> str:
    return "" if not money else money["currency"]


# A CSV column: its header, and the key of the row or a function of the row.
Column = tuple[str, "str | Callable[[dict], object]"]


def at(key: str) -> Callable[[dict], str]:
    return lambda row: warsaw(row[key])


def amount_of(key: str) -> Callable[[dict], str]:
    return lambda row: amount(row[key])


def currency_of(key: str) -> Callable[[dict], str]:
    return lambda row: currency(row[key])


def buyer(key: str) -> Callable[[dict], object]:
    return lambda row: row["buyer"][key]


def _lines(doc: dict) -> list[dict]:
    return [{"order_id": o["id"], **line} for o in doc["orders"] for line in o["lines"]]


def _messages(doc: dict) -> list[dict]:
    return [{"conversation_id": c["id"], **m} for c in doc["conversations"] for m in c["messages"]]


# CSV name -> (the document's rows, the columns); the CSVs never say more than the JSON.
SHEETS: dict[str, tuple[Callable[[dict], list[dict]], list[Column]]] = {
    "zamowienia.csv": (lambda doc: doc["orders"], [
        ("id", "id"), ("konto", "account_id"), ("numer_allegro", "allegro_id"), ("status", "status"),
        ("data_zakupu", at("bought_at")), ("login", buyer("login")), ("email", buyer("email")),
        ("imie", buyer("first_name")), ("nazwisko", buyer("last_name")), ("firma", buyer("company")),
        ("telefon", buyer("phone")), ("adres_dostawy", lambda o: _address(o["delivery_address"])),
        ("wiadomosc_do_sprzedajacego", "message_to_seller"), ("kwota", amount_of("total")),
        ("waluta", currency_of("total")),
    ]),
    "pozycje_zamowien.csv": (_lines, [
        ("zamowienie", "order_id"), ("id", "id"), ("oferta", "offer_id"), ("nazwa", "offer_name"),
        ("ilosc", "quantity"), ("cena", amount_of("price")), ("razem", amount_of("total")),
        ("waluta", currency_of("total")),
    ]),
    "przesylki.csv": (lambda doc: doc["shipments"], [
        ("id", "id"), ("zamowienie", "order_id"), ("przewoznik", "carrier"), ("usluga", "service"),
        ("status", "status"), ("numery_nadania", lambda s: " ".join(s["waybills"])),
        ("odbiorca", lambda s: _address(s["receiver"])), ("utworzona", at("created_at")),
    ]),
    "rozmowy.csv": (lambda doc: doc["conversations"], [
        ("id", "id"), ("konto", "account_id"), ("zamowienie", "order_id"), ("zrodlo", "source"),
        ("typ", "type"), ("status", "status"), ("temat", "subject"), ("otwarta", at("opened_at")),
    ]),
    "wiadomosci.csv": (_messages, [
        ("rozmowa", "conversation_id"), ("id", "id"), ("autor", "author_role"),
        ("login_autora", "author_login"), ("tresc", "text"), ("data", at("created_at")),
    ]),
    "oceny.csv": (lambda doc: doc["ratings"], [
        ("id", "id"), ("konto", "account_id"), ("zamowienie", "order_id"),
        ("poleca", lambda r: "tak" if r["recommended"] else "nie"), ("komentarz", "comment"),
        ("data", at("rated_at")), ("odpowiedz", "answer"), ("data_odpowiedzi", at("answered_at")),
    ]),
    "reklamacje.csv": (lambda doc: doc["complaints"], [
        ("id", "id"), ("konto", "account_id"), ("zamowienie", "order_id"), ("typ", "type"), ("stan", "state"),
        ("temat", "subject"), ("opis", "description"), ("utworzona", at("created_at")),
    ]),
    "pobrania.csv": (lambda doc: doc["cod"], [
        ("id", "id"), ("przesylka", "shipment_id"), ("kwota", amount_of("amount")),
        ("waluta", currency_of("amount")), ("stan", "state"), ("doreczona", at("delivered_at")),
        ("wyplacona", at("paid_at")),
    ]),
    "zalaczniki.csv": (lambda doc: doc["attachments"], [
        ("tabela", "table"), ("id", "id"), ("nazwa_pliku", "file_name"), ("typ", "content_type"),
        ("rozmiar", "size"), ("sciezka", "path"),
    ]),
}


def _tables(doc: dict) -> dict[str, tuple[list[str], list[list]]]:
    """CSV name -> (header, rows), from the document."""
    tables = {}
    for name, (rows_of, columns) in SHEETS.items():
        header = [title for title, _value in columns]
        rows = [[_cell(row, value) for _title, value in columns] for row in rows_of(doc)]
        tables[name] = (header, rows)
    return tables


def _cell(row: dict, value: str | Callable[[dict], object]) -> object:
    return row[value] if isinstance(value, str) else value(row)


def _address(address: dict | None) -> str:
    if not address:
        return ""
    parts = [
        address.get(k)
        for k in (
            "name",
            "firstName",
            "lastName",
            "companyName",
            "street",
            "building",
            "postCode",
            "postcode",
            "city",
            "countryCode",
            "phone",
            "phoneNumber",
            "email",
        )
    ]
    return ", ".join(str(part) for part in parts if part)


def csv_text(header: list[str], rows: list[list]) -> str:
    """One CSV file: BOM, ';' separators, every row quoted as needed, CRLF line ends (Excel's)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if value is None else value for value in row] for row in rows])
    return BOM + buffer.getvalue()


README = """Eksport danych kupującego
==========================

Ten plik ZIP zawiera wszystkie dane osobowe kupującego (identyfikator Allegro: {buyer}), które sprzedawca
przechowuje w swoim systemie obsługi sprzedaży, stan na {generated} (czas polski).

Zawartość
- buyer.json: jeden dokument z całością danych, zgodny ze schematem {schema} (wersja {version});
  kwoty jako tekst z walutą, czas w UTC (ISO 8601).
- pliki CSV (UTF-8, separator średnik, czas polski, kwoty z przecinkiem) dla każdego rodzaju danych:
  zamówienia, pozycje zamówień, przesyłki, rozmowy, wiadomości, oceny, reklamacje, pobrania, załączniki.
- attachments/: pliki przechowywane w systemie (załączniki wiadomości, dokumenty reklamacji, etykiety).

Skąd pochodzą dane
Dane pochodzą z Allegro (zamówienia, dyskusje, wiadomości, oceny), od przewoźników (statusy przesyłek)
oraz z notatek sprzedawcy dotyczących realizacji zamówień.

Cele przetwarzania
Realizacja i dostawa zamówień, obsługa reklamacji, zwrotów i wiadomości, rozliczenia (w tym płatności
przy odbiorze) oraz obowiązki podatkowe i rachunkowe.

Okres przechowywania
Dane są przechowywane tak długo, jak wymaga tego obsługa zamówienia, a następnie przez okres
przedawnienia roszczeń i okres wymagany przepisami podatkowymi; potem są pseudonimizowane.
Dane objęte blokadą prawną (np. otwarta reklamacja, postępowanie) są przechowywane do jej zakończenia.

Odbiorcy danych
Przewoźnicy i operatorzy pocztowi (dane adresowe i kontaktowe do doręczenia), Allegro, dostawca
systemu obsługi sprzedaży jako podmiot przetwarzający, biuro rachunkowe w zakresie dokumentów.

Administrator danych
Sprzedawca prowadzący konta: {accounts}. W sprawach danych osobowych prosimy o kontakt przez
Centrum wiadomości Allegro lub pod adresem podanym w regulaminie sklepu.
Usunięcie danych w systemie sprzedawcy nie usuwa danych konta w Allegro; w tej sprawie należy
zwrócić się do Allegro.
"""


def build_zip(collected: Collected) -> bytes:
    """The ZIP of one export, as bytes."""
    doc = collected.document
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("buyer.json", json.dumps(doc, ensure_ascii=False, indent=2))
        for name, (header, rows) in _tables(doc).items():
            archive.writestr(name, csv_text(header, rows).encode("utf-8"))
        for attachment in collected.attachments:
            archive.writestr(attachment.path, attachment.data)
        archive.writestr(
            "README.txt",
            README.format(
                buyer=doc["buyer"]["allegro_id"],
                generated=warsaw(doc["generated_at"]),
                schema=doc["$schema"],
                version=doc["schema_version"],
                accounts=", ".join(a["name"] for a in doc["accounts"]) or "-",
            ),
        )
    return buffer.getvalue()
