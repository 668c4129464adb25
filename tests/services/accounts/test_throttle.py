"""The sign-in throttle: growing delays per e-mail and address, guards per address and per e-mail,
and known devices passing a lockout of the e-mail."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from desk.extensions import db
from desk.models import KnownDevice, LoginAttempt, Role
from desk.services.accounts import agents, auth
from desk.services.accounts.throttle import PAIR, LoginPolicy, _rate_limited
from desk.services.errors import PermissionDenied, RateLimitedError, ValidationError

PASSWORD = "Sekretne-Haslo-2026"
OFFICE = "192.0.2.10"
HOME = "198.51.100.7"
DEFAULT = LoginPolicy()
# Small guards, so a test needs few failures to reach them.
GUARDED = LoginPolicy(address_max_failures=8, email_max_failures=8)


@pytest.fixture
def anna(app):
    return auth.create_agent(email="anna@sklep.pl", name="Anna Nowak", password=PASSWORD, role=Role.AGENT)


def _sign_in(addr, *, password=PASSWORD, email="anna@sklep.pl", token=None, policy=DEFAULT):
    return auth.authenticate(email, password, remote_addr=addr, device_token=token, policy=policy)


def _fail(addr, *, email="anna@sklep.pl", times=1, token=None, policy=DEFAULT):
    for _ in range(times):
        with pytest.raises(ValidationError):
            _sign_in(addr, password="wrong-password!", email=email, token=token, policy=policy)


def _refused(addr, **kwargs) -> RateLimitedError:
    with pytest.raises(RateLimitedError) as caught:
        _sign_in(addr, **kwargs)
    return caught.value


def _wait(seconds: int) -> None:
    """Let `seconds` pass for the throttle: every recorded failure moves that far into the past."""
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.at -= dt.timedelta(seconds=seconds)
    db.session.commit()


def _lock_email() -> None:
    """Someone guesses Anna's password from two addresses, four times from each (still free there)."""
    for addr in ("203.0.113.1", "203.0.113.2"):
        _fail(addr, times=GUARDED.email_max_failures // 2)


def _failures(*where) -> int:
    return db.session.scalar(select(func.count()).select_from(LoginAttempt).where(*where))


def test_delay_doubles_after_the_free_failures_up_to_the_cap():
    policy = LoginPolicy(free_failures=5, first_delay_seconds=30, max_delay_seconds=900)
    assert [policy.delay_after(n) for n in range(4, 12)] == [0, 30, 60, 120, 240, 480, 900, 900]
    assert policy.delay_after(10_000) == 900


def test_failures_from_one_address_do_not_lock_the_agent_out_of_another(anna):
    _fail(OFFICE, times=5)
    _refused(OFFICE)  # the guesser's address waits
    assert _sign_in(HOME).agent.id == anna.id


def test_the_delay_of_one_email_from_one_address_grows_with_each_failure(anna):
    waits = []
    for _ in range(7):
        _fail(OFFICE, times=1 if waits else 5)
        waits.append(_refused(OFFICE).retry_after)
        _wait(waits[-1])
    expected = [30, 60, 120, 240, 480, 900, 900]
    assert all(want - 2 <= got <= want for got, want in zip(waits, expected, strict=True)), waits
    assert _sign_in(OFFICE).agent.id == anna.id  # waited out, the right password works again


def test_the_delay_is_refused_before_the_password_is_checked(anna):
    _fail(OFFICE, times=5)
    for _ in range(3):
        _refused(OFFICE, password="another-guess!")
    assert _failures() == 5  # refused attempts are not guesses, so they do not lengthen the delay


def test_a_short_delay_is_shown_in_seconds_a_long_one_in_minutes(anna):
    _fail(OFFICE, times=5)
    short = _refused(OFFICE)
    assert short.params == {"seconds": short.retry_after}
    assert "Try again in" in str(short) and str(short).endswith(" s.")
    _wait(short.retry_after)
    _fail(OFFICE)  # the sixth failure: 60 s
    _wait(_refused(OFFICE).retry_after)
    _fail(OFFICE)  # the seventh: 120 s, less the moments the test itself takes on a busy machine
    seventh = _refused(OFFICE)
    assert 110 < seventh.retry_after <= 120
    # from two minutes on the wait is told in minutes, below it in seconds
    assert _rate_limited(PAIR, 120).params == {"minutes": 2}
    assert _rate_limited(PAIR, 119).params == {"seconds": 119}


def test_one_address_trying_many_emails_is_stopped(anna):
    for n in range(GUARDED.address_max_failures):
        _fail(OFFICE, email=f"guess{n}@sklep.pl")
    refused = _refused(OFFICE, policy=GUARDED)
    assert "from this network" in refused.message
    assert 3500 < refused.retry_after <= 3600
    assert _sign_in(HOME, policy=GUARDED).agent.id == anna.id


def test_everybody_behind_one_proxy_is_not_locked_out_by_a_few_failures(anna):
    # The default address guard is generous: a shared proxy address carries everyone's typos.
    for n in range(10):
        _fail(OFFICE, email=f"colleague{n}@sklep.pl")
    assert _sign_in(OFFICE).agent.id == anna.id


def test_guessing_one_email_from_many_addresses_locks_it_for_unknown_devices(anna):
    _lock_email()
    refused = _refused(HOME, policy=GUARDED)
    assert "for this e-mail address" in refused.message
    assert refused.params["minutes"] == 60


def test_a_known_device_passes_a_lockout_of_the_email(anna):
    token = _sign_in(HOME).device_token
    _lock_email()
    _refused(HOME, policy=GUARDED)  # the same place without the device's token
    _refused(HOME, token="made-up-token", policy=GUARDED)
    signed_in = _sign_in(HOME, token=token, policy=GUARDED)
    assert signed_in.agent.id == anna.id
    assert signed_in.device_token == token  # the device stays the same one
    with pytest.raises(ValidationError):  # the device still needs the right password
        _sign_in(HOME, token=token, password="wrong-password!", policy=GUARDED)


def test_a_known_device_passes_a_lockout_of_its_address(anna):
    token = _sign_in(OFFICE).device_token
    for n in range(GUARDED.address_max_failures):
        _fail(OFFICE, email=f"guess{n}@sklep.pl")
    _refused(OFFICE, policy=GUARDED)
    assert _sign_in(OFFICE, token=token, policy=GUARDED).agent.id == anna.id


def test_failures_from_a_known_device_still_count_for_its_address(anna):
    token = _sign_in(HOME).device_token
    _fail(HOME, times=5, token=token)
    assert _refused(HOME, token=token).retry_after > 0
    assert _failures(LoginAttempt.email == "anna@sklep.pl", LoginAttempt.address == HOME) == 5


def test_a_device_is_known_only_for_its_own_agent(anna):
    ola = auth.create_agent(email="ola@sklep.pl", name="Ola", password=PASSWORD, role=Role.AGENT)
    olas_token = _sign_in(HOME, email=ola.email).device_token
    _lock_email()
    _refused(HOME, token=olas_token, policy=GUARDED)
    signed_in = _sign_in(HOME, email=ola.email, token=olas_token, policy=GUARDED)
    assert signed_in.agent.id == ola.id


def test_only_a_hash_of_the_device_token_is_stored(anna):
    token = _sign_in(HOME).device_token
    device = db.session.scalars(select(KnownDevice)).one()
    assert device.agent_id == anna.id
    assert token not in device.token_hash and len(device.token_hash) == 64
    assert len(token) >= 40


def test_a_device_unused_for_too_long_is_no_longer_known(anna):
    token = _sign_in(HOME).device_token
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=DEFAULT.known_device_days + 1)
    db.session.execute(update(KnownDevice).values(last_used_at=long_ago))
    db.session.commit()
    _lock_email()
    _refused(HOME, token=token, policy=GUARDED)


