"""The font the desk's own PDFs (packing lists, invoices) print Polish letters with: DejaVu Sans where the
machine has it, registered once under one name; Helvetica (with the letters folded) without it."""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)
# Helvetica has no Polish letters: text is folded to ASCII when it is the font in use
FOLD = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
NAME = "DeskSans"


def font_name() -> str:
    """DejaVu Sans (registered once as DeskSans) for the Polish letters; Helvetica without it."""
    if NAME in pdfmetrics.getRegisteredFontNames():
        return NAME
    for path in FONT_CANDIDATES:
        if Path(path).is_file():
            pdfmetrics.registerFont(TTFont(NAME, path))
            return NAME
    return "Helvetica"
