"""Only desk/config.py holds defaults; views read settings through desk.wiring, never app.config."""
from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from desk import config
from desk.wiring import settings

ROOT = Path(__file__).resolve().parents[2]
ENTRY_POINTS_AND_SERVICES = ("desk/views", "desk/services", "desk/jobs.py", "desk/cli")


def _modules(*places: str) -> Iterator[Path]:
    for place in places:
        path = ROOT / place
        yield from [path] if path.is_file() else sorted(path.rglob("*.py"))


def _nodes(*places: str) -> Iterator[tuple[str, ast.AST]]:
    for path in _modules(*places):
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), where)):
            yield where, node


def _is_config(node: ast.AST) -> bool:
    """`config` or `<anything>.config` (app.config, current_app.config)."""
    return (isinstance(node, ast.Name) and node.id == "config") or (
        isinstance(node, ast.Attribute) and node.attr == "config"
    )


def test_no_config_get_outside_config_and_wiring():
    # Config declares every key, so `config[KEY]` suffices; a .get() exists only to add a default.
    found = [
        f"{where}:{node.lineno}"
        for where, node in _nodes(*ENTRY_POINTS_AND_SERVICES)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("get", "setdefault")
        and _is_config(node.func.value)
    ]
    assert not found, "config defaults belong in desk/config.py:\n" + "\n".join(found)


def test_views_read_no_config():
    found = [
        f"{where}:{node.lineno}"
        for where, node in _nodes("desk/views")
        if isinstance(node, ast.Attribute) and _is_config(node)
    ]
    assert not found, "views take their settings from desk.wiring.settings():\n" + "\n".join(found)


def test_every_setting_comes_from_config_py():
    # settings() reads keys with [...]: one missing from Config would fail here, not in production.
    plain = type("App", (), {"config": {k: v for k, v in vars(config.Config).items() if k.isupper()}})
    assert settings(plain()).deadlines.reply_hours == config.Config.ISSUE_REPLY_TARGET_HOURS


@pytest.mark.parametrize(("value", "expected"), [
    ("szef@sklep.pl, biuro@sklep.pl,", ("szef@sklep.pl", "biuro@sklep.pl")),
    (("szef@sklep.pl", " "), ("szef@sklep.pl",)),
    ((), ()),
])
def test_alert_addresses_from_a_string_or_a_list(app, value, expected):
    app.config["RATING_ALERT_EMAILS"] = value
    assert settings(app).rating_alert_emails == expected
