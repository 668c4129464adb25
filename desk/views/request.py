"""The desk's request class (query and form values arrive without control characters) and its
URL id converter.

A NUL byte in a search box or a login e-mail is never meant, PostgreSQL refuses it in text, and
other C0 controls break CSV exports and Allegro's validation. They are dropped where values are
parsed, so every form and query of every view sees clean text; tabs and line breaks stay.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

from desk.views.query_args import ID_MAX

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: Any) -> Any:
    """The text without control characters (tab, CR and LF kept); anything else unchanged."""
    return CONTROL.sub("", value) if isinstance(value, str) else value


class CleanMultiDict(ImmutableMultiDict):
    """Parsed query or form values, keys and values cleaned."""

    def __init__(self, mapping: Any = None) -> None:
        if isinstance(mapping, MultiDict):
            pairs = mapping.items(multi=True)
        elif isinstance(mapping, dict):
            pairs = mapping.items()
        else:
            pairs = mapping or ()
        super().__init__([(clean(key), clean(value)) for key, value in pairs])


class DeskRequest(Request):
    parameter_storage_class = CleanMultiDict


class IdConverter(IntegerConverter):
    """`<int:...>` in the desk's URLs: an id the database can hold, so a longer number is a 404."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)
