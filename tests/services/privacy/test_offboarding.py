"""Offboarding a seller account (G10): tokens and sync stopped at once, every row of the account purged
when its grace period ends (and nothing of another account touched), an interrupted purge rerun to the
same end, the return export holding every table with the account's rows, the receipt without personal
data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import (
    AccountOffboarding,
    AccountStatus,
    AllegroToken,
    DeviceAuthorization,
    OffboardingKind,
    OffboardingState,
    OutboxMessage,
    OutboxState,
    Role,
    SellerAccount,
    SyncSchedule,
)
from desk.services.accounts.sellers import activate_with_tokens
from desk.services.errors import ConflictError
from desk.services.privacy import offboarding
from desk.services.privacy.offboarding.ownership import ACCOUNT_TABLE, AccountTables
from desk.services.shared.tokens import DbTokenStore
from desk.services.sync.runner import run_sync
from desk.wiring import get_allegro, token_cipher
from integrations.allegro import TokenPair
from tests.factories import make_agent
from tests.services.privacy.seed_all import Seeder, snapshot

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


class KeyStore:
    """An in-memory stand-in for the pseudonym key store: destroying a key removes it."""

    def __init__(self, account_ids) -> None:
        self.keys = {account_id: f"key-{account_id}" for account_id in account_ids}
        self.destroyed: list[int] = []

    def destroy(self, account_id: int) -> None:
        self.keys.pop(account_id, None)
        self.destroyed.append(account_id)


def _connect(fake, account: SellerAccount, login: str) -> str:
    seller_id = fake.state.add_seller(login)
    pair = TokenPair.from_response(fake.state.issue_token(seller_id), dt.datetime.now(dt.UTC))
    activate_with_tokens(get_allegro(), account.id, pair)
    return seller_id


@pytest.fixture
def shops(app, fake_allegro):
    """Two accounts, each with a row in every account table and synced orders; A's access token."""
    accounts = [SellerAccount(name="Sklep Alfa"), SellerAccount(name="Sklep Beta")]
    db.session.add_all(accounts)
    db.session.commit()
    seeder = Seeder()
    seeded = {account.id: seeder.seed_account(account.id, f"konto{account.id}") for account in accounts}
    for account, login in zip(accounts, ("alfa_sklep", "beta_sklep"), strict=True):
        seller_id = _connect(fake_allegro, account, login)
        for _ in range(3):
            fake_allegro.state.add_checkout_form(seller_id)
        assert run_sync(get_allegro(), account.id).state == "ok"
    token = DbTokenStore(db.engine, accounts[0].id, token_cipher()).load()
    return accounts[0].id, accounts[1].id, seeded, token


def _count(account_id: int) -> dict[str, int]:
    tables = AccountTables(db.metadata)
    counts = {}
    for owned in tables.parents_first():
        condition = tables.condition(owned.name, account_id)
        counts[owned.name] = db.session.scalar(select(func.count()).select_from(owned.table).where(condition))
    return counts


def _seeded_rows_left(seeded: dict[str, list[dict]]) -> list[str]:
    left = []
    for name, keys_list in seeded.items():
        table = db.metadata.tables[name]
        for keys in keys_list:
            where = [table.c[key] == value for key, value in keys.items()]
            if db.session.scalar(select(func.count()).select_from(table).where(*where)):
                left.append(name)
    return left


def _delete(account_id: int, owner, days: int = 30) -> AccountOffboarding:
    return offboarding.schedule_offboarding(
        account_id, kind=OffboardingKind.DELETE, agent_id=owner.id, now=NOW, grace_days=days
    )


def test_every_account_table_is_seeded(shops):
    alfa, _beta, seeded, _token = shops
    owned = {t.name for t in AccountTables(db.metadata).parents_first()}
    assert owned == set(seeded[alfa])
    assert {"order", "order_line", "issue_message", "invoice_line", "complaint_file"} <= owned
    assert "agent_account" in owned
    counts = _count(alfa)
    assert all(counts[name] >= 1 for name in owned), [n for n in owned if not counts[n]]
    assert counts["order"] >= 4  # the seeded one and the synced ones


