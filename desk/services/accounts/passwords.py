"""What the desk accepts as an agent's password: a real passphrase.

Length counts most (NIST SP 800-63B): at least 12 characters that are not blanks, a few different
characters (ten spaces or "aaaaaaaaaaaa" are not a passphrase), not the agent's e-mail or its
name part, and none of the passwords most often found in breaches (a list shipped with the desk,
`data/common-passwords.txt`). No rules about digits or capitals: they make passwords worse.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from desk.services.errors import N_, ValidationError

MIN_LENGTH = 12
MIN_DISTINCT = 5
# Far above any typed password, yet it bounds the work one request can ask of argon2.
MAX_LENGTH = 1024
COMMON_PASSWORDS = Path(__file__).with_name("data") / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of breached passwords, lower-case, one per line."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _squeezed(text: str) -> str:
    return "".join(text.split()).lower()


def check_password(password: str | None, *, email: str = "") -> None:
    """Raise ValidationError (in words for the agent) unless `password` is an acceptable passphrase."""
    password = password or ""
    squeezed = _squeezed(password)
    if len(squeezed) < MIN_LENGTH:
        raise ValidationError(
            N_("The password must have at least %(min)d characters other than spaces."), min=MIN_LENGTH
        )
    if len(password) > MAX_LENGTH:
        raise ValidationError(N_("The password must have at most %(max)d characters."), max=MAX_LENGTH)
    if len(set(squeezed)) < MIN_DISTINCT:
        raise ValidationError(
            N_("The password repeats too few characters; use a few words only you would put together.")
        )
    email = (email or "").strip().lower()
    local = email.split("@", 1)[0]
    if email and (squeezed == _squeezed(email) or (len(local) >= 4 and local in squeezed)):
        raise ValidationError(N_("The password must not contain the e-mail address."))
    if squeezed in common_passwords() or password.strip().lower() in common_passwords():
        raise ValidationError(
            N_("This password is on the list of passwords most often stolen and tried; choose another.")
        )
