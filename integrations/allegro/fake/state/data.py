"""Polish reference data for generated orders: people, places, products, delivery methods.

Everything here is plain data plus tiny pure helpers (NIP, phone, login, e-mail) that take a
`random.Random`, so a seeded generator always produces the same shop.
"""
from __future__ import annotations

import random
import string
import unicodedata
from dataclasses import dataclass

MALE_FIRST_NAMES = (
    "Jan", "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Marcin", "Grzegorz", "Jakub",
    "Adam", "Łukasz", "Mateusz", "Kamil", "Wojciech", "Marek", "Rafał", "Dariusz", "Szymon", "Bartosz",
)
FEMALE_FIRST_NAMES = (
    "Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Krystyna", "Magdalena",
    "Joanna", "Aleksandra", "Monika", "Zofia", "Natalia", "Karolina", "Julia", "Beata", "Dorota", "Agata",
    "Justyna",
)
# masculine forms; feminine_surname() derives the -ska/-cka/-dzka forms
SURNAMES = (
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
    "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Wojciechowski", "Kwiatkowski",
    "Krawczyk", "Kaczmarek", "Piotrowski", "Grabowski", "Zając", "Pawłowski", "Michalski", "Król",
    "Wieczorek", "Jabłoński", "Wróbel", "Nowakowski", "Majewski", "Olszewski", "Stępień", "Malinowski",
    "Jaworski", "Adamczyk", "Dudek", "Nowicki", "Pawlak", "Górski", "Witkowski", "Walczak", "Sikora",
    "Baran", "Rutkowski", "Michalak", "Szewczyk", "Ostrowski", "Tomaszewski", "Pietrzak", "Marciniak",
    "Zawadzki",
)


@dataclass(frozen=True, slots=True)
class Place:
    """A real street in a real town with its postal code; `inpost` is the town's parcel-locker prefix."""

    city: str
    street: str
    post_code: str
    inpost: str


PLACES = (
    Place("Warszawa", "ul. Marszałkowska", "00-624", "WAW"),
    Place("Warszawa", "ul. Puławska", "02-566", "WAW"),
    Place("Warszawa", "ul. Grójecka", "02-021", "WAW"),
    Place("Kraków", "ul. Karmelicka", "31-133", "KRA"),
    Place("Kraków", "ul. Wielicka", "30-552", "KRA"),
    Place("Łódź", "ul. Piotrkowska", "90-406", "LOD"),
    Place("Łódź", "al. Politechniki", "93-590", "LOD"),
    Place("Wrocław", "ul. Legnicka", "54-203", "WRO"),
    Place("Wrocław", "ul. Świdnicka", "50-066", "WRO"),
    Place("Poznań", "ul. Grunwaldzka", "60-166", "POZ"),
    Place("Poznań", "ul. Półwiejska", "61-888", "POZ"),
    Place("Gdańsk", "al. Grunwaldzka", "80-309", "GDA"),
    Place("Gdynia", "ul. Świętojańska", "81-368", "GDY"),
    Place("Szczecin", "al. Wojska Polskiego", "70-470", "SZC"),
    Place("Bydgoszcz", "ul. Gdańska", "85-005", "BYD"),
    Place("Lublin", "ul. Krakowskie Przedmieście", "20-002", "LUB"),
    Place("Białystok", "ul. Lipowa", "15-424", "BIA"),
    Place("Katowice", "ul. Mariacka", "40-014", "KAT"),
    Place("Rzeszów", "ul. 3 Maja", "35-030", "RZE"),
    Place("Olsztyn", "ul. Staromiejska", "10-017", "OLS"),
    Place("Opole", "ul. Krakowska", "45-018", "OPO"),
    Place("Toruń", "ul. Szeroka", "87-100", "TOR"),
    Place("Radom", "ul. Żeromskiego", "26-600", "RAD"),
    Place("Tarnów", "ul. Wałowa", "33-100", "TAR"),
    Place("Nowy Sącz", "ul. Jagiellońska", "33-300", "NSA"),
    Place("Zakopane", "ul. Krupówki", "34-500", "ZAK"),
    Place("Płock", "ul. Tumska", "09-400", "PLO"),
    Place("Elbląg", "ul. Hetmańska", "82-300", "ELB"),
    Place("Gniezno", "ul. Chrobrego", "62-200", "GNI"),
    Place("Kalisz", "ul. Śródmiejska", "62-800", "KAL"),
    Place("Zamość", "ul. Grodzka", "22-400", "ZAM"),
    Place("Przemyśl", "ul. Franciszkańska", "37-700", "PRZ"),
)

