"""Answers and removal requests through the outbox: exactly once, confirmed after faults, deadlines."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from desk.extensions import db
from desk.models import OutboxMessage, OutboxState, Role
from desk.models.rating import DraftState, Rating, RatingDayStat, RemovalOutcome
from desk.orm import utcnow
from desk.services import outbox, outbox_kinds
from desk.services.errors import ConflictError, PermissionDenied, ValidationError
from desk.services.outbox_kinds import HANDLERS as ALL_KINDS
from desk.services.ratings import actions as rating_actions
from desk.services.ratings import writes as rating_writes
from desk.services.ratings.sync import sync_ratings
from desk.wiring import get_allegro
from tests.factories import connect_account, make_agent

ANSWER = "PUT /sale/user-ratings/{ratingId}/answer"
REMOVAL = "PUT /sale/user-ratings/{ratingId}/removal"


@pytest.fixture
def setup(app, fake_allegro):
    account, seller_id = connect_account(fake_allegro)
    return account, seller_id


def _stored(fake, account, seller_id, **kwargs) -> Rating:
    allegro = fake.state.add_rating(seller_id, **kwargs)
    sync_ratings(get_allegro().client_for(account.id), account.id, now=utcnow())
    return db.session.scalar(select(Rating).where(Rating.allegro_id == allegro["id"]))


def _answer(rating, text="Dziękujemy, wyjaśniamy sprawę.", key="a1", agent=None, **kwargs):
    return rating_actions.answer_rating(
        get_allegro(), rating_id=rating.id, text=text, agent_id=agent.id if agent else None,
        idempotency_key=key, **kwargs,
    )


def test_answer_is_published_once_and_the_rating_refreshed(app, fake_allegro, setup):
    account, seller_id = setup
    rating = _stored(fake_allegro, account, seller_id, recommended=False, comment="Nie polecam")
    assert rating.is_new_negative
    for _ in range(3):  # a double click, a replayed form
        draft = _answer(rating)
    assert draft.message.state is OutboxState.SENT
    assert fake_allegro.state.request_count(ANSWER) == 1
    published = fake_allegro.state.ratings[rating.allegro_id]["answer"]
    assert published["message"] == "Dziękujemy, wyjaśniamy sprawę."
    db.session.refresh(rating)
    assert rating.answer_text == "Dziękujemy, wyjaśniamy sprawę." and rating.answered_at is not None
    assert not rating.is_new_negative  # answered means handled
    assert db.session.get(RatingDayStat, (account.id, rating.rated_on)).unanswered_negative == 0


def test_answer_whose_connection_drops_after_commit_is_confirmed_not_resent(app, fake_allegro, setup):
    account, seller_id = setup
    rating = _stored(fake_allegro, account, seller_id, recommended=False)
    fake_allegro.state.drop_after_commit(ANSWER)
    draft = _answer(rating, key="drop")
    assert draft.message.state is OutboxState.UNKNOWN
    message = outbox.deliver(get_allegro(), draft.outbox_message_id, ALL_KINDS)
    assert message.state is OutboxState.SENT
    assert fake_allegro.state.request_count(ANSWER) == 1
    db.session.refresh(rating)
    assert rating.answer_text is not None


def test_answer_on_503_is_confirmed_then_sent_once(app, fake_allegro, setup):
    account, seller_id = setup
    rating = _stored(fake_allegro, account, seller_id, recommended=False)
    fake_allegro.state.fail_next(ANSWER, 503)
    draft = _answer(rating, key="503")
    assert draft.message.state is OutboxState.UNKNOWN
    assert outbox.deliver(get_allegro(), draft.outbox_message_id, ALL_KINDS).state is OutboxState.SENT
    assert fake_allegro.state.request_count(ANSWER) == 2  # the failed try and one real send
    assert fake_allegro.state.ratings[rating.allegro_id]["answer"]["message"] == draft.text


def test_answer_crashed_while_sending_is_confirmed_by_the_scheduler(app, fake_allegro, setup):
    account, seller_id = setup
    rating = _stored(fake_allegro, account, seller_id, recommended=False)
    draft = _answer(rating, key="crash")
    message = db.session.get(OutboxMessage, draft.outbox_message_id)
    message.state, message.next_attempt_at = OutboxState.SENDING, utcnow() - dt.timedelta(hours=1)
    db.session.commit()
    assert outbox_kinds.deliver_due(get_allegro()) == {"sent": 1}
    assert fake_allegro.state.request_count(ANSWER) == 1


def test_answer_refused_because_someone_answered_on_allegro_keeps_the_draft(app, fake_allegro, setup):
    account, seller_id = setup
    rating = _stored(fake_allegro, account, seller_id, recommended=False)
    get_allegro().client_for(account.id).answer_rating(rating.allegro_id, "Odpowiedź z panelu Allegro")
    draft = _answer(rating, text="Nasza odpowiedź", key="late")
    assert draft.message.state is OutboxState.FAILED
    assert draft.message.last_error_code == rating_writes.ALREADY_ANSWERED
    assert draft.text == "Nasza odpowiedź" and draft.state is DraftState.QUEUED


def test_text_longer_than_500_is_refused_before_anything_is_recorded(app, fake_allegro, setup):
    account, seller_id = setup
    rating = _stored(fake_allegro, account, seller_id, recommended=False)
    with pytest.raises(ValidationError) as refused:
        _answer(rating, text="x" * 501)
    assert refused.value.params == {"max": 500, "count": 501}
    assert _answer(rating, text="ż" * 500, key="exact").message.state is OutboxState.SENT
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_removal_request_is_sent_once_and_becomes_pending(app, fake_allegro, setup):
    account, seller_id = setup
    rating = _stored(fake_allegro, account, seller_id, recommended=False)
    fake_allegro.state.drop_after_commit(REMOVAL)
    draft = rating_actions.request_removal(
        get_allegro(), rating_id=rating.id, text="Ocena dotyczy innego sprzedawcy", agent_id=None,
        idempotency_key="r1",
    )
    assert draft.message.state is OutboxState.UNKNOWN
    assert outbox.deliver(get_allegro(), draft.outbox_message_id, ALL_KINDS).state is OutboxState.SENT
    assert fake_allegro.state.request_count(REMOVAL) == 1
    db.session.refresh(rating)
    assert rating.removal_requested_at is not None and rating.removal_outcome is RemovalOutcome.PENDING
    assert rating.removal_message == "Ocena dotyczy innego sprzedawcy"
    with pytest.raises(ValidationError):  # only once
        rating_actions.request_removal(get_allegro(), rating_id=rating.id, text="Jeszcze raz", agent_id=None,
                                      idempotency_key="r2")


def test_removal_after_the_deadline_is_refused_with_the_deadline(app, fake_allegro, setup):
    account, seller_id = setup
    deadline = dt.datetime(2026, 3, 1, 11, 30, tzinfo=dt.UTC)
    rating = _stored(fake_allegro, account, seller_id, recommended=False, removal_possible_to=deadline,
                     created_at=deadline - dt.timedelta(days=7))
    with pytest.raises(ValidationError) as refused:
        rating_actions.request_removal(get_allegro(), rating_id=rating.id, text="Proszę o usunięcie",
                                      agent_id=None, idempotency_key="late")
    assert refused.value.params == {"deadline": "01.03.2026 12:30"}  # Warsaw time
    assert fake_allegro.state.request_count(REMOVAL) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_removal_refused_by_allegro_after_the_deadline_fails_with_a_clear_reason(app, fake_allegro, setup):
    account, seller_id = setup
    past = utcnow() - dt.timedelta(minutes=5)
    rating = _stored(fake_allegro, account, seller_id, recommended=False, removal_possible_to=past,
                     created_at=past - dt.timedelta(days=7))
    rating.removal_possible_to = utcnow() + dt.timedelta(hours=1)  # our copy is stale
    db.session.commit()
    draft = rating_actions.request_removal(get_allegro(), rating_id=rating.id, text="Proszę o usunięcie",
                                          agent_id=None, idempotency_key="stale")
    assert draft.message.state is OutboxState.FAILED
    assert draft.message.last_error_code == rating_writes.DEADLINE_PASSED
    assert draft.text == "Proszę o usunięcie"


def test_deadline_is_inclusive_to_the_minute(app, fake_allegro, setup):
    account, seller_id = setup
    rating = _stored(fake_allegro, account, seller_id, recommended=False)
    rating_actions.check_removable(rating, rating.removal_possible_to)  # at the deadline: still allowed
    with pytest.raises(ValidationError):
        rating_actions.check_removable(rating, rating.removal_possible_to + dt.timedelta(seconds=1))


def test_agent_answer_waits_for_owner_approval(app, fake_allegro, setup):
    account, seller_id = setup
    agent = make_agent(accounts=[account])
    owner = make_agent(role=Role.OWNER)
    rating = _stored(fake_allegro, account, seller_id, recommended=False)
    draft = _answer(rating, agent=agent, needs_approval=True, key="p1")
    assert draft.state is DraftState.PROPOSED and draft.outbox_message_id is None
    assert fake_allegro.state.request_count(ANSWER) == 0
    with pytest.raises(ConflictError):  # one proposal at a time
        _answer(rating, agent=agent, needs_approval=True, key="p2")
    with pytest.raises(PermissionDenied):
        rating_actions.approve_draft(get_allegro(), draft_id=draft.id, owner_id=agent.id)

    approved = rating_actions.approve_draft(get_allegro(), draft_id=draft.id, owner_id=owner.id,
                                           text="Poprawiona odpowiedź")
    assert approved.message.state is OutboxState.SENT and approved.decided_by == owner.id
    assert fake_allegro.state.ratings[rating.allegro_id]["answer"]["message"] == "Poprawiona odpowiedź"
    with pytest.raises(ConflictError):
        rating_actions.reject_draft(draft_id=draft.id, owner_id=owner.id)


def test_rejected_answer_is_never_sent(app, fake_allegro, setup):
    account, seller_id = setup
    owner = make_agent(role=Role.OWNER)
    rating = _stored(fake_allegro, account, seller_id, recommended=False)
    draft = _answer(rating, needs_approval=True, key="p3")
    rejected = rating_actions.reject_draft(draft_id=draft.id, owner_id=owner.id, note="Za ostro")
    assert rejected.state is DraftState.REJECTED and rejected.decision_note == "Za ostro"
    assert outbox_kinds.deliver_due(get_allegro()) == {}
    assert fake_allegro.state.request_count(ANSWER) == 0


def test_ratings_of_other_accounts_behave_as_missing(app, fake_allegro, setup):
    account, seller_id = setup
    rating = _stored(fake_allegro, account, seller_id, recommended=False)
    from desk.services.errors import NotFoundError

    with pytest.raises(NotFoundError):
        _answer(rating, account_ids={account.id + 100})
