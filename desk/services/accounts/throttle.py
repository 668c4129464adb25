"""The sign-in throttle: growing delays per e-mail and address, coarse guards per address and per e-mail.

Every failed sign-in is one `LoginAttempt` row (the typed e-mail, the client's address). Three limits
read the rows of the last `window_seconds`:

- one e-mail from one address: `free_failures` pass, then the next attempt waits `first_delay_seconds`
  after the last failure, twice as long after each further failure, at most `max_delay_seconds`;
- one address, any e-mails: at most `address_max_failures` (someone trying many e-mails);
- one e-mail, any addresses: at most `email_max_failures` (someone guessing from many addresses).

The last two lock out whoever comes next, so a device the agent has signed in on before passes them:
failures from elsewhere cannot keep the agent out. Nothing passes the first, which only slows a guesser.
"""
from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, or_, select

from desk.config import Config
from desk.extensions import db
from desk.models import LoginAttempt
from desk.services.errors import N_, RateLimitedError

log = logging.getLogger(__name__)

EMAIL_LENGTH = 254
ADDRESS_LENGTH = 64
# The three limits, named in the log and choosing the message.
PAIR, ADDRESS, EMAIL = "e-mail and address", "address", "e-mail"


@dataclass(frozen=True)
class LoginPolicy:
    """The throttle's numbers, as settings().login hands them over (defaults from Config)."""

    free_failures: int = Config.LOGIN_FREE_FAILURES
    first_delay_seconds: int = Config.LOGIN_FIRST_DELAY_SECONDS
    max_delay_seconds: int = Config.LOGIN_MAX_DELAY_SECONDS
    address_max_failures: int = Config.LOGIN_ADDRESS_MAX_FAILURES
    email_max_failures: int = Config.LOGIN_EMAIL_MAX_FAILURES
    window_seconds: int = Config.LOGIN_WINDOW_SECONDS
    known_device_days: int = Config.KNOWN_DEVICE_DAYS

    def delay_after(self, failures: int) -> int:
        """Seconds one e-mail from one address waits after `failures` failures (0 while they are free)."""
        beyond = failures - self.free_failures
        if beyond < 0:
            return 0
        return min(self.max_delay_seconds, self.first_delay_seconds * 2 ** min(beyond, 32))


def check(
    email: str, remote_addr: str | None, *, device_known: bool, policy: LoginPolicy, now: dt.datetime
) -> None:
    """Raise RateLimitedError if a sign-in as `email` (normalised) from `remote_addr` must wait.

    Failures older than the window are deleted first; that clean-up is committed even when refusing.
    """
    email, address = _keys(email, remote_addr)
    window = dt.timedelta(seconds=policy.window_seconds)
    db.session.execute(
        delete(LoginAttempt).where(
            or_(LoginAttempt.email == email, LoginAttempt.address == address), LoginAttempt.at < now - window
        )
    )
    pair = (LoginAttempt.email == email, LoginAttempt.address == address)
    count, newest = db.session.execute(select(func.count(), func.max(LoginAttempt.at)).where(*pair)).one()
    if delay := policy.delay_after(count):
        _refuse(PAIR, newest + dt.timedelta(seconds=delay), now, address)
    if device_known:
        return  # the agent's own browser: failures from elsewhere do not lock the agent out
    by_address = _unlocked_at(LoginAttempt.address == address, policy.address_max_failures, window)
    _refuse(ADDRESS, by_address, now, address)
    by_email = _unlocked_at(LoginAttempt.email == email, policy.email_max_failures, window)
    _refuse(EMAIL, by_email, now, address)


def record_failure(email: str, remote_addr: str | None, now: dt.datetime) -> None:
    """Count a failed sign-in as `email` (normalised) from `remote_addr`. The caller commits."""
    email, address = _keys(email, remote_addr)
    db.session.add(LoginAttempt(email=email, address=address, at=now))


def forget_pair(email: str, remote_addr: str | None) -> None:
    """End the delays of this e-mail from this address (a successful sign-in); the guards stay."""
    email, address = _keys(email, remote_addr)
    pair = (LoginAttempt.email == email, LoginAttempt.address == address)
    db.session.execute(delete(LoginAttempt).where(*pair))


def forget_email(email: str) -> None:
    """Lift every limit on this e-mail (a new password was set). The caller commits."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email[:EMAIL_LENGTH]))


def _keys(email: str, remote_addr: str | None) -> tuple[str, str]:
    return email[:EMAIL_LENGTH], (remote_addr or "unknown")[:ADDRESS_LENGTH]


def _unlocked_at(where: ColumnElement[bool], limit: int, window: dt.timedelta) -> dt.datetime | None:
    """When enough failures matching `where` expire to fall below `limit`; None if already below.

    Only failures within the window are left when this runs (check() deletes the older ones).
    """
    count = db.session.scalar(select(func.count()).select_from(LoginAttempt).where(where))
    if count < limit:
        return None
    # Failures expire oldest first: the count falls below the limit when the (count - limit + 1)-th has.
    query = select(LoginAttempt.at).where(where).order_by(LoginAttempt.at, LoginAttempt.id)
    return db.session.scalar(query.offset(count - limit).limit(1)) + window


def _refuse(limit: str, until: dt.datetime | None, now: dt.datetime, address: str) -> None:
    if until is None or until <= now:
        return
    db.session.commit()  # keep the clean-up of expired rows
    retry_after = max(1, math.ceil((until - now).total_seconds()))
    log.warning("sign-in throttled by the %s limit (from %s, %d s)", limit, address, retry_after)
    raise _rate_limited(limit, retry_after)


def _rate_limited(limit: str, retry_after: int) -> RateLimitedError:
    minutes = math.ceil(retry_after / 60)
    if limit == ADDRESS:
        message = N_("Too many failed sign-in attempts from this network. Try again in %(minutes)d min.")
    elif limit == EMAIL:
        message = N_(
            "Too many failed sign-in attempts for this e-mail address. Sign in on a device you have "
            "used the desk on before, or try again in %(minutes)d min."
        )
    elif retry_after < 120:
        message = N_("Too many failed sign-in attempts. Try again in %(seconds)d s.")
        return RateLimitedError(message, retry_after=retry_after, seconds=retry_after)
    else:
        message = N_("Too many failed sign-in attempts. Try again in %(minutes)d min.")
    return RateLimitedError(message, retry_after=retry_after, minutes=minutes)