LOCKER_SPOTS = (
    "Przy sklepie Żabka", "Stacja paliw Orlen", "Parking przy Biedronce", "Przy wejściu do Lidla",
    "Obok apteki", "Przy przystanku autobusowym", "Osiedle, przy placu zabaw", "Przy centrum handlowym",
)


@dataclass(frozen=True, slots=True)
class Product:
    """An offer of the demo shop: Allegro offer id, seller's SKU, name and gross price in PLN."""

    offer_id: str
    sku: str
    name: str
    price: str


PRODUCTS = (
    Product("17384920011", "LAD-USBC-20W", "Ładowarka USB-C 20W szybkie ładowanie", "39.99"),
    Product("17384920012", "KAB-USBC-LGT-1M", "Kabel USB-C – Lightning 1 m biały", "24.90"),
    Product("17384920013", "SLU-BT53-CZ", "Słuchawki bezprzewodowe douszne Bluetooth 5.3", "129.00"),
    Product("17384920014", "ETU-IP13-CZ", "Etui silikonowe do iPhone 13 czarne", "19.99"),
    Product("17384920015", "SZK-SGA54", "Szkło hartowane 9H do Samsung Galaxy A54", "14.99"),
    Product("17384920016", "PWB-10K-LCD", "Powerbank 10000 mAh z wyświetlaczem", "79.00"),
    Product("17384920017", "UCH-MAG-AUTO", "Uchwyt samochodowy na telefon magnetyczny", "34.50"),
    Product("17384920018", "GLO-IPX7-20W", "Głośnik przenośny wodoodporny IPX7 20 W", "149.00"),
    Product("17384920019", "KUB-TERM-450", "Kubek termiczny stalowy 450 ml", "49.90"),
    Product("17384920020", "LAM-LED-QI", "Lampka biurkowa LED z ładowarką indukcyjną", "119.99"),
    Product("17384920021", "MYS-BT-CICHA", "Mysz bezprzewodowa cicha 1600 DPI", "44.99"),
    Product("17384920022", "KLA-MECH-RGB", "Klawiatura mechaniczna RGB, układ polski", "219.00"),
    Product("17384920023", "OPA-SMART-HR", "Opaska sportowa smartband z pulsometrem", "99.00"),
    Product("17384920024", "SD-128-A2", "Karta pamięci microSD 128 GB A2", "59.99"),
    Product("17384920025", "LIS-5G-USB", "Listwa zasilająca 5 gniazd z USB 1,5 m", "64.90"),
    Product("17384920026", "ZAR-E27-3PAK", "Żarówka LED E27 10 W barwa ciepła, 3 szt.", "27.99"),
    Product("17384920027", "HUB-USB3-4P", "Hub USB 3.0 4 porty aluminiowy", "54.00"),
    Product("17384920028", "POD-XXL-9040", "Podkładka pod mysz XXL 90 × 40 cm", "39.00"),
    Product("17384920029", "STA-TEL-BT", "Statyw do telefonu z pilotem Bluetooth", "69.99"),
    Product("17384920030", "KAM-WIFI-360", "Kamera Wi-Fi obrotowa 360° Full HD", "159.00"),
)


@dataclass(frozen=True, slots=True)
class DeliveryMethod:
    """A delivery method as Allegro names it, with a stable id and the price the buyer pays."""

    id: str
    name: str
    cost: str
    pickup: str | None = None  # "inpost" or "onebox" when the parcel goes to a pickup point
    cash_on_delivery: bool = False
    smart: bool = True


DELIVERY_METHODS = (
    DeliveryMethod("1fa56f79-4b6a-4821-a6f2-ca9c16d5c925", "Allegro Paczkomaty InPost", "9.99", "inpost"),
    DeliveryMethod("7203cb90-864c-4cab-b2b0-f6a2e0bd6a5c", "Allegro Kurier DPD", "14.99"),
    DeliveryMethod("5b0ad5f5-9b48-4c8a-8ea8-8d3a3ec0e0a1", "Allegro Pocztex Kurier 48", "12.49"),
    DeliveryMethod("0e9bba3a-0f8c-4a3b-9a46-3b6d2e8b9c71", "Allegro One Box, One Kurier", "8.99", "onebox"),
    DeliveryMethod("c3066682-97a3-42fe-9eb5-3beeccab840c", "Odbiór osobisty", "0.00", smart=False),
)
CASH_ON_DELIVERY_METHODS = (
    DeliveryMethod(
        "2488f7b7-5d1c-4d65-b85c-4cbcf253fd93", "Allegro Paczkomaty InPost pobranie", "13.99", "inpost",
        cash_on_delivery=True, smart=False,
    ),
    DeliveryMethod(
        "98f86f81-0018-41c5-ac83-073a56fc7021", "Allegro Kurier DPD pobranie", "19.99",
        cash_on_delivery=True, smart=False,
    ),
    DeliveryMethod(
        "758fcd59-fbfa-4453-ae07-4800d72c2ca5", "Allegro Pocztex Kurier 48 pobranie", "17.49",
        cash_on_delivery=True, smart=False,
    ),
)

