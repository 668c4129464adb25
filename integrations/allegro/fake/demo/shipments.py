"""WzA demo data: Allegro's own drop-off points in a few Polish cities (GET /order/carriers/ALLEGRO/points).

Shipments themselves are created by the desk through the commands; the fake processes them one
second after they arrive (state.wza_processing), so a demo run shows them without any handle.
"""
from __future__ import annotations

from typing import Any

from integrations.allegro.fake.state.core import FakeAllegroState

# (id, name, type, street, postcode, city, lat, lon, carriers)
_POINTS = (
    ("AOB-WAW-0012", "Allegro One Box Warszawa Centrum", "APM", "Marszałkowska 104", "00-017", "Warszawa",
     52.2317, 21.0106, ("ALLEGRO_ONE_KURIER",)),
    ("AOP-WAW-0450", "Allegro One Punkt Żabka Puławska", "PUDO", "Puławska 39", "02-508", "Warszawa",
     52.2006, 21.0228, ("ALLEGRO_ONE_KURIER", "DPD")),
    ("AOB-KRK-0031", "Allegro One Box Kraków Długa", "APM", "Długa 48", "31-146", "Kraków",
     50.0700, 19.9390, ("ALLEGRO_ONE_KURIER",)),
    ("AOP-GDA-0107", "Allegro One Punkt Gdańsk Grunwaldzka", "PUDO", "Grunwaldzka 82", "80-244", "Gdańsk",
     54.3790, 18.6060, ("ALLEGRO_ONE_KURIER", "UPS")),
    ("AOB-POZ-0220", "Allegro One Box Poznań Półwiejska", "APM", "Półwiejska 32", "61-888", "Poznań",
     52.4010, 16.9290, ("ALLEGRO_ONE_KURIER", "DPD")),
    ("AOP-WRO-0318", "Allegro One Punkt Wrocław Legnicka", "PUDO", "Legnicka 58", "54-204", "Wrocław",
     51.1180, 16.9900, ("ALLEGRO_ONE_KURIER", "UPS", "DPD")),
)


def _point(row: tuple[Any, ...]) -> dict[str, Any]:
    point_id, name, kind, street, postcode, city, lat, lon, carriers = row
    services = [{"type": "PICKUP"}, {"type": "DROPOFF"}]
    return {
        "id": point_id, "name": name, "type": kind, "services": services, "restrictions": [],
        "payments": [{"method": "CARD"}],
        "address": {"street": street, "postCode": postcode, "city": city, "countryCode": "PL",
                    "coordinates": {"lat": lat, "lon": lon}},
        "opening": [{"dayOfWeek": day, "from": "00:00" if kind == "APM" else "08:00",
                     "to": "23:59" if kind == "APM" else "20:00"}
                    for day in ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY")],
        "carriers": list(carriers),
    }


def seed_wza(state: FakeAllegroState) -> None:
    """Put the demo's Allegro points into the state (once)."""
    with state.lock:
        known = {p["id"] for p in state.allegro_points}
        state.allegro_points.extend(_point(row) for row in _POINTS if row[0] not in known)