def test_deleting_stops_the_sync_and_deletes_the_tokens_at_once(app, shops):
    alfa, beta, _seeded, token = shops
    owner = make_agent(role=Role.OWNER)
    request = _delete(alfa, owner)
    assert request.state == OffboardingState.SCHEDULED
    assert request.purge_due_at == NOW + dt.timedelta(days=30)
    db.session.expire_all()
    assert db.session.get(SellerAccount, alfa).status == AccountStatus.DISABLED
    for model in (AllegroToken, DeviceAuthorization, SyncSchedule):
        assert db.session.scalar(select(func.count()).select_from(model).where(model.account_id == alfa)) == 0
    assert db.session.get(AllegroToken, beta) is not None
    outbox = select(OutboxMessage.account_id, OutboxMessage.state)
    states = dict(db.session.execute(outbox.where(OutboxMessage.account_id.in_([alfa, beta]))).all())
    assert states == {alfa: OutboxState.FAILED, beta: OutboxState.PENDING}  # nothing left to send
    assert DbTokenStore(db.engine, alfa, token_cipher()).load() is None
    assert run_sync(get_allegro(), alfa).state != "ok"  # nothing to sync with
    with pytest.raises(ConflictError):
        _delete(alfa, owner)
    assert token.access_token  # it existed before


def test_nothing_is_purged_before_the_day(app, shops):
    alfa, _beta, _seeded, _token = shops
    before = _count(alfa)
    _delete(alfa, make_agent(role=Role.OWNER), days=30)
    keys = KeyStore([alfa])
    assert offboarding.purge_due(now=NOW + dt.timedelta(days=29), destroy_key=keys.destroy) == {
        "accounts_purged": 0, "rows_purged": 0,
    }
    after = _count(alfa)
    tokens = ("allegro_token", "device_authorization", "sync_schedule")
    assert {k: v for k, v in after.items() if k not in tokens} == {
        k: v for k, v in before.items() if k not in tokens
    }
    assert keys.destroyed == []


def test_purge_removes_every_row_of_the_account_and_nothing_of_the_other(app, shops):
    alfa, beta, seeded, _token = shops
    owner = make_agent(role=Role.OWNER)
    _delete(alfa, owner)
    before = snapshot()
    expected_counts = {name: n for name, n in _count(alfa).items() if n}
    alfa_rows = _rows_of(alfa)
    keys = KeyStore([alfa, beta])

    result = offboarding.purge_due(now=NOW + dt.timedelta(days=30), destroy_key=keys.destroy, batch=2)

    assert result["accounts_purged"] == 1
    assert sum(_count(alfa).values()) == 0
    assert _seeded_rows_left(seeded[alfa]) == []
    assert db.session.get(SellerAccount, alfa) is None
    after = snapshot()
    for name, rows in before.items():
        if name == "account_offboarding":
            continue
        unchanged = {key: row for key, row in rows.items() if (name, key) not in alfa_rows}
        assert after[name] == unchanged, name  # the other account's and shared rows, byte for byte
    assert sum(_count(beta).values()) > 0 and _seeded_rows_left(seeded[beta]) == list(seeded[beta])
    receipt = db.session.scalar(select(AccountOffboarding))
    assert receipt.state == OffboardingState.PURGED and receipt.purged_at == NOW + dt.timedelta(days=30)
    assert receipt.counts == {**expected_counts, ACCOUNT_TABLE: 1}
    assert (receipt.account_id, receipt.account_name, receipt.requested_by) == (alfa, "Sklep Alfa", owner.id)
    assert keys.destroyed == [alfa] and receipt.key_destroyed and beta in keys.keys


def _rows_of(account_id: int) -> set[tuple[str, tuple]]:
    tables = AccountTables(db.metadata)
    rows = {(ACCOUNT_TABLE, (account_id,))}
    for owned in tables.parents_first():
        keys = list(owned.table.primary_key.columns)
        for row in db.session.execute(select(*keys).where(tables.condition(owned.name, account_id))):
            rows.add((owned.name, tuple(row)))
    return rows


