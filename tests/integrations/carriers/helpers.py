"""Requests the carrier tests build again and again."""

from decimal import Decimal

from integrations.carriers import Address, CashOnDelivery, ParcelSpec, ShipmentRequest

SENDER = Address(
    name="Sklep Ania",
    street="Piotrkowska 12",
    city="Łódź",
    postcode="90-001",
    phone="+48 600 100 200",
    email="sklep@example.pl",
    company="Ania sp. z o.o.",
)
RECEIVER = Address(
    name="Jan Kowalski",
    street="Kwiatowa 5/3",
    city="Warszawa",
    postcode="00-950",
    phone="600200300",
    email="jan@example.pl",
)
BOX = ParcelSpec(length_mm=300, width_mm=200, height_mm=100, weight_g=1000)


def request(**changes) -> ShipmentRequest:
    """A courier shipment that every carrier accepts; `changes` replace fields."""
    values = dict(
        service="courier",
        sender=SENDER,
        receiver=RECEIVER,
        parcels=(BOX,),
        idempotency_key="key-1",
        reference="ZAM-2026-0001",
    )
    values.update(changes)
    return ShipmentRequest(**values)


def cod(amount: str, iban: str = "PL61109010140000071219812874") -> CashOnDelivery:
    return CashOnDelivery(amount=Decimal(amount), iban=iban)