COMPANY_NAMES = (
    "Usługi Remontowe {surname}", "Biuro Rachunkowe {surname} s.c.", "{surname} Transport Sp. z o.o.",
    "Pracownia Stolarska {surname}", "TECH-{short} Sp. z o.o.", "Sklep Wielobranżowy {surname}",
    "{short}-SERWIS {surname}", "Kancelaria Radcy Prawnego {first} {surname}",
    "Gabinet Stomatologiczny {surname}",
)
# first three digits of a NIP name the issuing tax office; these are real office prefixes
NIP_OFFICE_PREFIXES = ("521", "525", "526", "676", "677", "679", "779", "783", "894", "951", "118", "113")
NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
MOBILE_PREFIXES = ("501", "502", "505", "509", "511", "515", "533", "535", "570", "600", "601", "604",
                   "605", "606", "660", "664", "691", "693", "697", "721", "724", "730", "782", "790", "880",
                   "883", "886", "889")

MESSAGES_TO_SELLER = (
    "Proszę o staranne zapakowanie, to prezent.",
    "Proszę o wysyłkę jeszcze dziś, jeśli to możliwe.",
    "Proszę nie dzwonić domofonem, dziecko śpi. Wystarczy SMS.",
    "Jeśli jest dostępny, poproszę kolor czarny.",
    "Proszę zostawić paczkę u sąsiada pod numerem 5, gdyby mnie nie było.",
    "Czy mogę prosić o dołączenie paragonu do paczki?",
    "Zamawiam na prezent – proszę nie wkładać faktury do paczki.",
)


def feminine_surname(surname: str) -> str:
    """Nowak stays Nowak, Kowalski becomes Kowalska (and -cki/-dzki alike)."""
    return surname[:-1] + "a" if surname.endswith(("ski", "cki", "dzki")) else surname


def ascii_fold(text: str) -> str:
    """'Łukasz Wiśniewski' -> 'Lukasz Wisniewski' (for logins; Ł has no decomposition)."""
    text = text.replace("ł", "l").replace("Ł", "L")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def nip_check_digit(first_nine: str) -> int:
    """The NIP checksum: weighted sum mod 11 (10 means the nine digits cannot form a NIP)."""
    return sum(int(d) * w for d, w in zip(first_nine, NIP_WEIGHTS, strict=True)) % 11


def is_valid_nip(nip: str) -> bool:
    """True for a ten-digit NIP whose last digit is its checksum."""
    digits = nip.replace("-", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = nip_check_digit(digits[:9])
    return check != 10 and check == int(digits[9])


def random_nip(rng: random.Random) -> str:
    """A checksum-valid NIP with a real tax-office prefix, without dashes."""
    while True:
        body = rng.choice(NIP_OFFICE_PREFIXES) + "".join(rng.choice(string.digits) for _ in range(6))
        check = nip_check_digit(body)
        if check != 10:
            return body + str(check)


def random_phone(rng: random.Random) -> str:
    """A Polish mobile number in international form, e.g. +48601234567."""
    return "+48" + rng.choice(MOBILE_PREFIXES) + "".join(rng.choice(string.digits) for _ in range(6))


def random_login(rng: random.Random, first: str, last: str) -> str:
    """A buyer login in the styles people pick on Allegro."""
    first_a, last_a = ascii_fold(first).lower(), ascii_fold(last).lower()
    style = rng.randrange(4)
    if style == 0:
        return f"{first_a}_{last_a[:3]}{rng.randint(70, 99)}"
    if style == 1:
        return f"{first_a}.{last_a}"
    if style == 2:
        return f"{last_a}{rng.randint(1960, 2005)}"
    return f"{first_a[:4]}{last_a[:4]}{rng.randint(1, 999)}"


def allegromail_alias(rng: random.Random) -> str:
    """The masked address Allegro shows sellers instead of the buyer's e-mail."""
    local = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(10))
    return f"{local}+{rng.getrandbits(32):08x}@allegromail.pl"


def house_number(rng: random.Random) -> str:
    """'12' or '12/4' or '7A'."""
    number = str(rng.randint(1, 120))
    roll = rng.random()
    if roll < 0.45:
        return f"{number}/{rng.randint(1, 60)}"
    if roll < 0.55:
        return number + rng.choice("ABC")
    return number
