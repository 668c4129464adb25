"""What the request workflow needs from the privacy core, as ports (wired in desk/wiring at the merge):
the eraser (`erasure.erase_buyer`) and the buyer pseudonym (`pseudonyms.buyer_pseudonym`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Protocol


class ErasureOutcome(Protocol):
    counts: Mapping[str, int]
    pseudonyms: tuple[str, ...]


class BuyerEraser(Protocol):
    def __call__(
        self, *, account_ids: Collection[int], buyer_allegro_id: str, now: dt.datetime, reason: str,
        dry_run: bool = False,
    ) -> ErasureOutcome: ...


class Pseudonymiser(Protocol):
    def __call__(self, account_id: int, buyer_allegro_id: str) -> str: ...


@dataclass(frozen=True)
class PrivacyPorts:
    erase_buyer: BuyerEraser
    buyer_pseudonym: Pseudonymiser
