"""Secrets out of messages: what the client logs and puts into exceptions never carries a token.

Allegro's OAuth endpoints take the refresh token and the device code in the query string, and error
answers (the fake's, at least) may echo a token back; URLs and error texts pass through `redact` before
they reach a log line or an exception message. The client logs method, path and status only, never
headers or bodies.
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger("integrations.allegro.http")

_QUERY_SECRET = re.compile(
    r"(?i)\b(refresh_token|access_token|device_code|code|client_secret|password)=([^&\s\"'#]+)"
)
_BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
MASK = "***"


def redact(text: str | None) -> str:
    """`text` with token-bearing query parameters, bearer credentials and JWTs masked."""
    if not text:
        return text or ""
    text = _QUERY_SECRET.sub(lambda m: f"{m.group(1)}={MASK}", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
    return _JWT.sub(MASK, text)


def log_exchange(method: str, url: str, status: int | str) -> None:
    """One debug line per HTTP exchange: method, URL without secrets, status; nothing else."""
    if log.isEnabledFor(logging.DEBUG):
        log.debug("%s %s -> %s", method, redact(url.split("?", 1)[0]), status)
