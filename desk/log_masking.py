"""Logs without personal data or secrets: a second line of defence (G12).

The desk's own log lines carry ids, not names, addresses or tokens. This masks what slips through anyway:
e-mail addresses, phone numbers, bank account numbers (IBAN and the Polish 26 digits), NIPs, PESELs,
bearer credentials, tokens in query strings (Allegro's OAuth endpoints take them there, and the servers'
request logs print the query), Fernet ciphertexts and JWTs.

`install()` (called by create_app) wraps the logging record factory, so each record is masked once, when
it is made, before any handler (a file, the console, Sentry, pytest's caplog) sees it; a filter on
handlers would miss handlers added later. `MaskingFilter` does the same for a handler configured by hand.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
_PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)


def _nip_ok(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits, _NIP_WEIGHTS, strict=False))
    return total % 11 == int(digits[9])


def _pesel_ok(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits, _PESEL_WEIGHTS, strict=False))
    return (10 - total % 10) % 10 == int(digits[10])


def _checked(mask: str, valid: Callable[[str], bool]) -> Callable[[re.Match], str]:
    def replace(match: re.Match) -> str:
        return mask if valid(re.sub(r"\D", "", match.group(0))) else match.group(0)

    return replace


# Order matters: secrets first (a token may contain digit runs), then the longest numbers.
_RULES: tuple[tuple[re.Pattern, str | Callable[[re.Match], str]], ...] = (
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*"), r"\1 [token]"),
    (
        re.compile(
            r"(?i)\b(refresh_token|access_token|device_code|client_secret|password|passwd|secret|api_key)"
            r"(\"?\s*[=:]\s*\"?)([^\s&\"',;}]+)"
        ),
        r"\1\2[secret]",
    ),
    (re.compile(r"([?&]code=)[^\s&\"']+"), r"\1[secret]"),
    (re.compile(r"\bgAAAAA[A-Za-z0-9_\-]{20,}={0,2}"), "[fernet]"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), "[jwt]"),
    (re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"), "[e-mail]"),
    (re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b"), "[iban]"),
    (re.compile(r"(?<![\w])\d{2}(?:[ -]?\d{4}){6}(?![\w])"), "[iban]"),
    (re.compile(r"(?<![\w-])\d{6}[ -]?\d{5}(?![\w-])"), _checked("[pesel]", _pesel_ok)),
    (re.compile(r"(?<![\w-])(?:PL ?)?\d{3}-\d{3}-\d{2}-\d{2}(?![\w-])"), "[nip]"),
    (re.compile(r"(?<![\w-])(?:PL ?)?\d{3}-\d{2}-\d{2}-\d{3}(?![\w-])"), "[nip]"),
    (re.compile(r"(?<![\w-])(?:PL ?)?\d{10}(?![\w-])"), _checked("[nip]", _nip_ok)),
    (re.compile(r"(?<![\w+])(?:\+|00)\d{2}[ -]?\d{2,3}(?:[ -]?\d{2,3}){2,3}(?![\w])"), "[phone]"),
    (re.compile(r"(?<![\w+-])\d{3}[ -]?\d{3}[ -]?\d{3}(?![\w-])"), "[phone]"),
)


def mask(text: str) -> str:
    """`text` with personal data and secrets replaced by markers such as [e-mail] or [token]."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask the record's message (arguments merged in), its traceback and stack text, in place."""
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: leave it to logging's own error handling
        return record
    masked = mask(message)
    if masked != message:
        record.msg, record.args = masked, None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask(record.exc_text)
    if record.stack_info:
        record.stack_info = mask(record.stack_info)
    return record


class MaskingFilter(logging.Filter):
    """A handler filter that masks each record (for handlers set up outside create_app)."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


def install() -> None:
    """Mask every log record of this process from now on (idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "masks_personal_data", False):
        return

    def masking_factory(*args, **kwargs) -> logging.LogRecord:
        return mask_record(factory(*args, **kwargs))

    masking_factory.masks_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(masking_factory)
