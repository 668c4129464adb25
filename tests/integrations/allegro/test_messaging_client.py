"""The Message Center methods of the real client against the fake Allegro: threads, messages,
paging in both versions, tolerance of odd elements, and what integrators meet on the real one."""

from __future__ import annotations

import datetime as dt

import pytest

from integrations.allegro import (
    COMMON,
    POST_PURCHASE_ISSUE,
    THREAD_NOT_FOUND,
    AllegroClient,
    MessageAuthor,
    NotFound,
    ThreadOrder,
    ThreadOrderOffer,
    ThreadParticipant,
    UnreadableRecord,
)
from integrations.allegro.fake import FakeAllegroState
from integrations.allegro.fake.bad_records import append_raw, drop_field, set_field

from .allegro_doubles import Clock

THREADS = "GET /messaging/threads"
MESSAGES = "GET /messaging/threads/{threadId}/messages"
VERSIONS = ("beta", "public")


def _ago(clock: Clock, **delta: float) -> dt.datetime:
    return clock() - dt.timedelta(**delta)


@pytest.fixture
def order(state: FakeAllegroState, seller_id: str) -> dict:
    return state.add_checkout_form(seller_id)


def test_problem_and_common_thread_in_beta(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, order: dict, clock: Clock
) -> None:
    problem = state.add_thread(
        seller_id,
        type=POST_PURCHASE_ISSUE,
        sub_type="NO_REFUND",
        order_id=order["id"],
        created_at=_ago(clock, hours=2),
        text="Nie dostałem zwrotu pieniędzy",
    )
    question = state.add_thread(seller_id, created_at=_ago(clock, hours=3), text="Czy jest rozmiar M?")
    state.add_thread(state.add_seller("inny_sklep"), text="Cudzy wątek")  # never visible

    page = client.list_threads()

    assert [t.id for t in page.threads] == [problem, question] and page.next_page_id is None
    first, second = page.threads
    buyer = order["buyer"]["login"]
    offers = tuple(ThreadOrderOffer(i["offer"]["id"], i["quantity"]) for i in order["lineItems"])
    assert (first.type, first.sub_type, first.status, first.is_problem) == (
        POST_PURCHASE_ISSUE,
        "NO_REFUND",
        "OPEN",
        True,
    )
    assert first.orders == (ThreadOrder(order["id"], offers),) and first.order_id == order["id"]
    assert first.participants == (
        ThreadParticipant("BUYER", buyer),
        ThreadParticipant("SELLER", "sklep_testowy"),
    )
    assert first.interlocutor_login == buyer and first.created_at == _ago(clock, hours=2)
    assert first.last_message_at == _ago(clock, hours=2) and first.read is False
    # a common thread names both parties USER: the desk tells the buyer by the seller's own login
    assert (second.type, second.sub_type, second.orders, second.interlocutor_login) == (
        COMMON,
        None,
        (),
        None,
    )
    assert second.other_login("SKLEP_TESTOWY") == state.threads[question].buyer_login
    assert client.get_thread(problem) == first


def test_public_threads_read_as_common_with_an_interlocutor(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, order: dict, clock: Clock
) -> None:
    problem = state.add_thread(
        seller_id, type=POST_PURCHASE_ISSUE, order_id=order["id"], created_at=_ago(clock, hours=1), text="?"
    )

    (thread,) = client.list_threads(version="public").threads

    assert (thread.id, thread.type, thread.status, thread.sub_type, thread.created_at) == (
        problem,
        COMMON,
        None,
        None,
        None,
    )
    assert thread.interlocutor_login == order["buyer"]["login"] and thread.participants == ()
    assert thread.last_message_at == _ago(clock, hours=1)
    assert client.get_thread(problem, version="public") == thread


