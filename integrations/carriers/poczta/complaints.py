"""Poczta Polska complaints over e-Nadawca (the WSDL's real operations): `addReklamacje` files one complaint
per parcel, `addZalacznikDoReklamacji` adds files (five a call), `getReklamacje(dataRozpatrzenia)` lists the
complaints decided on a day, `getListaPowodowReklamacji` the reasons a complaint must name.

What the WSDL does not say, and this adapter assumes:
- reasons are chosen from Poczta Polska's own list by words in their descriptions (uszkodz- / ubyt- / utrat- /
  opóźn-); the ids are never hard-coded, a list without a fitting reason is a refusal;
- `rozstrzygniecie` NIEWNIESIONA (a complaint "not filed", i.e. incomplete) means documents are missing: its
  `uzasadnienie` says which; files sent after it put the complaint back before Poczta Polska;
- a second `addReklamacje` for the same parcel answers the complaint already filed (the parcel's guid is the
  key); its files are sent again, since e-Nadawca cannot say which files a complaint has;
- amounts are grosze (as every amount of e-Nadawca); `przyznaneOdszkodowanie` is the compensation granted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from integrations.carriers import checks
from integrations.carriers.addresses import WARSAW
from integrations.carriers.complaints import (
    ComplaintDocument,
    ComplaintFiling,
    ComplaintKind,
    ComplaintOutcome,
    ComplaintStatus,
    DocumentKind,
    attachment_list,
)
from integrations.carriers.errors import CarrierNotFound, CarrierRefused, CarrierValidationError
from integrations.carriers.poczta import build, parse
from integrations.carriers.poczta import services as svc
from integrations.carriers.poczta.wire import grosze, pln

CARRIER = svc.CARRIER
FILES_PER_CALL = 5  # zalacznik maxOccurs
LOOKBACK_DAYS = 62  # getReklamacje is read day by day; never further back than this
KEYWORDS = {
    ComplaintKind.DAMAGE: ("uszkodz",),
    ComplaintKind.SHORTAGE: ("ubyt",),
    ComplaintKind.LOSS: ("utrat", "zagubi"),
    ComplaintKind.DELAY: ("opóźn", "opozn", "termin"),
}
OUTCOMES = {
    "UZASADNIONA": ComplaintOutcome.ACCEPTED,
    "NIEUZASADNIONA": ComplaintOutcome.REJECTED,
    "NIEWNIESIONA": ComplaintOutcome.NEED_DOCUMENTS,
}
# words of an `uzasadnienie` naming a missing document
MISSING_WORDS = (
    ("protok", DocumentKind.DAMAGE_REPORT),
    ("faktur", DocumentKind.VALUE_INVOICE),
    ("paragon", DocumentKind.VALUE_INVOICE),
    ("zdję", DocumentKind.PHOTO),
    ("kalkulac", DocumentKind.PRODUCTION_COST),
    ("napraw", DocumentKind.REPAIR_INVOICE),
    ("dowód nadania", DocumentKind.TRANSPORT_DOCUMENT),
)


def reason_for(categories: list[Any], kind: ComplaintKind) -> tuple[int, int]:
    """(idPowodGlowny, idPowodSzczegolowy) of the first reason whose words fit the kind."""
    for category in categories:
        for reason in getattr(category, "powodReklamacji", None) or []:
            for detail in reason.powodSzczegolowy or []:
                text = f"{reason.powodGlownyOpis or ''} {detail.powodSzczegolowyOpis or ''}".lower()
                if any(word in text for word in KEYWORDS[kind]):
                    return int(reason.idPowodGlowny), int(detail.idPowodSzczegolowy)
    raise CarrierRefused(f"Poczta Polska lists no complaint reason for {kind.value}", carrier=CARRIER)


def przesylka(types: Any, filing: ComplaintFiling) -> Any:
    """The complained parcel as it was sent (the WSDL's typed przesylka wants its kategoria, gabaryt,
    value...), with the number e-Nadawca gave it."""
    if filing.shipment is None:
        problem = checks.problem("shipment", "required", "e-Nadawca describes the complained parcel in full")
        raise CarrierValidationError([problem], carrier=CARRIER)
    element = build.przesylka(types, filing.shipment)
    if element.guid != filing.shipment_id:
        raise CarrierNotFound(f"the request does not name parcel {filing.shipment_id}", carrier=CARRIER)
    element.numerNadania = filing.waybill
    return element


def reklamacja(types: Any, filing: ComplaintFiling, reason: tuple[int, int]) -> Any:
    """reklamowanaPrzesylkaType: the parcel, its reason, the claim in grosze; the description carries the
    list of attachments, as the type has no field of its own for it."""
    main, detail = reason
    text = filing.description
    if filing.documents:
        text = f"{text}\n\nZałączniki:\n{attachment_list(filing.documents)}"
    return types.reklamowanaPrzesylkaType(
        przesylka=przesylka(types, filing),
        powodReklamacji=types.powodReklamacjiType(
            powodSzczegolowy=[types.powodSzczegolowyType(idPowodSzczegolowy=detail)], idPowodGlowny=main
        ),
        dataNadania=filing.posted_on,
        powodReklamacjiOpis=text,
        oplata=grosze(filing.fee) if filing.fee is not None else None,
        oczekiwaneOdszkodowanie=grosze(filing.claimed_amount),
    )


def zalaczniki(types: Any, documents: tuple[ComplaintDocument, ...]) -> list[list[Any]]:
    """The files in calls of at most five."""
    files = [
        types.zalacznikDoReklamacjiType(
            fileContent=doc.content, fileName=doc.file_name, fileDesc=doc.description or doc.kind.value
        )
        for doc in documents
    ]
    return [files[start : start + FILES_PER_CALL] for start in range(0, len(files), FILES_PER_CALL)]


def complaint_id_of(answer: Any, guid: str) -> str:
    """The idReklamacja addReklamacje gave the parcel; its errors as the error tree."""
    errors = parse.errors_of(answer)
    if any(error.errorNumber == parse.UNKNOWN_GUID for error in errors):
        raise CarrierNotFound(f"e-Nadawca has no parcel {guid}", carrier=CARRIER, raw=errors)
    if errors:
        text = "; ".join(str(error.errorDesc) for error in errors)
        raise CarrierRefused(f"e-Nadawca refused the complaint: {text}", carrier=CARRIER, raw=errors)
    found = next((info for info in answer.reklamacjaInfo or [] if info.guidPrzesylki == guid), None)
    if found is None:
        raise CarrierRefused("addReklamacje answered without the complaint", carrier=CARRIER, raw=answer)
    return str(found.idReklamacja)


def raise_for_errors(errors: list[Any]) -> None:
    """addZalacznikDoReklamacji's errors as a refusal."""
    if errors:
        text = "; ".join(str(error.errorDesc) for error in errors)
        raise CarrierRefused(f"e-Nadawca refused the files: {text}", carrier=CARRIER, raw=errors)


