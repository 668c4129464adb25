"""What the desk offers through Poczta Polska e-Nadawca, and the limits it checks before sending.

Figures: carriers-digest §3.3 (types, units, field lengths from the WSDL's simple types) and §3.5 (sizes):
Pocztex courier ≤150 cm longest side, sides ≤250 cm together, ≤30 kg; pickup points ≤20 kg and ≤60×60×70 cm
(format XL). Paczka pocztowa's limits (gabaryt B: longest ≤150 cm, length + girth ≤300 cm, ≤20 kg) and the
Pocztex format heights (S ≤9 cm, M ≤20 cm, L ≤42 cm under 40×65 cm) are general knowledge, not in the
references. The COD cap is not in the references either: the WSDL's `kwotaPobrania` allows 99 999.99 PLN;
the desk keeps the port's 5 000 PLN until the contract says otherwise.
"""

from __future__ import annotations

from decimal import Decimal

from integrations.carriers.base import (
    Capabilities,
    CodSink,
    FieldLimits,
    LabelFormat,
    LabelSize,
    ParcelLimits,
    ParcelSpec,
    Service,
)

CARRIER = "poczta"

POCZTEX_KURIER = "pocztex_kurier"  # Pocztex Kurier to the door (pocztex2021KurierType)
PACZKA_W_PUNKCIE = "pocztex_punkt"  # "Paczka w Punkcie": Pocztex Kurier with punktOdbioru (a placówka id)
PACZKA_POCZTOWA = "paczka_pocztowa"  # paczkaPocztowaType, or przesylkaPobraniowaType with COD

POCZTEX_FORMATS = ("S", "M", "L", "XL", "2XL")
POINT_FORMATS = ("S", "M", "L", "XL")
# (longest, middle, shortest) in mm of each Pocztex format; 2XL is whatever the courier takes
FORMAT_SIDES = {
    "S": (650, 400, 90),
    "M": (650, 400, 200),
    "L": (650, 420, 400),
    "XL": (700, 600, 600),
}

# additional services the desk may ask for, by the port's code
FRAGILE = "fragile"  # pocztex `ostroznie`
SATURDAY = "saturday"  # pocztex `odbiorWSobote`
OWN_HANDS = "own_hands"  # pocztex `doreczenieDoRakWlasnych`
CHECK_CONTENT = "check_content"  # `sprawdzenieZawartosciPrzesylkiPrzezOdbiorce`
PRIORITY = "priority"  # paczka pocztowa `kategoria` PRIORYTETOWA instead of EKONOMICZNA

EMAIL_MAX = 50  # emailType
PHONE_MAX = 20  # telefonType / mobileType
HOUSE_NUMBER_MAX = 11  # numerDomuType, numerLokaluType
REFERENCE_MAX = 25  # numerPrzesylkiKlientaType (Pocztex); paczka pocztowa carries it in `opis` (≤500)
COD_TITLE_MAX = 54  # pobranieType.tytulem


def _pocztex_limits() -> ParcelLimits:
    return ParcelLimits(
        max_length_mm=1500,
        max_width_mm=1500,
        max_height_mm=1500,
        max_weight_g=30_000,
        max_sum_mm=2500,
        templates=POCZTEX_FORMATS,
    )


def _point_limits() -> ParcelLimits:
    return ParcelLimits(
        max_length_mm=700,
        max_width_mm=600,
        max_height_mm=600,
        max_weight_g=20_000,
        templates=POINT_FORMATS,
    )


def _paczka_limits() -> ParcelLimits:
    return ParcelLimits(
        max_length_mm=1500,
        max_width_mm=1500,
        max_height_mm=1500,
        max_weight_g=20_000,
        max_girth_mm=3000,
    )


def capabilities() -> Capabilities:
    """The services the desk offers through e-Nadawca (one parcel per shipment each)."""
    pocztex_extras = (FRAGILE, SATURDAY, OWN_HANDS, CHECK_CONTENT)
    services = (
        Service(
            code=POCZTEX_KURIER,
            name="Pocztex Kurier",
            parcel_limits=_pocztex_limits(),
            additional_services=pocztex_extras,
            cod_sink=CodSink.BANK_ACCOUNT,
        ),
        Service(
            code=PACZKA_W_PUNKCIE,
            name="Pocztex Kurier – odbiór w punkcie (Paczka w Punkcie)",
            point_required=True,
            parcel_limits=_point_limits(),
            additional_services=(FRAGILE, CHECK_CONTENT),
            cod_sink=CodSink.BANK_ACCOUNT,
        ),
        Service(
            code=PACZKA_POCZTOWA,
            name="Paczka pocztowa",
            parcel_limits=_paczka_limits(),
            additional_services=(PRIORITY,),
            cod_sink=CodSink.BANK_ACCOUNT,
        ),
    )
    return Capabilities(
        carrier=CARRIER,
        services=services,
        # nazwaType 60, ulicaType 255 (the desk keeps 60 so a label prints it whole), miejscowoscType 63
        field_limits=FieldLimits(name_max=60, street_max=60, city_max=63, reference_max=REFERENCE_MAX),
        cod_max=Decimal("5000.00"),
        insurance_max=Decimal("99999.99"),  # wartoscType: at most 9 999 999 grosze
        label_formats=(LabelFormat.PDF, LabelFormat.ZPL),  # ZPL through getPrintForParcel's ZPL_FORMAT
        label_sizes=(LabelSize.A6, LabelSize.A4),
        cancel_until="before_sent",  # clearEnvelopeByGuids works on the buffer only
        protocol=True,  # the outbox book (książka nadawcza) of the sent envelope
        pickups=True,  # zamowKuriera
        points=True,  # getPlacowkiPocztowe
    )


def pocztex_format(parcel: ParcelSpec) -> str:
    """The parcel's Pocztex format: its template, or the smallest format its sides fit."""
    if parcel.template:
        return parcel.template
    sides = parcel.sides_mm
    for name, limit in FORMAT_SIDES.items():
        if all(side <= cap for side, cap in zip(sides, limit, strict=True)):
            return name
    return "2XL"
