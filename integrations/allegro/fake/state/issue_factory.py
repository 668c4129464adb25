"""Builds Allegro's JSON of post-purchase issues and chat entries from Polish complaint topics.

`FakeAllegroState.add_issue` opens issues from `TOPICS` (what buyers complain about and write)
with `new_issue` and `chat_entry`; the demo picks its topics here too.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from integrations.allegro.fake.state import data
from integrations.allegro.fake.state.form_factory import make_buyer, new_uuid, price
from integrations.allegro.fake.timeutil import iso


@dataclass(frozen=True, slots=True)
class IssueTopic:
    """A reason to complain: the claim reason code, the dispute subject, and what buyers write."""

    reason: str
    subject: str
    description: str
    texts: tuple[str, ...]
    expectation: str  # what a claim asks for: REPAIR, EXCHANGE, REFUND or PARTIAL_REFUND
    photo: bool  # buyers usually attach a photo for this kind of problem


TOPICS = (
    IssueTopic(
        "NO_PRODUCT_RECEIVED",
        "nie otrzymałem przedmiotu",
        "Paczka nie dotarła mimo upływu terminu dostawy",
        (
            "Dzień dobry, minął już tydzień od zakupu, a paczka wciąż do mnie nie dotarła. "
            "Śledzenie przesyłki od kilku dni pokazuje ten sam status. Co się dzieje z moim zamówieniem?",
            "Zamówienie miało być u mnie w czwartek, a nadal go nie ma. Proszę o informację, "
            "kiedy paczka została nadana i czy można to jakoś przyspieszyć.",
        ),
        "REFUND",
        False,
    ),
    IssueTopic(
        "PRODUCT_AND_PARCEL_DAMAGED_IN_TRANSIT",
        "przedmiot i paczka uszkodzone w transporcie",
        "Uszkodzona paczka i produkt",
        (
            "Paczka przyszła zgnieciona, a produkt w środku jest pęknięty. Załączam zdjęcie. "
            "Kurier nie chciał spisać protokołu szkody.",
            "Karton był rozdarty i mokry, urządzenie ma wgniecenie na obudowie. Proszę o wymianę na nowe.",
        ),
        "EXCHANGE",
        True,
    ),
    IssueTopic(
        "NOT_AS_DESCRIBED",
        "przedmiot niezgodny z opisem",
        "Zły rozmiar / wariant produktu",
        (
            "Zamówiłam rozmiar M, a w paczce był rozmiar L. Jak mogę wymienić towar na właściwy?",
            "Otrzymałem inny kolor niż wybrany w ofercie – zamawiałem czarny, przyszedł biały.",
        ),
        "EXCHANGE",
        True,
    ),
    IssueTopic(
        "MISSING_PRODUCT_ELEMENT",
        "brak elementu produktu",
        "W zestawie brakuje części",
        (
            "W zestawie zabrakło ładowarki, która według opisu miała być w komplecie. Proszę o dosłanie.",
            "Brakuje kabla zasilającego i instrukcji obsługi. Bez kabla nie mogę używać urządzenia.",
        ),
        "PARTIAL_REFUND",
        False,
    ),
    IssueTopic(
        "DEFECT_FOUND_DURING_USE",
        "wada ujawniona podczas użytkowania",
        "Produkt przestał działać",
        (
            "Po dwóch tygodniach używania produkt przestał się włączać. Składam reklamację z tytułu rękojmi.",
            "Urządzenie samo się wyłącza po kilku minutach pracy. Proszę o naprawę albo zwrot pieniędzy.",
        ),
        "REPAIR",
        True,
    ),
    IssueTopic(
        "NO_REFUND_AFTER_RETURNING_PRODUCT",
        "brak zwrotu pieniędzy po odesłaniu przedmiotu",
        "Zwrot pieniędzy po odstąpieniu od umowy",
        (
            "Odesłałem towar 10 dni temu w ramach zwrotu, paczka została odebrana, a pieniądze "
            "nadal nie wróciły na moje konto. Kiedy mogę się spodziewać zwrotu?",
            "Chciałabym zwrócić zakupiony produkt – na jaki adres mam go odesłać i czy zwracają "
            "Państwo koszt przesyłki?",
        ),
        "REFUND",
        False,
    ),
)
# the SYSTEM entry a chat gets when the issue reaches each status
STATUS_NOTES = {
    "DISPUTE_CLOSED": "Dyskusja została zakończona.",
    "DISPUTE_UNRESOLVED": "Dyskusja została przekazana do rozpatrzenia przez Allegro.",
    "DISPUTE_ONGOING": "Dyskusja została wznowiona.",
    "CLAIM_SUBMITTED": "Reklamacja została złożona.",
    "CLAIM_ACCEPTED": "Sprzedawca uznał reklamację.",
    "CLAIM_REJECTED": "Sprzedawca odrzucił reklamację.",
}


CLAIM_DECISION_TIME = dt.timedelta(days=14)  # Polish consumer law: silence after 14 days means acceptance


def pick_topic(rng: random.Random) -> IssueTopic:
    """A complaint reason, uniformly."""
    return rng.choice(TOPICS)


def chat_entry(
    rng: random.Random, text: str | None, author: dict[str, str], at: dt.datetime, files: list[dict[str, str]]
) -> dict[str, Any]:
    """A chat entry as GET .../chat returns it (no `text` key for an attachments-only message)."""
    entry: dict[str, Any] = {"id": new_uuid(rng)}
    if text is not None:
        entry["text"] = text
    entry.update(attachments=files, author=author, createdAt=iso(at))
    return entry


def made_up_parties(
    rng: random.Random, opened: dt.datetime
) -> tuple[dict[str, str], dict[str, str], dict[str, Any]]:
    """(buyer, checkoutForm, offer with its price) for an issue about an order the fake never saw."""
    buyer = make_buyer(rng)
    product = rng.choice(data.PRODUCTS)
    bought = opened - dt.timedelta(days=rng.randint(3, 20))
    return (
        {"id": buyer["id"], "login": buyer["login"]},
        {"id": new_uuid(rng), "createdAt": iso(bought)},
        {"id": product.offer_id, "quantity": 1, "price": price(product.price)},
    )


def new_issue(
    rng: random.Random,
    *,
    kind: str,
    topic: IssueTopic,
    opened: dt.datetime,
    parties: tuple[dict[str, str], dict[str, str], dict[str, Any]],
    claim_number: int,
) -> dict[str, Any]:
    """A freshly opened PostPurchaseIssue without its chat summary and attachments."""
    buyer, form_ref, offer = parties
    claim = kind == "CLAIM"
    due = iso(opened + CLAIM_DECISION_TIME) if claim else None
    issue: dict[str, Any] = {
        "id": new_uuid(rng),
        "type": kind,
        "referenceNumber": f"{claim_number}/{opened.year}" if claim else None,
        "decisionDueDate": due,
        "openedDate": iso(opened),
        "subject": None if claim else topic.subject,
        "buyer": buyer,
        "checkoutForm": form_ref,
        "currentState": {
            "status": "CLAIM_SUBMITTED" if claim else "DISPUTE_ONGOING",
            "statusDueDate": due,
            "returnRequired": None,
            "chatActive": True,
        },
        "expectations": [_expectation(topic, offer)] if claim else [],
        "description": None if claim else topic.description,
        "offer": {"id": offer["id"], "quantity": offer["quantity"]},
    }
    if claim:
        issue["reason"] = {"type": topic.reason, "description": topic.description}
        issue["right"] = "COMPLAINT" if rng.random() < 0.1 else "WARRANTY"
    return issue


def _expectation(topic: IssueTopic, offer: dict[str, Any]) -> dict[str, Any]:
    """What a claim asks for; refunds name the money (a partial one about a third of it)."""
    expectation: dict[str, Any] = {"name": topic.expectation}
    paid = Decimal(offer["price"]["amount"]) * offer["quantity"]
    if topic.expectation == "REFUND":
        expectation["refund"] = price(paid)
    elif topic.expectation == "PARTIAL_REFUND":
        expectation["refund"] = price((paid / 3).quantize(Decimal("0.01")))
    return expectation