def test_an_interrupted_purge_rerun_ends_the_same(app, shops):
    alfa, _beta, seeded, _token = shops
    request = _delete(alfa, make_agent(role=Role.OWNER), days=0)
    expected = {**{name: n for name, n in _count(alfa).items() if n}, ACCOUNT_TABLE: 1}
    keys = KeyStore([alfa])

    stopped = offboarding.purge_account(request.id, now=NOW, destroy_key=keys.destroy, batch=1, stop_after=5)
    assert stopped.state == OffboardingState.PURGING and sum(stopped.counts.values()) == 5
    assert db.session.get(SellerAccount, alfa) is not None and keys.destroyed == []

    later = NOW + dt.timedelta(days=1)
    assert offboarding.purge_due(now=later, destroy_key=keys.destroy)["accounts_purged"] == 1
    receipt = db.session.get(AccountOffboarding, request.id)
    assert receipt.state == OffboardingState.PURGED
    assert receipt.counts == expected
    assert sum(_count(alfa).values()) == 0 and _seeded_rows_left(seeded[alfa]) == []
    assert keys.destroyed == [alfa]
    # once more: nothing left to do
    nothing = {"accounts_purged": 0, "rows_purged": 0}
    assert offboarding.purge_due(now=later, destroy_key=keys.destroy) == nothing


def test_a_cancelled_deletion_is_not_purged(app, shops):
    alfa, _beta, _seeded, _token = shops
    owner = make_agent(role=Role.OWNER)
    _delete(alfa, owner, days=0)
    offboarding.cancel_offboarding(alfa, agent_id=owner.id, now=NOW)
    assert offboarding.purge_due(now=NOW + dt.timedelta(days=90), destroy_key=None)["accounts_purged"] == 0
    assert db.session.get(SellerAccount, alfa) is not None
    assert offboarding.open_offboarding(alfa) is None


def test_disconnecting_starts_the_same_grace_clock(app, shops):
    alfa, _beta, _seeded, _token = shops
    request = offboarding.schedule_offboarding(
        alfa, kind=OffboardingKind.DISCONNECT, agent_id=None, now=NOW, grace_days=14
    )
    assert db.session.get(AllegroToken, alfa) is None
    assert offboarding.purge_due(now=NOW + dt.timedelta(days=13), destroy_key=None)["accounts_purged"] == 0
    assert offboarding.purge_due(now=NOW + dt.timedelta(days=14), destroy_key=None)["accounts_purged"] == 1
    receipt = db.session.get(AccountOffboarding, request.id)
    assert receipt.state == OffboardingState.PURGED and not receipt.key_destroyed


def test_the_return_export_holds_every_table_with_the_accounts_rows_and_no_tokens(app, shops):
    alfa, beta, _seeded, token = shops
    counts = {name: n for name, n in _count(alfa).items() if n}
    out = io.BytesIO()
    manifest = offboarding.export_account(alfa, out, now=NOW)
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    names = set(archive.namelist())
    secret_tables = {"allegro_token", "device_authorization"}
    assert set(manifest.skipped_tables) == secret_tables
    for table, n in counts.items():
        if table in secret_tables:
            continue
        assert {f"{table}.json", f"{table}.csv"} <= names, table
        assert len(json.loads(archive.read(f"{table}.json"))) == n, table
        raw = archive.read(f"{table}.csv")
        assert raw.startswith(b"\xef\xbb\xbf"), table  # UTF-8 with BOM for Excel
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        assert len(rows) == n + 1, table
    assert json.loads(archive.read("seller_account.json"))[0]["name"] == "Sklep Alfa"
    assert json.loads(archive.read("settings.json"))["account"]["id"] == alfa
    assert json.loads(archive.read("manifest.json"))["tables"]["order"] == counts["order"]
    files = [name for name in names if name.startswith("files/complaint_file/")]
    assert files and archive.read(files[0]).startswith(f"konto{alfa}-plik".encode())
    everything = b"".join(archive.read(name) for name in names)
    assert token.access_token.encode() not in everything and token.refresh_token.encode() not in everything
    assert f"konto{beta}-".encode() not in everything  # nothing of the other account
    assert f"konto{alfa}-".encode() in everything
