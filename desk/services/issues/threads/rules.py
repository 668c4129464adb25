"""Allegro's communication rules for messages a seller starts (in force since 2 March 2026).

Allegro itself tells buyers about invoices, payments received, orders sent, parcel status and
asks them for ratings; a seller-initiated message that only repeats one of these is not allowed
and may be blocked (developer.allegro.pl news of 2 March 2026; allegro-api#12176, #12437).
Answering a buyer inside the buyer's own conversation stays allowed, so the check applies only to
new threads the desk starts: one message gets a warning the agent may override, a bulk message
of such a kind is refused.

The check reads the text for the phrases such messages use (Polish and English, any inflection
and with or without diacritics). It is a guard for honest mistakes, not a filter of intent.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from desk.services.errors import N_


@dataclass(frozen=True)
class RuleFinding:
    """Why a text looks like a notification Allegro already sends; `label` is a message id."""

    code: str
    label: str


# (code, label, stems): a stem matches the start of a word of the folded (lowercase, ASCII) text.
_RULES = (
    ("invoice", N_("an invoice or receipt (Allegro gives the buyer the invoice in the purchase details)"),
     ("faktur", "paragon", "invoice", "receipt")),
    ("payment", N_("confirmation that the payment arrived (Allegro confirms payments itself)"),
     ("wplat", "wplyn", "zaksiegowan", "platnosc zostala", "otrzymalismy platnosc", "payment received",
      "payment has been")),
    ("shipped", N_("news that the order was sent or is being prepared (Allegro notifies the buyer)"),
     ("wyslan", "wyslal", "nadan", "nadal", "w realizacji", "spakowan", "shipped", "dispatched",
      "has been sent")),
    ("tracking", N_("a tracking number or parcel status (Allegro shows tracking to the buyer)"),
     ("numer przesylki", "numer paczki", "numer nadania", "sledzen", "sledz", "list przewozowy",
      "tracking", "kurier dostarczy", "paczkomat")),
    ("rating", N_("a request for a rating or review (Allegro asks buyers itself)"),
     ("ocen", "wystaw", "komentarz", "opini", "feedback", "review", "rate us", "polecenie")),
)
_COMPILED = tuple(
    (code, label, re.compile(r"\b(?:" + "|".join(re.escape(stem) for stem in stems) + ")"))
    for code, label, stems in _RULES
)


def fold(text: str) -> str:
    """Lowercase ASCII with Polish letters folded (ł -> l), whitespace collapsed."""
    text = text.lower().replace("ł", "l")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.split())


def check_text(text: str) -> tuple[RuleFinding, ...]:
    """The notification kinds the text repeats, in a fixed order; empty when none."""
    folded = fold(text or "")
    return tuple(RuleFinding(code, label) for code, label, pattern in _COMPILED if pattern.search(folded))