def days(since: dt.date, today: dt.date) -> list[dt.date]:
    """The days getReklamacje is asked for, oldest first (never more than LOOKBACK_DAYS)."""
    start = max(since, today - dt.timedelta(days=LOOKBACK_DAYS))
    return [start + dt.timedelta(days=n) for n in range((today - start).days + 1)]


def status(complaint_id: str, entry: Any | None) -> ComplaintStatus:
    """The newest entry listed for the complaint, or PENDING when none is."""
    if entry is None:
        return ComplaintStatus(CARRIER, complaint_id, ComplaintOutcome.PENDING)
    raw = str(entry.rozstrzygniecie or "")
    outcome = OUTCOMES.get(raw, ComplaintOutcome.PENDING)
    reason = str(entry.uzasadnienie or "")
    missing = ()
    if outcome is ComplaintOutcome.NEED_DOCUMENTS:
        lowered = reason.lower()
        missing = tuple(dict.fromkeys(kind for word, kind in MISSING_WORDS if word in lowered)) or (
            DocumentKind.OTHER,
        )
    decided = entry.dataRozpatrzenia
    return ComplaintStatus(
        carrier=CARRIER,
        complaint_id=complaint_id,
        outcome=outcome,
        message=reason,
        missing=missing,
        compensation=pln(entry.przyznaneOdszkodowanie) if outcome is ComplaintOutcome.ACCEPTED else None,
        decided_at=dt.datetime.combine(decided, dt.time(12), tzinfo=WARSAW)
        if decided and outcome is not ComplaintOutcome.NEED_DOCUMENTS else None,
        raw_status=raw,
    )
