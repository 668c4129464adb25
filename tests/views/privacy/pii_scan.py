"""Which templates render buyer fields, and which templates a view function can render (read statically
from its code and the functions of its module it calls)."""
from __future__ import annotations

import inspect
import re
import types
from functools import cache
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
# Names that, used in a template, print a buyer's personal data.
BUYER_FIELDS = (
    "buyer_login", "buyer_first_name", "buyer_last_name", "buyer_email", "buyer_phone", "buyer_company",
    "delivery_address", "pickup_point", "message_to_seller", "receiver_name", "receiver_phone",
    "receiver_email", "receiver_street", "receiver_city", "receiver_postcode", "receiver_company",
)
_FIELD = re.compile(r"\b(" + "|".join(BUYER_FIELDS) + r")\b")
_REFERENCE = re.compile(r"""{%-?\s*(?:include|extends|import|from)\s+["']([^"']+\.html)["']""")
_EXPRESSION = re.compile(r"{{.*?}}|{%.*?%}", re.S)
# Prose in an expression ("Placeholders: {buyer_login}...") names a field without printing it.
_PROSE = re.compile(r"'[^']*\s[^']*'" + r'|"[^"]*\s[^"]*"')


@cache
def _source(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def renders_buyer_fields(name: str) -> bool:
    """Whether the template (or one it includes, extends or imports) prints a buyer field."""
    return bool(buyer_fields(name))


@cache
def buyer_fields(name: str, _seen: frozenset = frozenset()) -> frozenset[str]:
    if name in _seen or not (TEMPLATES / name).exists():
        return frozenset()
    text = _source(name)
    expressions = (_PROSE.sub("''", expr) for expr in _EXPRESSION.findall(text))
    found = {m.group(1) for expr in expressions for m in _FIELD.finditer(expr)}
    for child in _REFERENCE.findall(text):
        found |= buyer_fields(child, _seen | {name})
    return frozenset(found)


def all_templates() -> list[str]:
    return sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))


def view_templates(view) -> set[str]:
    """Template names the view's own code and the functions of its module it calls can render."""
    func = inspect.unwrap(view)
    names: set[str] = set()
    _walk(func, func.__module__, names, set())
    return names


def _walk(func, module: str, names: set[str], visited: set) -> None:
    if func in visited or not isinstance(func, types.FunctionType):
        return
    visited.add(func)
    for code in _codes(func.__code__):
        names.update(c for c in code.co_consts if isinstance(c, str) and c.endswith(".html"))
        for name in code.co_names:
            target = func.__globals__.get(name)
            target = inspect.unwrap(target) if callable(target) else target
            if isinstance(target, types.FunctionType) and target.__module__.startswith("desk.views"):
                _walk(target, module, names, visited)


def _codes(code: types.CodeType):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)
