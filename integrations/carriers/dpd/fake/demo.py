"""Demo data for a desk run against the fake DPD: Pickup points in a few Polish cities."""

from __future__ import annotations

from integrations.carriers.dpd.fake.state import DpdFakeState

POINTS = (
    (
        "PL11001",
        "PUDO",
        "Żabka Marszałkowska",
        "Marszałkowska 10",
        "Warszawa",
        "00590",
        52.2246,
        21.0138,
        True,
    ),
    (
        "PL11002",
        "LOCKER",
        "DPD Pickup Station Mokotów",
        "Puławska 145",
        "Warszawa",
        "02715",
        52.1897,
        21.0221,
        False,
    ),
    ("PL31001", "PUDO", "Kiosk Ruch Rynek", "Rynek Główny 1", "Kraków", "31042", 50.0617, 19.9373, True),
    (
        "PL31002",
        "LOCKER",
        "DPD Pickup Station Kazimierz",
        "Starowiślna 60",
        "Kraków",
        "31035",
        50.0524,
        19.9449,
        False,
    ),
    ("PL80001", "PUDO", "Sklep Długa", "Długa 20", "Gdańsk", "80827", 54.3487, 18.6524, True),
    ("PL50001", "PUDO", "Orlen Legnicka", "Legnicka 50", "Wrocław", "54204", 51.1187, 16.9917, True),
    (
        "PL60001",
        "LOCKER",
        "DPD Pickup Station Jeżyce",
        "Dąbrowskiego 40",
        "Poznań",
        "60838",
        52.4095,
        16.9070,
        False,
    ),
)


def seed_demo(state: DpdFakeState) -> DpdFakeState:
    """Add the demo points (idempotent) and return the state."""
    known = {p.get("pudoId") for p in state.points}
    for pudo, kind, name, street, city, zip_code, lat, lng, cod in POINTS:
        if pudo in known:
            continue
        state.add_point(
            pudoId=pudo,
            type=kind,
            name=name,
            address=street,
            city=city,
            zipCode=zip_code,
            latitude=lat,
            longitude=lng,
            openingHours="Pn-Pt 8-20, Sb 9-15" if kind == "PUDO" else "24/7",
            cod=cod,
            canSend=True,
            canCollect=True,
        )
    return state
