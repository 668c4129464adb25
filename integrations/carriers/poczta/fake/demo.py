"""Demo data for a desk run with the fakes: post offices and Orlen points in a few Polish cities."""

from __future__ import annotations

from integrations.carriers.poczta.fake.state import PocztaState

# (id, voivodeship, name, street, number, city, postcode, network, lat, lon)
DEMO_POINTS = (
    (
        210001,
        "14",
        "UP Warszawa 1",
        "Świętokrzyska",
        "31/33",
        "Warszawa",
        "00-001",
        "POCZTAPOLSKA",
        52.2355,
        21.0096,
    ),
    (
        210002,
        "14",
        "UP Warszawa 15",
        "Marszałkowska",
        "77",
        "Warszawa",
        "00-683",
        "POCZTAPOLSKA",
        52.2260,
        21.0140,
    ),
    (210003, "14", "Orlen Stacja nr 115", "Grójecka", "208", "Warszawa", "02-390", "ORLEN", 52.1980, 20.9560),
    (220001, "12", "UP Kraków 1", "Westerplatte", "20", "Kraków", "31-045", "POCZTAPOLSKA", 50.0626, 19.9440),
    (220002, "12", "Orlen Stacja nr 4321", "Opolska", "12", "Kraków", "31-277", "ORLEN", 50.0900, 19.9310),
    (230001, "30", "UP Poznań 1", "Kościuszki", "77", "Poznań", "61-890", "POCZTAPOLSKA", 52.4050, 16.9250),
    (240001, "22", "UP Gdańsk 1", "Długa", "22/28", "Gdańsk", "80-801", "POCZTAPOLSKA", 54.3490, 18.6510),
    (
        250001,
        "02",
        "UP Wrocław 1",
        "Krasińskiego",
        "1",
        "Wrocław",
        "50-415",
        "POCZTAPOLSKA",
        51.1070,
        17.0400,
    ),
    (260001, "10", "Orlen Stacja nr 777", "Piotrkowska", "300", "Łódź", "93-034", "ORLEN", 51.7350, 19.4610),
)


def seed_demo(state: PocztaState) -> None:
    """Fill the state with the demo points."""
    for point_id, voivodeship, name, street, number, city, postcode, network, lat, lon in DEMO_POINTS:
        state.add_point(
            point_id,
            voivodeship=voivodeship,
            name=name,
            street=street,
            number=number,
            city=city,
            postcode=postcode,
            network=network,
            lat=lat,
            lon=lon,
        )
