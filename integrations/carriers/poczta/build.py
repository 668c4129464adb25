"""ShipmentRequest -> the e-Nadawca `przesylka` of its service (zeep objects of the WSDL's types).

Pocztex 2021 types carry their data in child *elements*; paczkaPocztowaType and przesylkaPobraniowaType
carry it in *attributes*: zeep places each where the WSDL says, so only the names matter here.
"""

from __future__ import annotations

from typing import Any

from integrations.carriers.addresses import postcode_digits, split_street
from integrations.carriers.base import Address, ShipmentRequest
from integrations.carriers.checks import normalize_phone
from integrations.carriers.poczta import services as svc
from integrations.carriers.poczta.wire import grosze, guid_for, national_bank_number


def _phone(value: str) -> str | None:
    if not value.strip():
        return None
    try:
        return normalize_phone(value)
    except ValueError:
        return value.strip()


def address(types: Any, value: Address) -> Any:
    """adresType (every field is an attribute); `mobile` gets the number too, for SMS notices."""
    ulica, numer_domu, numer_lokalu = split_street(value)
    phone = _phone(value.phone)
    return types.adresType(
        nazwa=value.company or value.name,
        nazwa2=value.name if value.company else None,
        ulica=ulica,
        numerDomu=numer_domu or None,
        numerLokalu=numer_lokalu or None,
        miejscowosc=value.city.strip(),
        kodPocztowy=postcode_digits(value.postcode),
        kraj="Polska",
        telefon=phone,
        mobile=phone,
        email=value.email.strip() or None,
        osobaKontaktowa=value.name if value.company else None,
    )


def pobranie(types: Any, request: ShipmentRequest) -> Any:
    """pobranieType: COD to the seller's bank account, amount in grosze, title = the reference."""
    assert request.cod is not None
    return types.pobranieType(
        sposobPobrania="RACHUNEK_BANKOWY",
        kwotaPobrania=grosze(request.cod.amount),
        nrb=national_bank_number(request.cod.iban),
        tytulem=(request.reference or request.idempotency_key)[: svc.COD_TITLE_MAX],
        sprawdzenieZawartosciPrzesylkiPrzezOdbiorce=svc.CHECK_CONTENT in request.additional_services or None,
    )


def declared_value(request: ShipmentRequest) -> int | None:
    """`wartosc` in grosze: the insurance asked for, and never below the COD amount (a COD parcel is
    declared at least at what the buyer pays, digest §7)."""
    values = [request.insurance] if request.insurance is not None else []
    if request.cod is not None:
        values.append(request.cod.amount)
    return grosze(max(values)) if values else None


def pocztex(types: Any, request: ShipmentRequest) -> Any:
    """pocztex2021KurierType: to the door, or to a point (punktOdbioru needs only the placówka id,
    as the WSDL notes for its placówka-typed elements)."""
    parcel = request.parcels[0]
    extras = request.additional_services
    point = None
    if request.service == svc.PACZKA_W_PUNKCIE:
        point = types.punktOdbioruType(id=int(request.target_point))
    return types.pocztex2021KurierType(
        guid=guid_for(request.idempotency_key),
        opis=request.label_text or None,
        adres=address(types, request.receiver),
        nadawca=address(types, request.sender),
        pobranie=pobranie(types, request) if request.cod else None,
        masa=parcel.weight_g,
        wartosc=declared_value(request),
        ostroznie=svc.FRAGILE in extras or None,
        ponadgabaryt=parcel.non_standard or None,
        format=svc.pocztex_format(parcel),
        numerPrzesylkiKlienta=request.reference or None,
        odbiorWSobote=svc.SATURDAY in extras or None,
        zawartosc=types.zawartoscPocztex2021Type(zawartoscInna=parcel.content) if parcel.content else None,
        doreczenieDoRakWlasnych=svc.OWN_HANDS in extras or None,
        punktOdbioru=point,
    )


def paczka(types: Any, request: ShipmentRequest) -> Any:
    """paczkaPocztowaType, or przesylkaPobraniowaType when the buyer pays on delivery (paczka pocztowa
    itself has no COD). The reference travels in `opis`; gabaryt B when a side exceeds gabaryt A
    (600×500×300 mm)."""
    parcel = request.parcels[0]
    longest, middle, shortest = parcel.sides_mm
    common = {
        "guid": guid_for(request.idempotency_key),
        "opis": request.reference or request.label_text or None,
        "adres": address(types, request.receiver),
        "nadawca": address(types, request.sender),
        "kategoria": "PRIORYTETOWA" if svc.PRIORITY in request.additional_services else "EKONOMICZNA",
        "gabaryt": "GABARYT_A" if longest <= 600 and middle <= 500 and shortest <= 300 else "GABARYT_B",
        "masa": parcel.weight_g,
        "wartosc": declared_value(request),
    }
    if request.cod is not None:
        return types.przesylkaPobraniowaType(pobranie=pobranie(types, request), **common)
    return types.paczkaPocztowaType(**common)


def przesylka(types: Any, request: ShipmentRequest) -> Any:
    """The request as the WSDL type of its service."""
    if request.service == svc.PACZKA_POCZTOWA:
        return paczka(types, request)
    return pocztex(types, request)
