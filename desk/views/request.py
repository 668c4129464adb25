"""The desk's request class: query and form values arrive without control characters.

A NUL byte in a search box or a login e-mail is never meant, PostgreSQL refuses it in text, and
other C0 controls break CSV exports and Allegro's validation. They are dropped where values are
parsed, so every form and query of every view sees clean text; tabs and line breaks stay.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

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