def test_each_agent_keeps_a_bounded_number_of_devices(anna):
    for _ in range(25):
        _sign_in(HOME)  # a browser that keeps no cookie is a new device every time
    assert db.session.scalar(select(func.count()).select_from(KnownDevice)) == 20


def test_a_new_password_forgets_the_known_devices(anna):
    token = _sign_in(HOME).device_token
    auth.set_password(email="anna@sklep.pl", password="Nowe-Haslo-2026!")
    assert db.session.scalar(select(func.count()).select_from(KnownDevice)) == 0
    _lock_email()
    _refused(HOME, token=token, password="Nowe-Haslo-2026!", policy=GUARDED)


def test_deactivation_forgets_the_known_devices(anna):
    admin = auth.create_agent(email="admin@sklep.pl", name="Admin", password=PASSWORD, role=Role.ADMIN)
    _sign_in(HOME)
    agents.set_agent_active(anna.id, active=False, acting_agent_id=admin.id)
    assert db.session.scalar(select(func.count()).select_from(KnownDevice)) == 0
    with pytest.raises(PermissionDenied):
        _sign_in(HOME)


def test_success_ends_the_delay_of_its_address_but_not_the_guards(anna):
    _fail(OFFICE, times=4)
    _fail(HOME, times=2)
    _sign_in(OFFICE)
    assert _failures(LoginAttempt.address == OFFICE) == 0
    assert _failures(LoginAttempt.address == HOME) == 2


def test_failures_older_than_the_window_are_forgotten(anna):
    _fail(OFFICE, times=5)
    _wait(DEFAULT.window_seconds + 1)
    assert _sign_in(OFFICE).agent.id == anna.id
    assert _failures() == 0


def test_unknown_emails_are_throttled_like_known_ones(anna):
    # The throttle must not tell which e-mails belong to agents.
    _fail(OFFICE, email="nobody@sklep.pl", times=5)
    _fail(OFFICE, times=5)
    unknown, known = _refused(OFFICE, email="nobody@sklep.pl"), _refused(OFFICE)
    assert unknown.message == known.message
