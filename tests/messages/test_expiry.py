"""A tenant's message that is due only after it has stopped being of use is never sent: the worker cancels it."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from server import delivery
from server.extensions import db
from server.models import Message, MessageState
from server.services import tenant_messages
from tests import factories

MORNING = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)  # a Tuesday, 10:00 in London: outside the quiet hours


def _reminder(world, expires_at, key="reminder-1") -> Message:
    factories.consenting(world.a.visit.property.household)
    assert tenant_messages.tell(world.a.visit, "appointment_reminder", MORNING, key=key, expires_at=expires_at)
    return db.session.scalars(sa.select(Message).where(Message.dedupe_key == f"appointment_reminder:{key}")).one()


def test_a_message_past_its_use_is_cancelled_and_never_reaches_notify(world, channels, fake_notify):
    message = _reminder(world, expires_at=MORNING + timedelta(hours=1))

    delivery.run_pass(MORNING + timedelta(hours=2), channels)  # the worker was down for two hours

    db.session.refresh(message)
    assert (message.state, message.last_error) == (MessageState.CANCELLED, "Not sent: too late to be of use")
    assert message.attempts == 0 and message.sent_at is None
    assert [n for n in fake_notify.sent if n["reference"] == message.idempotency_key] == []


def test_a_message_still_of_use_is_sent(world, channels, fake_notify):
    message = _reminder(world, expires_at=MORNING + timedelta(hours=1))

    delivery.run_pass(MORNING + timedelta(minutes=5), channels)

    db.session.refresh(message)
    assert message.state == MessageState.SENT
    assert [n["reference"] for n in fake_notify.sent] == [message.idempotency_key]


def test_the_next_due_message_is_claimed_after_an_expired_one(world, app):
    stale = _reminder(world, expires_at=MORNING + timedelta(minutes=30), key="stale")
    fresh = _reminder(world, expires_at=None, key="fresh")
    fresh.next_attempt_at = MORNING + timedelta(minutes=1)  # due after the stale one
    db.session.flush()

    claimed = delivery.claim(MORNING + timedelta(hours=1))

    assert claimed.id == fresh.id and claimed.state == MessageState.SENDING
    db.session.refresh(stale)
    assert stale.state == MessageState.CANCELLED


def test_one_handed_over_before_a_worker_died_is_not_called_unsent(world, app):
    message = _reminder(world, expires_at=MORNING + timedelta(minutes=30))
    message.state, message.handed_over_at = MessageState.SENDING, MORNING
    message.lease_until = MORNING + timedelta(minutes=2)
    db.session.flush()

    claimed = delivery.claim(MORNING + timedelta(hours=1))  # it may have gone: the provider is asked first

    assert claimed.id == message.id and claimed.state == MessageState.SENDING
