"""Message Center of the demo shop: questions about offers and post-purchase problems, a backdated
history, then new threads and buyer messages on each tick.

`MessagingDemo` is driven by `DemoGenerator`. Common threads hold pre-sale questions (ASK_QUESTION),
Message Center chats and now and then an e-mail reply (MAIL, with a subject and no order);
problems ("Problemy z zakupem") are tied to real paid orders, carry one of the published subTypes,
some with a photo or a PDF, and older ones are closed.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

from integrations.allegro.fake.demo.issues import make_png

if TYPE_CHECKING:
    from integrations.allegro.fake.state.core import FakeAllegroState

QUESTIONS = (
    "Dzień dobry, czy ten produkt jest dostępny od ręki?",
    "Czy mogę prosić o wysyłkę jeszcze dziś? Potrzebuję na weekend.",
    "Jaki jest dokładny wymiar opakowania?",
    "Czy wystawiają Państwo fakturę VAT na firmę?",
    "Czy ten model pasuje do wersji z 2019 roku?",
    "Czy jest możliwość odbioru osobistego w Łodzi?",
    "Jaki jest okres gwarancji i czy gwarancja jest producenta?",
    "Czy kolor na zdjęciach odpowiada rzeczywistości?",
)
MAIL_SUBJECTS = ("Re: Zamówienie", "Re: Pytanie o fakturę", "Re: Termin wysyłki")
MAIL_TEXTS = (
    "Dzień dobry, odpowiadam na Państwa wiadomość: proszę o fakturę na dane z zamówienia.",
    "Dziękuję za informację, czekam w takim razie na przesyłkę.",
)
# what a buyer writes first in a problem of each subType (Allegro publishes no label or definition)
PROBLEM_TEXTS = {
    "PRODUCT_INCONSISTENT_WITH_THE_OFFER": "Otrzymałem inny model niż na zdjęciach w ofercie.",
    "PRODUCT_ARRIVED_DAMAGED": "Paczka dotarła zgnieciona, produkt jest pęknięty.",
    "DEFECT_DETECTED_DURING_USE": "Po tygodniu używania urządzenie przestało się włączać.",
    "NO_PRODUCT_IN_THE_SHIPMENT": "W paczce nie było zamówionego produktu, tylko wypełniacz.",
    "MISSING_PRODUCT_ELEMENTS": "Brakuje zasilacza, który według opisu jest w zestawie.",
    "OTHER": "Mam problem z zamówieniem, proszę o kontakt.",
    "NO_REFUND": "Zwróciłam towar dwa tygodnie temu i nadal nie dostałam zwrotu pieniędzy.",
    "SELLER_DOES_NOT_WANT_TO_ACCEPT_RETURN": "Chcę odstąpić od umowy, a nie mogę uzyskać zgody na zwrot.",
    "PROBLEM_WITH_SENDING_PRODUCT_BACK": "Nie wiem, na jaki adres odesłać produkt, kod zwrotu nie działa.",
    "NO_DOCUMENTATIONS": "Nie otrzymałem paragonu ani karty gwarancyjnej.",
}
PHOTO_SUB_TYPES = frozenset({"PRODUCT_ARRIVED_DAMAGED", "PRODUCT_INCONSISTENT_WITH_THE_OFFER"})
SELLER_ANSWERS = (
    "Dzień dobry, dziękujemy za wiadomość. Sprawdzamy i odpiszemy jeszcze dziś.",
    "Dzień dobry, tak, produkt jest dostępny i wyślemy go w ciągu 24 godzin.",
    "Dzień dobry, bardzo przepraszamy. Prosimy o zdjęcie, a wyślemy brakujący element.",
    "Dzień dobry, zwrot został zlecony, środki pojawią się na koncie w ciągu 3 dni roboczych.",
)
FOLLOW_UPS = (
    "Dziękuję, czekam na odpowiedź.",
    "Czy jest już jakaś informacja?",
    "Przesyłam zdjęcie, o które Państwo prosili.",
    "Dziękuję za szybką pomoc!",
)
ADVISOR_TEXT = "Dzień dobry, jestem doradcą Allegro. Prosimy sprzedającego o odpowiedź w ciągu 3 dni."
PROBLEMS_PER_ORDERS = 30
QUESTION_THREADS = 15


def make_pdf(title: str = "Faktura") -> bytes:
    """A tiny valid one-page PDF (standing in for a buyer's receipt or a seller's invoice)."""
    stream = f"BT /F1 18 Tf 40 100 Td ({title}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class MessagingDemo:
    """Threads of the demo shop: a backdated history, then new questions, problems and replies."""

    def __init__(self, state: FakeAllegroState, *, seed: int = 0) -> None:
        self.state = state
        self.rng = random.Random(seed)

    # -- history -----------------------------------------------------------------------------------

    def populate(self, seller_id: str) -> int:
        """Questions from the last 30 days and about one problem per 30 paid orders; returns how many."""
        now, rng = self.state.now(), self.rng
        for _ in range(QUESTION_THREADS):
            self._question(seller_id, now - dt.timedelta(hours=rng.uniform(1, 30 * 24)), now)
        forms = [f for f in self._paid_forms(seller_id) if _bought(f) < now - dt.timedelta(days=1)]
        chosen = rng.sample(forms, k=min(len(forms), round(len(forms) / PROBLEMS_PER_ORDERS)))
        for form in chosen:
            opened = min(now, _bought(form) + dt.timedelta(hours=rng.uniform(24, 240)))
            self._problem(seller_id, form, opened, now)
        return QUESTION_THREADS + len(chosen)

    def _question(self, seller_id: str, at: dt.datetime, now: dt.datetime) -> str:
        rng, state = self.rng, self.state
        thread_id = state.add_thread(seller_id, created_at=at)
        if rng.random() < 0.2:  # a buyer answering the seller's e-mail: a subject, no order or offer
            state.add_thread_buyer_message(
                thread_id,
                rng.choice(MAIL_TEXTS),
                type="MAIL",
                subject=rng.choice(MAIL_SUBJECTS),
                offer_id=None,
                order_id=None,
                has_additional_attachments=rng.random() < 0.5,
                created_at=at,
            )
        else:
            state.add_thread_buyer_message(
                thread_id,
                rng.choice(QUESTIONS),
                type="ASK_QUESTION",
                offer_id=self._offer_id(seller_id),
                order_id=None,
                created_at=at,
            )
        if rng.random() < 0.6 and at < now - dt.timedelta(hours=1):
            state.add_thread_seller_message(
                thread_id, rng.choice(SELLER_ANSWERS), created_at=_later(rng, at, now)
            )
            state.threads[thread_id].read = True
        return thread_id

    def _problem(self, seller_id: str, form: dict[str, Any], opened: dt.datetime, now: dt.datetime) -> str:
        rng, state = self.rng, self.state
        sub_type = rng.choice(tuple(PROBLEM_TEXTS))
        thread_id = state.add_thread(
            seller_id, type="POST_PURCHASE_ISSUE", sub_type=sub_type, order_id=form["id"], created_at=opened
        )
        files = self._files(sub_type)
        state.add_thread_buyer_message(
            thread_id, PROBLEM_TEXTS[sub_type], created_at=opened, attachments=files
        )
        at = opened
        for _ in range(rng.choice((0, 1, 1, 2))):
            at = _later(rng, at, now)
            state.add_thread_seller_message(thread_id, rng.choice(SELLER_ANSWERS), created_at=at)
            if rng.random() < 0.5:
                at = _later(rng, at, now)
                state.add_thread_buyer_message(thread_id, rng.choice(FOLLOW_UPS), created_at=at)
        if rng.random() < 0.15:
            state.add_thread_allegro_message(thread_id, ADVISOR_TEXT, created_at=_later(rng, at, now))
        if rng.random() < 0.3 and now - opened > dt.timedelta(days=3):
            state.close_thread(thread_id)
        return thread_id

    def _files(self, sub_type: str) -> list[str]:
        rng, state = self.rng, self.state
        if sub_type in PHOTO_SUB_TYPES and rng.random() < 0.6:
            name = f"zdjecie_{rng.randint(1000, 9999)}.png"
            return [state.attach_message_file(name, make_png(rng), "image/png")]
        if sub_type in ("NO_REFUND", "NO_DOCUMENTATIONS") and rng.random() < 0.5:
            return [
                state.attach_message_file("potwierdzenie_zwrotu.pdf", make_pdf("Zwrot"), "application/pdf")
            ]
        return []

    # -- the living part ---------------------------------------------------------------------------

    def tick(self, seller_id: str) -> dict[str, int]:
        """Maybe a new question or problem, or a buyer writing again in an open thread."""
        with self.state.lock:
            return {
                "questions_asked": self._new_question(seller_id),
                "problems_opened": self._new_problem(seller_id),
                "thread_replies": self._follow_up(seller_id),
            }

    def _new_question(self, seller_id: str) -> int:
        if self.rng.random() >= 0.1:
            return 0
        now = self.state.now()
        self._question(seller_id, now, now)
        return 1

    def _new_problem(self, seller_id: str) -> int:
        if self.rng.random() >= 0.04:
            return 0
        taken = {o["id"] for t in self.state.threads.values() for o in t.orders}
        forms = [f for f in self._paid_forms(seller_id) if f["id"] not in taken]
        if not forms:
            return 0
        now = self.state.now()
        self._problem(seller_id, self.rng.choice(forms[-50:]), now, now)
        return 1

    def _follow_up(self, seller_id: str) -> int:
        state = self.state
        waiting = [
            t
            for t in state.threads.values()
            if t.seller_id == seller_id
            and t.status == "OPEN"
            and state.thread_messages[t.id]
            and state.messages[state.thread_messages[t.id][-1]].role == "SELLER"
        ]
        if not waiting or self.rng.random() >= 0.2:
            return 0
        state.add_thread_buyer_message(self.rng.choice(waiting).id, self.rng.choice(FOLLOW_UPS))
        return 1

    def _paid_forms(self, seller_id: str) -> list[dict[str, Any]]:
        state = self.state
        return [
            form
            for form_id, form in state.checkout_forms.items()
            if form["status"] == "READY_FOR_PROCESSING" and state.seller_of_form(form_id) == seller_id
        ]

    def _offer_id(self, seller_id: str) -> str:
        forms = self._paid_forms(seller_id)
        if not forms:
            return str(self.rng.randint(10_000_000_000, 19_999_999_999))
        return self.rng.choice(forms)["lineItems"][0]["offer"]["id"]


def _bought(form: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(form["lineItems"][0]["boughtAt"].replace("Z", "+00:00"))


def _later(rng: random.Random, after: dt.datetime, now: dt.datetime) -> dt.datetime:
    """A moment a few hours after `after`, never in the future."""
    return min(now, after + dt.timedelta(minutes=rng.randint(20, 36 * 60)))
