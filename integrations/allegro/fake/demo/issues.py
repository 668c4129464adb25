"""Issues of the demo shop: a backdated history, then buyers, advisors and closures on each tick.

`IssuesDemo` is driven by `DemoGenerator`. The texts buyers, sellers and advisors write next and a
tiny photo (`make_png`) live here; the issues themselves come from `state.issue_factory`.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from typing import TYPE_CHECKING, Any

from integrations.allegro.fake.state.issue_factory import pick_topic

if TYPE_CHECKING:
    from integrations.allegro.fake.state.core import FakeAllegroState


BUYER_FOLLOW_UPS = (
    "Dziękuję za odpowiedź, ale sprawa nadal nie jest rozwiązana.",
    "Czy mogę prosić o konkretny termin?",
    "Wysłałem zdjęcia, o które Państwo prosili.",
    "Nadal czekam na informację, co dalej z moim zamówieniem.",
    "Dobrze, w takim razie proszę o zwrot pieniędzy.",
    "Paczka właśnie dotarła, dziękuję za pomoc!",
)
SELLER_REPLIES = (
    "Dzień dobry, bardzo przepraszamy za kłopot. Sprawdzamy sprawę z przewoźnikiem i wrócimy z odpowiedzią.",
    "Dzień dobry, prosimy o przesłanie zdjęcia uszkodzenia oraz opakowania.",
    "Dzień dobry, brakujący element wysłaliśmy dziś osobną przesyłką.",
    "Dzień dobry, zwrot środków został zlecony, pieniądze powinny być na koncie w ciągu 3 dni roboczych.",
)
ADVISOR_TEXTS = (
    "Dzień dobry, jestem doradcą Allegro. Prosimy sprzedawcę o odpowiedź kupującemu w ciągu 3 dni.",
    "Dzień dobry, przyglądamy się tej sprawie. Prosimy obie strony o przesłanie dodatkowych informacji.",
)
CLAIM_SHARE = 0.3
ISSUES_PER_ORDERS = 25


def make_png(rng: random.Random, size: int = 24) -> bytes:
    """A small valid PNG (a blotchy square standing in for a buyer's photo of the damage)."""
    base = [rng.randrange(80, 200) for _ in range(3)]
    rows = b"".join(
        b"\x00" + bytes(min(255, c + rng.randrange(0, 40)) for _ in range(size) for c in base)
        for _ in range(size)
    )

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class IssuesDemo:
    """Issues of the demo shop: a backdated history, then buyers, advisors and closures on each tick."""

    def __init__(self, state: FakeAllegroState, *, seed: int = 0) -> None:
        self.state = state
        self.rng = random.Random(seed)

    # -- history -----------------------------------------------------------------------------------

    def populate(self, seller_id: str) -> int:
        """About one issue per 25 paid orders, opened after their purchase; returns how many."""
        now = self.state.now()
        forms = [f for f in self._paid_forms(seller_id) if _bought(f) < now - dt.timedelta(days=1)]
        chosen = self.rng.sample(forms, k=min(len(forms), round(len(forms) / ISSUES_PER_ORDERS)))
        for form in sorted(chosen, key=_bought):
            opened = min(now, _bought(form) + dt.timedelta(hours=self.rng.uniform(24, 240)))
            self._past_issue(seller_id, form, opened, now)
        return len(chosen)

    def _past_issue(
        self, seller_id: str, form: dict[str, Any], opened: dt.datetime, now: dt.datetime
    ) -> None:
        rng, state = self.rng, self.state
        issue = self._buyer_opens(seller_id, form, opened)
        kind, at = issue["type"], opened
        for _ in range(rng.choice((0, 1, 1, 2))):  # the conversation so far
            at = _later(rng, at, now)
            state.add_seller_message(issue["id"], rng.choice(SELLER_REPLIES), at=at)
            if rng.random() < 0.6:
                at = _later(rng, at, now)
                state.add_buyer_message(issue["id"], rng.choice(BUYER_FOLLOW_UPS), at=at)
        if rng.random() < 0.3 and now - opened > dt.timedelta(days=3):
            self._close(issue["id"], kind, _later(rng, at, now))

    def _close(self, issue_id: str, kind: str, at: dt.datetime) -> None:
        if kind == "DISPUTE":
            self.state.set_issue_status(issue_id, "DISPUTE_CLOSED", at=at)
        else:
            self.state.set_issue_status(
                issue_id, self.rng.choice(("CLAIM_ACCEPTED", "CLAIM_REJECTED")), at=at
            )

    def _buyer_opens(self, seller_id: str, form: dict[str, Any], opened: dt.datetime) -> dict[str, Any]:
        """A discussion (or, less often, a claim) about `form`, now and then with a photo."""
        rng = self.rng
        kind = "CLAIM" if rng.random() < CLAIM_SHARE else "DISPUTE"
        topic = pick_topic(rng)
        photos = [self._photo()] if topic.photo and rng.random() < 0.5 else []
        return self.state.add_issue(
            seller_id,
            type=kind,
            checkout_form_id=form["id"],
            opened_at=opened,
            text=rng.choice(topic.texts),
            topic=topic,
            attachment_ids=photos,
        )

    def _photo(self) -> str:
        name = f"zdjecie_{self.rng.randint(1000, 9999)}.png"
        return self.state.attach_file(name, make_png(self.rng), "image/png")

    def _paid_forms(self, seller_id: str) -> list[dict[str, Any]]:
        state = self.state
        return [
            form
            for form_id, form in state.checkout_forms.items()
            if form["status"] == "READY_FOR_PROCESSING" and state.seller_of_form(form_id) == seller_id
        ]

    # -- the living part ---------------------------------------------------------------------------

    def tick(self, seller_id: str) -> dict[str, int]:
        """Maybe open an issue, let a buyer or an advisor write, or close a discussion."""
        with self.state.lock:
            return {
                "issues_opened": self._open_issue(seller_id),
                "buyer_replies": self._buyer_reply(seller_id),
                "advisor_replies": self._advisor(seller_id),
                "issues_closed": self._close_dispute(seller_id),
            }

    def _open_issue(self, seller_id: str) -> int:
        if self.rng.random() >= 0.08:
            return 0
        taken = {issue["checkoutForm"]["id"] for issue in self.state.issues.values()}
        forms = [form for form in self._paid_forms(seller_id) if form["id"] not in taken]
        if not forms:
            return 0
        self._buyer_opens(seller_id, self.rng.choice(forms[-50:]), self.state.now())  # a recent order
        return 1

    def _open_issues(self, seller_id: str) -> list[dict[str, Any]]:
        return [
            issue
            for issue in self.state.issues.values()
            if self.state.seller_of_issue(issue["id"]) == seller_id and issue["currentState"]["chatActive"]
        ]

    def _buyer_reply(self, seller_id: str) -> int:
        waiting = [
            i for i in self._open_issues(seller_id) if i["chat"]["lastMessage"]["status"] == "SELLER_REPLIED"
        ]
        if not waiting or self.rng.random() >= 0.3:
            return 0
        self.state.add_buyer_message(self.rng.choice(waiting)["id"], self.rng.choice(BUYER_FOLLOW_UPS))
        return 1

    def _advisor(self, seller_id: str) -> int:
        issues = self._open_issues(seller_id)
        if not issues or self.rng.random() >= 0.04:
            return 0
        self.state.add_advisor_message(self.rng.choice(issues)["id"], self.rng.choice(ADVISOR_TEXTS))
        return 1

    def _close_dispute(self, seller_id: str) -> int:
        disputes = [i for i in self._open_issues(seller_id) if i["type"] == "DISPUTE"]
        if not disputes or self.rng.random() >= 0.05:
            return 0
        self.state.set_issue_status(self.rng.choice(disputes)["id"], "DISPUTE_CLOSED")
        return 1


def _bought(form: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(form["lineItems"][0]["boughtAt"].replace("Z", "+00:00"))


def _later(rng: random.Random, after: dt.datetime, now: dt.datetime) -> dt.datetime:
    """A moment a few hours after `after`, never in the future."""
    return min(now, after + dt.timedelta(minutes=rng.randint(20, 36 * 60)))