def test_beta_cursor_walks_every_thread_newest_first(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    made = [
        state.add_thread(seller_id, created_at=_ago(clock, minutes=n), text=f"pytanie {n}") for n in range(45)
    ]

    seen, cursor, pages = [], None, 0
    while True:
        page = client.list_threads(page_id=cursor)
        seen += [t.id for t in page.threads]
        pages += 1
        cursor = page.next_page_id
        if cursor is None:
            break

    assert seen == made and pages == 3
    # beta: no limit unless asked (its place in beta is disputed), the cursor passed back verbatim
    queries = [entry.query for entry in state.requests_for(THREADS)]
    assert all("limit" not in q and "offset" not in q for q in queries)
    assert [q.get("page.id") is None for q in queries] == [True, False, False]
    assert [t.id for t in client.list_threads(limit=5).threads] == made[:5]


def test_public_offset_paging_and_client_side_limits(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    made = [
        state.add_thread(seller_id, created_at=_ago(clock, minutes=n), text=f"pytanie {n}") for n in range(25)
    ]

    first = client.list_threads(version="public")
    second = client.list_threads(version="public", offset=20)

    assert [t.id for t in first.threads + second.threads] == made
    assert (first.size, second.size, second.next_page_id) == (20, 5, None)
    assert [t.id for t in client.list_threads(version="public", offset=3, limit=2).threads] == made[3:5]
    for bad in ({"limit": 21}, {"limit": 0}, {"offset": 15_000_001}, {"offset": -1}):
        with pytest.raises(ValueError):
            client.list_threads(version="public", **bad)
    with pytest.raises(ValueError):
        client.list_threads(version="public", read=False)  # a beta filter
    with pytest.raises(ValueError):
        client.list_threads(offset=20)  # beta pages with the cursor
    with pytest.raises(ValueError):
        client.list_threads(version="v2")
    assert state.request_count(THREADS) == 3


def test_beta_filters(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, order: dict, clock: Clock
) -> None:
    problem = state.add_thread(seller_id, type=POST_PURCHASE_ISSUE, order_id=order["id"], text="Uszkodzony")
    closed = state.add_thread(
        seller_id, type=POST_PURCHASE_ISSUE, created_at=_ago(clock, hours=1), text="Brak"
    )
    state.close_thread(closed)
    common = state.add_thread(seller_id, created_at=_ago(clock, hours=2), text="Pytanie", read=True)

    def ids(**filters: object) -> list[str]:
        return [t.id for t in client.list_threads(**filters).threads]  # type: ignore[arg-type]

    assert ids(type=POST_PURCHASE_ISSUE) == [problem, closed]
    assert ids(type=COMMON) == [common]
    assert ids(read=True) == [common] and ids(read=False) == [problem, closed]
    assert ids(status="CLOSED") == [closed]
    assert ids(order_id=order["id"]) == [problem]


def test_an_unreadable_thread_is_set_aside_and_the_rest_kept(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, order: dict, clock: Clock
) -> None:
    ids = [
        state.add_thread(seller_id, type=POST_PURCHASE_ISSUE, order_id=order["id"], text="a"),
        state.add_thread(seller_id, type=POST_PURCHASE_ISSUE, created_at=_ago(clock, hours=1), text="b"),
        state.add_thread(seller_id, created_at=_ago(clock, hours=2), text="c"),
    ]
    state.tamper_next(THREADS, set_field("read", "może", where="threads", index=1))
    state.tamper_next(THREADS, append_raw("threads", "not a thread"), times=1)

    page = client.list_threads()

    assert [t.id for t in page.threads] == [ids[0], ids[2]]
    (bad,) = page.rejected
    assert (bad.kind, bad.allegro_id) == ("thread", ids[1]) and "read" in bad.error
    other = client.list_threads()
    assert [r.raw for r in other.rejected] == ['"not a thread"'] and other.size == 4


def test_unknown_sub_type_type_and_role_are_kept_as_text(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    thread_id = state.add_thread(seller_id, type=POST_PURCHASE_ISSUE, sub_type="OTHER", text="Coś")
    state.tamper_next(THREADS, set_field("subType", "PRODUCT_SMELLS_FUNNY", where="threads"))
    state.tamper_next(MESSAGES, set_field("author.role", "CHATBOT", where="messages"))
    state.tamper_next(MESSAGES, set_field("status", "ARCHIVED", where="messages"))

    assert client.list_threads().threads[0].sub_type == "PRODUCT_SMELLS_FUNNY"
    assert client.list_thread_messages(thread_id).messages[0].author.role == "CHATBOT"
    assert client.list_thread_messages(thread_id).messages[0].status == "ARCHIVED"


def test_a_thread_answer_about_another_thread_is_unreadable(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    thread_id = state.add_thread(seller_id, text="a")
    state.tamper_next("GET /messaging/threads/{threadId}", set_field("id", "another"))
    state.tamper_next("GET /messaging/threads/{threadId}", drop_field("read"))

    with pytest.raises(UnreadableRecord) as other:
        client.get_thread(thread_id)
    with pytest.raises(UnreadableRecord) as broken:
        client.get_thread(thread_id)

    assert other.value.record.kind == "thread" and "another" in other.value.record.error
    assert broken.value.record.allegro_id == thread_id


@pytest.mark.parametrize("version", VERSIONS)
def test_messages_and_a_reply_in_both_versions(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, order: dict, clock: Clock, version: str
) -> None:
    thread_id = state.add_thread(
        seller_id,
        type=POST_PURCHASE_ISSUE,
        order_id=order["id"],
        created_at=_ago(clock, hours=1),
        text="Gdzie?",
    )
    before = client.get_thread(thread_id, version=version).last_message_at

    sent = client.reply_in_thread(thread_id, text="Już sprawdzamy.", version=version)

    page = client.list_thread_messages(thread_id, version=version)
    reply, question = sorted(page.messages, key=lambda m: m.created_at, reverse=True)
    assert reply == sent and reply.thread_id == question.thread_id == thread_id
    assert (reply.text, reply.type, reply.status, reply.order_id) == (
        "Już sprawdzamy.",
        "MESSAGE_CENTER",
        "DELIVERED",
        order["id"],
    )
    assert reply.author.is_seller("sklep_testowy") and not question.author.is_seller("sklep_testowy")
    if version == "beta":
        assert reply.author == MessageAuthor("SELLER", "sklep_testowy", None)
        assert question.author == MessageAuthor("BUYER", order["buyer"]["login"], None)
    else:
        assert reply.author == MessageAuthor(None, "sklep_testowy", False)
        assert question.author == MessageAuthor(None, order["buyer"]["login"], True)
    assert question.offer_id == order["lineItems"][0]["offer"]["id"]
    after = client.get_thread(thread_id, version=version).last_message_at
    assert before == _ago(clock, hours=1) and after == clock()
    got = client.get_message(sent.id, version=version)
    assert got.text == sent.text and got.thread_id == (None if version == "beta" else thread_id)
    assert state.messaging_sent(seller_id)[0]["text"] == "Już sprawdzamy."


def test_public_message_paging_before_and_after(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    thread_id = state.add_thread(seller_id, created_at=_ago(clock, hours=30), text="0")
    for n in range(1, 25):
        state.add_thread_buyer_message(thread_id, str(n), created_at=_ago(clock, hours=30 - n))
    start = _ago(clock, hours=30)

    first = client.list_thread_messages(thread_id, version="public")
    rest = client.list_thread_messages(thread_id, version="public", offset=20)
    newer = client.list_thread_messages(thread_id, version="public", after=start + dt.timedelta(hours=20))
    older = client.list_thread_messages(thread_id, version="public", before=start + dt.timedelta(hours=2))

    assert (first.size, rest.size) == (20, 5)
    texts = {m.text for m in first.messages + rest.messages}
    assert texts == {str(n) for n in range(25)}
    assert sorted(int(m.text) for m in newer.messages) == [21, 22, 23, 24]  # exclusive
    assert sorted(int(m.text) for m in older.messages) == [0, 1]
    assert "offset" not in state.requests_for(MESSAGES)[-1].query
    with pytest.raises(ValueError):
        client.list_thread_messages(thread_id, version="public", offset=5, before=clock())
    with pytest.raises(ValueError):
        client.list_thread_messages(thread_id, version="public", after=dt.datetime(2026, 1, 1))  # naive
    with pytest.raises(ValueError):
        client.list_thread_messages(thread_id, after=clock())  # beta has no date filter
    with pytest.raises(ValueError):
        client.list_thread_messages(thread_id, version="public", offset=15_001)


def test_beta_message_cursor(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    thread_id = state.add_thread(seller_id, created_at=_ago(clock, hours=50), text="0")
    for n in range(1, 45):
        state.add_thread_buyer_message(thread_id, str(n), created_at=_ago(clock, hours=50 - n))

    texts, cursor = [], None
    while True:
        page = client.list_thread_messages(thread_id, page_id=cursor)
        texts += [m.text for m in page.messages]
        cursor = page.next_page_id
        if cursor is None:
            break

    assert sorted(texts, key=int) == [str(n) for n in range(45)] and len(texts) == 45
    assert state.request_count(MESSAGES) == 3


def test_late_publication_keeps_the_earlier_created_at(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    thread_id = state.add_thread(seller_id, created_at=_ago(clock, hours=2), text="pierwsza")
    written = _ago(clock, minutes=30)
    late = state.add_thread_buyer_message(
        thread_id, "napisana wcześniej", created_at=written, publish_at=clock() + dt.timedelta(minutes=10)
    )

    assert [m.text for m in client.list_thread_messages(thread_id).messages] == ["pierwsza"]
    with pytest.raises(NotFound):
        client.get_message(late)
    clock.advance(600)

    shown = client.list_thread_messages(thread_id).messages
    assert {m.text for m in shown} == {"pierwsza", "napisana wcześniej"}
    assert client.get_message(late).created_at == written < clock() - dt.timedelta(minutes=10)
    # the thread's time is the message's writing time, earlier than the moment it appeared
    assert client.get_thread(thread_id).last_message_at == written


def test_a_held_message_appears_only_when_released(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    listed = state.add_thread(seller_id, created_at=_ago(clock, hours=1), text="widoczna")
    held = state.add_thread_buyer_message(listed, "w weryfikacji", status="VERIFYING")
    only_held = state.add_thread(seller_id, created_at=_ago(clock, hours=3))
    held_alone = state.add_thread_buyer_message(
        only_held, "też w weryfikacji", status="VERIFYING", created_at=_ago(clock, hours=3)
    )

    assert [t.id for t in client.list_threads().threads] == [listed]
    assert [m.text for m in client.list_thread_messages(listed).messages] == ["widoczna"]
    with pytest.raises(NotFound):
        client.get_thread(only_held)

    state.release_message(held)
    state.release_message(held_alone)

    assert [t.id for t in client.list_threads().threads] == [listed, only_held]
    assert client.get_message(held).status == "DELIVERED"
    assert len(client.list_thread_messages(listed).messages) == 2


def test_a_deleted_message_is_gone_but_the_thread_keeps_its_time(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    thread_id = state.add_thread(seller_id, created_at=_ago(clock, hours=2), text="stara")
    newest = state.add_thread_buyer_message(thread_id, "usunięta", created_at=_ago(clock, hours=1))

    state.delete_message_silently(newest)

    assert [m.text for m in client.list_thread_messages(thread_id).messages] == ["stara"]
    with pytest.raises(NotFound):
        client.get_message(newest)
    assert client.get_thread(thread_id).last_message_at == _ago(clock, hours=1)
    assert client.list_threads(version="public").threads[0].last_message_at == _ago(clock, hours=1)


def test_seller_deletes_own_message(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, clock: Clock
) -> None:
    thread_id = state.add_thread(seller_id, created_at=_ago(clock, minutes=5), text="Pytanie")
    sent = client.reply_in_thread(thread_id, text="Pomyłka")
    buyers = client.list_thread_messages(thread_id).messages[-1]

    client.delete_message(sent.id)

    assert [m.id for m in client.list_thread_messages(thread_id).messages] == [buyers.id]
    with pytest.raises(NotFound):
        client.delete_message(sent.id)


def test_a_listed_thread_can_answer_thread_not_found(
    client: AllegroClient, state: FakeAllegroState, seller_id: str
) -> None:
    thread_id = state.add_thread(seller_id, text="Jest tu kto?")
    assert [t.id for t in client.list_threads().threads] == [thread_id]
    state.thread_not_found_next(thread_id, times=2)

    with pytest.raises(NotFound) as first:
        client.list_thread_messages(thread_id)
    with pytest.raises(NotFound) as second:
        client.get_thread(thread_id, version="public")

    for caught in (first, second):
        assert caught.value.code == THREAD_NOT_FOUND == "THREAD_NOT_FOUND"
        assert caught.value.user_message == "Wątek nie istnieje"
        assert thread_id in (caught.value.errors[0].message or "")
    assert client.get_thread(thread_id).id == thread_id  # the next read finds it again
    assert len(client.list_thread_messages(thread_id).messages) == 1


@pytest.mark.parametrize("version", VERSIONS)
def test_only_put_read_changes_the_read_flag(
    client: AllegroClient, state: FakeAllegroState, seller_id: str, version: str
) -> None:
    thread_id = state.add_thread(seller_id, text="Dzień dobry")
    client.list_threads(version=version)
    client.get_thread(thread_id, version=version)
    message = client.list_thread_messages(thread_id, version=version).messages[0]
    client.get_message(message.id, version=version)
    client.reply_in_thread(thread_id, text="Dzień dobry, w czym pomóc?", version=version)

    assert client.get_thread(thread_id, version=version).read is False
    assert client.mark_thread_read(thread_id, version=version) is True
    assert client.get_thread(thread_id, version=version).read is True
    assert client.mark_thread_read(thread_id, False, version=version) is False
    assert state.threads[thread_id].read is False
    put = state.requests_for("PUT /messaging/threads/{threadId}/read")
    assert [entry.body for entry in put] == [{"read": True}, {"read": False}]
