"""Every message has a Polish translation; pages are Polish by default and English on request."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from desk.extensions import db
from desk.models import Agent, Role
from desk.services.accounts import auth

ROOT = Path(__file__).resolve().parents[2]
PL_CATALOG = ROOT / "desk" / "translations" / "pl" / "LC_MESSAGES" / "messages.po"
# The same keywords as the documented `pybabel extract -k lazy_gettext -k _l` call.
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}
PASSWORD = "Sekretne-Haslo-2026"


def _extract() -> dict[tuple[str, str | None], str]:
    """Messages in desk/ and templates/ as babel.cfg describes them: {(msgid, context): where}."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[tuple[str, str | None], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple | list) else message
        found.setdefault((msgid, context), f"{filename}:{lineno}")
    return found


def _polish_catalog():
    with PL_CATALOG.open("rb") as po:
        return read_po(po, locale="pl")


def test_extraction_finds_the_shell_messages():
    msgids = {msgid for msgid, _context in _extract()}
    assert "Wrong e-mail address or password." in msgids  # marked with N_ in a service
    assert "Sign in to the desk" in msgids  # a template
    assert "Discussions and claims" in msgids  # lazy_gettext


def test_every_message_has_a_polish_translation():
    catalog = _polish_catalog()
    missing = []
    for (msgid, context), where in sorted(_extract().items(), key=lambda item: item[1]):
        entry = catalog.get(msgid, context=context)
        strings = entry.string if entry is not None else None
        translated = all(strings) if isinstance(strings, tuple | list) else bool(strings)
        if entry is None or not translated or entry.fuzzy:
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "untranslated for Polish users:\n" + "\n".join(missing)


def test_polish_placeholders_match_the_originals():
    problems = [
        f"{message.id!r}: {'; '.join(str(e) for e in errors)}"
        for message, errors in _polish_catalog().check()
    ]
    assert not problems, "\n".join(problems)


def test_pages_are_polish_by_default_and_english_on_request(client):
    polish = client.get("/login").get_data(as_text=True)
    assert '<html lang="pl">' in polish
    assert "Logowanie do Allegro Desk" in polish

    switched = client.post("/locale", data={"locale": "en", "next": "/login"})
    assert switched.status_code == 302
    assert switched.location == "/login"
    english = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "Sign in to the desk" in english
    assert "Logowanie" not in english

    client.post("/locale", data={"locale": "pl", "next": "/login"})
    assert "Logowanie do Allegro Desk" in client.get("/login").get_data(as_text=True)


def test_switch_is_remembered_for_a_signed_in_agent(client):
    agent = auth.create_agent(email="anna@sklep.pl", name="Anna Nowak", password=PASSWORD, role=Role.AGENT)
    client.post("/login", data={"email": "anna@sklep.pl", "password": PASSWORD})
    assert "Dzień dobry, Anna Nowak" in client.get("/").get_data(as_text=True)
    client.post("/locale", data={"locale": "en", "next": "/"})
    assert "Hello, Anna Nowak" in client.get("/").get_data(as_text=True)
    assert db.session.get(Agent, agent.id).locale == "en"


def test_unknown_language_is_refused_in_polish(client):
    response = client.post("/locale", data={"locale": "de", "next": "/login"})
    assert response.location == "/login"
    assert "Nieobsługiwany język." in client.get("/login").get_data(as_text=True)


def test_locale_switch_refuses_foreign_next(client):
    response = client.post("/locale", data={"locale": "en", "next": "https://evil.example/"})
    assert response.location == "/"


def test_language_switch_is_on_every_page(client):
    html = client.get("/login?next=/sync/").get_data(as_text=True)
    assert 'action="/locale"' in html
    assert 'name="next" value="/login?next=/sync/"' in html
