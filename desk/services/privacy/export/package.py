"""The export's ZIP: buyer.json, one CSV per entity (UTF-8 with BOM, ';', Warsaw time, decimal comma so
Polish Excel opens them as numbers), the stored files under attachments/, and README.txt in Polish."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
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


def _tables(doc: dict) -> dict[str, tuple[list[str], list[list]]]:
    """CSV name -> (header, rows), from the document (so the CSVs never say more than the JSON)."""
    orders = doc["orders"]
    return {
        "zamowienia.csv": (
            [
                "id",
                "konto",
                "numer_allegro",
                "status",
                "data_zakupu",
                "login",
                "email",
                "imie",
                "nazwisko",
                "firma",
                "telefon",
                "adres_dostawy",
                "wiadomosc_do_sprzedajacego",
                "kwota",
                "waluta",
            ],
            [
                [
                    o["id"],
                    o["account_id"],
                    o["allegro_id"],
                    o["status"],
                    warsaw(o["bought_at"]),
                    o["buyer"]["login"],
                    o["buyer"]["email"],
                    o["buyer"]["first_name"],
                    o["buyer"]["last_name"],
                    o["buyer"]["company"],
                    o["buyer"]["phone"],
                    _address(o["delivery_address"]),
                    o["message_to_seller"],
                    amount(o["total"]),
                    currency(o["total"]),
                ]
                for o in orders
            ],
        ),
        "pozycje_zamowien.csv": (
            ["zamowienie", "id", "oferta", "nazwa", "ilosc", "cena", "razem", "waluta"],
            [
                [
                    o["id"],
                    line["id"],
                    line["offer_id"],
                    line["offer_name"],
                    line["quantity"],
                    amount(line["price"]),
                    amount(line["total"]),
                    currency(line["total"]),
                ]
                for o in orders
                for line in o["lines"]
            ],
        ),
        "przesylki.csv": (
            ["id", "zamowienie", "przewoznik", "usluga", "status", "numery_nadania", "odbiorca", "utworzona"],
            [
                [
                    s["id"],
                    s["order_id"],
                    s["carrier"],
                    s["service"],
                    s["status"],
                    " ".join(s["waybills"]),
                    _address(s["receiver"]),
                    warsaw(s["created_at"]),
                ]
                for s in doc["shipments"]
            ],
        ),
        "rozmowy.csv": (
            ["id", "konto", "zamowienie", "zrodlo", "typ", "status", "temat", "otwarta"],
            [
                [
                    c["id"],
                    c["account_id"],
                    c["order_id"],
                    c["source"],
                    c["type"],
                    c["status"],
                    c["subject"],
                    warsaw(c["opened_at"]),
                ]
                for c in doc["conversations"]
            ],
        ),
        "wiadomosci.csv": (
            ["rozmowa", "id", "autor", "login_autora", "tresc", "data"],
            [
                [c["id"], m["id"], m["author_role"], m["author_login"], m["text"], warsaw(m["created_at"])]
                for c in doc["conversations"]
                for m in c["messages"]
            ],
        ),
        "oceny.csv": (
            ["id", "konto", "zamowienie", "poleca", "komentarz", "data", "odpowiedz", "data_odpowiedzi"],
            [
                [
                    r["id"],
                    r["account_id"],
                    r["order_id"],
                    "tak" if r["recommended"] else "nie",
                    r["comment"],
                    warsaw(r["rated_at"]),
                    r["answer"],
                    warsaw(r["answered_at"]),
                ]
                for r in doc["ratings"]
            ],
        ),
        "reklamacje.csv": (
            ["id", "konto", "zamowienie", "typ", "stan", "temat", "opis", "utworzona"],
            [
                [
                    c["id"],
                    c["account_id"],
                    c["order_id"],
                    c["type"],
                    c["state"],
                    c["subject"],
                    c["description"],
                    warsaw(c["created_at"]),
                ]
                for c in doc["complaints"]
            ],
        ),
        "pobrania.csv": (
            ["id", "przesylka", "kwota", "waluta", "stan", "doreczona", "wyplacona"],
            [
                [
                    c["id"],
                    c["shipment_id"],
                    amount(c["amount"]),
                    currency(c["amount"]),
                    c["state"],
                    warsaw(c["delivered_at"]),
                    warsaw(c["paid_at"]),
                ]
                for c in doc["cod"]
            ],
        ),
        "zalaczniki.csv": (
            ["tabela", "id", "nazwa_pliku", "typ", "rozmiar", "sciezka"],
            [
                [a["table"], a["id"], a["file_name"], a["content_type"], a["size"], a["path"]]
                for a in doc["attachments"]
            ],
        ),
    }


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
