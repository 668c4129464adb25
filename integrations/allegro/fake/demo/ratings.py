"""Demo ratings: buyers rate delivered orders in Polish, the seller answers and asks for removals.

`DemoRatings.populate` backdates ratings for about 60% of the shop's sent or picked-up orders;
`tick` keeps the ratings page alive (a new rating now and then, removal requests being decided,
an unhappy buyer changing their mind).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

from integrations.allegro.fake.state.orders_index import FormQuery
from integrations.allegro.fake.state.ratings import REMOVAL_WINDOW
from integrations.allegro.fake.timeutil import iso, parse_iso

if TYPE_CHECKING:
    from integrations.allegro.fake.state.core import FakeAllegroState

RATED_SHARE = 0.6
POSITIVE_SHARE = 0.88
RATES_SHARE = 0.35  # older ratings still carry star sub-ratings
NOT_UNIQUE = "Ocena nie jest unikalna"

POSITIVE_COMMENTS = (
    "Wszystko super, polecam!",
    "Szybka wysyłka, towar zgodny z opisem.",
    "Paczka dotarła następnego dnia, dziękuję.",
    "Bardzo dobry kontakt ze sprzedawcą.",
    "Produkt świetnej jakości, na pewno jeszcze tu kupię.",
    "Dobrze zapakowane, wszystko działa.",
    "Polecam sprzedawcę, transakcja bez zarzutu.",
    "Zgodnie z opisem, szybko i sprawnie.",
)
LONG_POSITIVE_COMMENTS = (
    "Zamówiłem w niedzielę wieczorem, a już we wtorek rano paczka czekała w paczkomacie. Produkt"
    " dokładnie taki jak na zdjęciach, solidnie wykonany i porządnie zabezpieczony folią bąbelkową."
    " Sprzedawca odpisał na moje pytanie o kompatybilność w kilkanaście minut. Gorąco polecam!",
    "Kupuję tu już trzeci raz i za każdym razem jest tak samo dobrze: rzetelny opis, szybka"
    " wysyłka, faktura dołączona do paczki bez przypominania. Ładowarka działa bez zarzutu,"
    " nie grzeje się nawet przy szybkim ładowaniu. Dziękuję i do następnego razu.",
)
NEGATIVE_COMMENTS = (
    "Paczka szła 10 dni.",
    "Produkt niezgodny z opisem.",
    "Towar przyszedł uszkodzony, pudełko zgniecione.",
    "Brak odpowiedzi na wiadomości, nie polecam.",
    "Kabel przestał działać po tygodniu.",
    "Źle zabezpieczona przesyłka, szkło pęknięte.",
    "Zamówiłem czarny, przyszedł biały.",
)
LONG_NEGATIVE_COMMENT = (
    "Niestety jestem rozczarowany. Przesyłka miała być na drugi dzień, a szła ponad tydzień, do tego"
    " w paczce zabrakło kabla, który był na zdjęciach w ofercie. Napisałem dwie wiadomości przez"
    " Allegro i nikt nie odpowiedział przez trzy dni. Produkt sam w sobie działa, ale obsługa słaba."
)
JUSTIFICATIONS = (
    "Opóźniona dostawa",
    "Produkt niezgodny z opisem",
    "Produkt uszkodzony",
    "Brak odpowiedzi na wiadomość",
    "Źle zabezpieczona przesyłka",
)
POSITIVE_ANSWERS = (
    "Dziękujemy za zakupy i zapraszamy ponownie!",
    "Bardzo dziękujemy za miłe słowa, pozdrawiamy.",
)
NEGATIVE_ANSWERS = (
    "Przepraszamy za kłopot. Prosimy o kontakt przez Centrum Wiadomości, wymienimy produkt od ręki.",
    "Przesyłka utknęła u przewoźnika, złożyliśmy reklamację. Przepraszamy za opóźnienie.",
    "Sprawdziliśmy zamówienie: produkt był zgodny z opisem. Zapraszamy do kontaktu, pomożemy.",
)
REMOVAL_MESSAGES = (
    "Kupujący ocenił opóźnienie przewoźnika, na które nie mieliśmy wpływu (list przewozowy w zamówieniu).",
    "Ocena dotyczy innego produktu niż zakupiony w tej transakcji.",
    "Komentarz zawiera wulgaryzmy.",
)
CHANGED_MIND = "Sprzedawca szybko rozwiązał problem, wymienił produkt. Polecam."


class DemoRatings:
    """Ratings of the demo seller; driven by DemoGenerator.populate() and tick()."""

    def __init__(self, state: FakeAllegroState, *, seed: int = 0) -> None:
        self.state = state
        # separate from the orders' generator, so adding ratings never changes the generated orders
        self.rng = random.Random(f"ratings-{seed}")
        self._rated: set[str] = set()

    # -- history -----------------------------------------------------------------------------------

    def populate(self, seller_id: str) -> int:
        """Rate about 60% of the delivered orders, backdated, oldest first; returns how many."""
        now = self.state.now()
        planned = []
        for form in delivered_forms(self.state, seller_id):
            if self.rng.random() >= RATED_SHARE:
                continue
            rated_at = parse_iso(form["updatedAt"]) + dt.timedelta(hours=self.rng.uniform(20, 140))
            if rated_at < now - dt.timedelta(minutes=10):
                planned.append((rated_at, form["id"]))
        added = [self._backdated(seller_id, form_id, at, now) for at, form_id in sorted(planned)]
        self._exclude_some(added)
        return len(added)

    def _backdated(self, seller_id: str, form_id: str, at: dt.datetime, now: dt.datetime) -> dict[str, Any]:
        recommended = self.rng.random() < POSITIVE_SHARE
        overrides = self._answer_override(recommended, at, now)
        if not recommended:
            overrides.update(self._removal_override(at, now))
        rating = self._add(seller_id, form_id, recommended, at, **overrides)
        self._settle_history(rating, now)
        return rating

    def _answer_override(self, recommended: bool, at: dt.datetime, now: dt.datetime) -> dict[str, Any]:
        if self.rng.random() >= (0.15 if recommended else 0.6):
            return {}
        answered = at + dt.timedelta(hours=self.rng.uniform(1, 30))
        if answered > now:
            return {}
        message = self.rng.choice(POSITIVE_ANSWERS if recommended else NEGATIVE_ANSWERS)
        return {"answer": {"createdAt": iso(answered), "message": message}}

    def _removal_override(self, at: dt.datetime, now: dt.datetime) -> dict[str, Any]:
        deadline = at + REMOVAL_WINDOW
        removal: dict[str, Any] = {"possibleTo": iso(deadline)}
        requested = at + dt.timedelta(hours=self.rng.uniform(2, 100))
        if self.rng.random() < 0.4 and requested < min(now, deadline):
            message = self.rng.choice(REMOVAL_MESSAGES)
            removal["request"] = {"createdAt": iso(requested), "message": message, "source": "SELLER"}
        return {"removal": removal}

    def _settle_history(self, rating: dict[str, Any], now: dt.datetime) -> None:
        """What already happened to an old rating: removal requests decided, buyers withdrawing."""
        request = rating.get("removal", {}).get("request")
        if request and now - parse_iso(request["createdAt"]) > dt.timedelta(days=2):
            self.state.resolve_removal(rating["id"], accepted=self.rng.random() < 0.5)
        elif not rating["recommended"] and now - parse_iso(rating["createdAt"]) > dt.timedelta(days=10):
            roll = self.rng.random()
            if roll < 0.1:
                self.state.remove_rating(rating["id"], by="byBuyer")
            elif roll < 0.15:
                self.state.remove_rating(rating["id"], by="byBuyerDueToCompensation")

    def _exclude_some(self, added: list[dict[str, Any]]) -> None:
        current = [r["id"] for r in added if r["id"] in self.state.ratings and r["recommended"]]
        for rating_id in self.rng.sample(current, k=min(2, len(current))):
            self.state.exclude_rating(rating_id, NOT_UNIQUE)

    # -- the living part ---------------------------------------------------------------------------

    def tick(self, seller_id: str) -> dict[str, int]:
        """Now and then a new rating, a removal request decided, a buyer who changes their mind."""
        return {
            "rated": self._new_rating(seller_id),
            "removals_resolved": self._decide_removals(seller_id),
            "ratings_edited": self._change_of_mind(seller_id),
        }

    def _new_rating(self, seller_id: str) -> int:
        if self.rng.random() >= 0.2:
            return 0
        unrated = [f["id"] for f in delivered_forms(self.state, seller_id) if f["id"] not in self._rated]
        form_id = self.rng.choice(unrated) if unrated else None
        recommended = self.rng.random() < 0.75  # live ratings lean negative so the desk has work
        self._add(seller_id, form_id, recommended, self.state.now())
        return 1

    def _decide_removals(self, seller_id: str) -> int:
        decided = 0
        for rating_id in self.state.pending_removals(seller_id):
            if self.rng.random() < 0.1:
                self.state.resolve_removal(rating_id, accepted=self.rng.random() < 0.5)
                decided += 1
        return decided

    def _change_of_mind(self, seller_id: str) -> int:
        if self.rng.random() >= 0.03:
            return 0
        answered_negatives = [
            rating_id
            for rating_id, rating in self.state.ratings.items()
            if not rating["recommended"]
            and rating.get("answer")
            and self.state.rating_seller(rating_id) == seller_id
        ]
        if not answered_negatives:
            return 0
        self.state.edit_rating(self.rng.choice(answered_negatives), recommended=True, comment=CHANGED_MIND)
        return 1

    # -- building one rating -----------------------------------------------------------------------

    def _add(
        self, seller_id: str, form_id: str | None, recommended: bool, at: dt.datetime, **overrides: Any
    ) -> dict[str, Any]:
        rng = self.rng
        if form_id is not None:
            self._rated.add(form_id)
        return self.state.add_rating(
            seller_id,
            recommended=recommended,
            comment=self._comment(recommended),
            checkout_form_id=form_id,
            created_at=at,
            rates=self._rates(recommended) if rng.random() < RATES_SHARE else None,
            justifications=() if recommended else rng.sample(JUSTIFICATIONS, k=rng.randint(1, 2)),
            **overrides,
        )

    def _comment(self, recommended: bool) -> str | None:
        roll = self.rng.random()
        if recommended:
            if roll < 0.08:
                return self.rng.choice(LONG_POSITIVE_COMMENTS)
            return self.rng.choice(POSITIVE_COMMENTS) if roll < 0.7 else None
        # since 2024 an unhappy buyer has to say why
        return LONG_NEGATIVE_COMMENT if roll < 0.15 else self.rng.choice(NEGATIVE_COMMENTS)

    def _rates(self, recommended: bool) -> dict[str, int]:
        low, high = (4, 5) if recommended else (1, 3)
        # Allegro stopped asking about delivery in 2019, so recent ratings have no `delivery`
        return {key: self.rng.randint(low, high) for key in ("deliveryCost", "description", "service")}


def delivered_forms(state: FakeAllegroState, seller_id: str) -> list[dict[str, Any]]:
    """The seller's sent or picked-up orders, through the same index the API's list uses."""
    found: list[dict[str, Any]] = []
    for status in ("SENT", "PICKED_UP"):
        offset = 0
        while True:
            query = FormQuery(seller_id, offset=offset, limit=100, equals={"fulfillment.status": status})
            page = state.list_forms(query)["checkoutForms"]
            found.extend(page)
            if len(page) < 100:
                break
            offset += 100
    return found
