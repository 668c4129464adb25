"""Translations as pages use them: the catalog looked up once per render, label tables translated
once per language.

Flask-Babel finds the locale and the catalog again for every string, and a `lazy_gettext` label does
that each time it is printed; a list of fifty rows prints hundreds of them. Templates here get the
catalog from their render context instead, and the label tables (constants) as plain strings made
once per language and kept.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from babel.support import NullTranslations
from flask import Flask
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from jinja2.runtime import Context

CATALOG = "_desk_catalog"
# (language, id of the tables) -> (the tables, kept so that their id stays theirs; translated copy)
_TRANSLATED: dict[tuple[str, int], tuple[Mapping[str, Any], dict[str, Any]]] = {}


def init_app(app: Flask) -> None:
    """Give templates the render's catalog and gettext functions that read it."""
    app.context_processor(lambda: {CATALOG: get_translations()})
    app.jinja_env.install_gettext_callables(
        gettext=_gettext,
        ngettext=_ngettext,
        newstyle=True,
        pgettext=_pgettext,
        npgettext=_npgettext,
    )


def translated(tables: Mapping[str, Any]) -> dict[str, Any]:
    """`tables` (name -> label table) with every lazy label made a plain string in the current
    language; made once per language and table, as the tables never change."""
    key = (str(get_locale()), id(tables))
    found = _TRANSLATED.get(key)
    if found is None:
        found = _TRANSLATED[key] = (tables, {name: _plain(value) for name, value in tables.items()})
    return found[1]


def _plain(value: Any) -> Any:
    if isinstance(value, LazyString):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
        return dataclasses.replace(value, **fields)
    if isinstance(value, tuple):
        return tuple(_plain(item) for item in value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def catalog_for(context: Context) -> NullTranslations:
    """The catalog of the render `context` belongs to (for helpers templates call)."""
    # Macros imported without context have no render context: they look the catalog up themselves.
    catalog = context.get(CATALOG)
    return catalog if catalog is not None else get_translations()


@pass_context
def _gettext(context: Context, message: str) -> str:
    return catalog_for(context).ugettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return catalog_for(context).ungettext(singular, plural, n)


@pass_context
def _pgettext(context: Context, message_context: str, message: str) -> str:
    return catalog_for(context).upgettext(message_context, message)


@pass_context
def _npgettext(context: Context, message_context: str, singular: str, plural: str, n: int) -> str:
    return catalog_for(context).unpgettext(message_context, singular, plural, n)
