"""Demo data for a desk run with the fakes: lockers and PaczkoPunkty in a few Polish cities."""

from __future__ import annotations

from integrations.carriers.inpost.fake.state import FakeInPostState

# (name, city, post code, street, building, latitude, longitude)
DEMO_POINTS = (
    ("KRA010", "Kraków", "30-001", "Długa", "12", 50.0686, 19.9405),
    ("KRA007", "Kraków", "31-153", "Basztowa", "3", 50.0656, 19.9420),
    ("POP-KRA21", "Kraków", "30-002", "Karmelicka", "40", 50.0690, 19.9290),
    ("WAW22M", "Warszawa", "00-950", "Marszałkowska", "104", 52.2319, 21.0067),
    ("WAW301", "Warszawa", "02-001", "Grójecka", "17", 52.2210, 20.9870),
    ("POP-WAW88", "Warszawa", "00-950", "Świętokrzyska", "11", 52.2350, 21.0080),
    ("GDA05A", "Gdańsk", "80-001", "Grunwaldzka", "82", 54.3810, 18.6000),
    ("POZ14", "Poznań", "60-001", "Głogowska", "25", 52.3990, 16.9020),
    ("WRO33", "Wrocław", "50-001", "Legnicka", "8", 51.1140, 17.0030),
    ("POP-LOD12", "Łódź", "90-001", "Piotrkowska", "120", 51.7590, 19.4570),
)


def seed_demo(state: FakeInPostState) -> None:
    """Add the demo points (idempotent)."""
    for name, city, post_code, street, building, lat, lng in DEMO_POINTS:
        state.add_point(
            name,
            city=city,
            post_code=post_code,
            street=street,
            building_number=building,
            latitude=lat,
            longitude=lng,
        )
