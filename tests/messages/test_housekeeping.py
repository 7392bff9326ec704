"""`flask --app wsgi housekeeping` prunes finished messages past MESSAGE_RETENTION_DAYS, a batch at a time."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from server import cli
from server.extensions import db
from server.models import Audience, Channel, Message, MessageState
from server.services import messages


def _message(world, now, state: MessageState, days_old: int) -> Message:
    recipient = messages.Recipient("duty@contractor.example", Audience.MANAGER, organisation_id=world.a.contractor.id)
    values = {"verdict": "revoked", "holder": "Dan", "time": "now", "link": "L"}
    key = f"{state.value}-{days_old}-{db.session.scalar(sa.select(sa.func.count(Message.id)))}"
    kind = "badge_refused_scan"
    created = now - timedelta(days=days_old)
    messages.enqueue(kind, recipient, Channel.EMAIL, kind, values, "en", created, dedupe_key=key)
    message = db.session.scalars(sa.select(Message).where(Message.dedupe_key == key)).one()
    message.state = state
    db.session.flush()
    return message


def _left() -> set[tuple[str, str]]:
    db.session.expire_all()
    return {(m.state.value, m.dedupe_key) for m in db.session.scalars(sa.select(Message))}


@pytest.fixture
def outbox(app, world, now):
    """Finished messages either side of the retention, and an old one still waiting."""
    days = app.config["MESSAGE_RETENTION_DAYS"]
    old = [_message(world, now, state, days + 1) for state in (MessageState.SENT, MessageState.CANCELLED)]
    old.append(_message(world, now, MessageState.FAILED, days + 30))
    kept = [
        _message(world, now, MessageState.SENT, days - 1),
        _message(world, now, MessageState.QUEUED, days + 5),  # never given up on: not the pruner's to drop
    ]
    return old, kept


def test_housekeeping_prunes_finished_messages_past_the_retention_and_says_how_many(app, runner, outbox):
    _old, kept = outbox
    wanted = {(m.state.value, m.dedupe_key) for m in kept}

    result = runner.invoke(args=["housekeeping"])

    assert result.exit_code == 0, result.output
    days = app.config["MESSAGE_RETENTION_DAYS"]
    assert f"Pruned 3 sent, cancelled or failed messages older than {days} days." in result.output
    assert _left() == wanted


def test_the_retention_is_configured(app, runner, outbox, delivery_config):
    delivery_config(MESSAGE_RETENTION_DAYS=100_000)

    result = runner.invoke(args=["housekeeping"])

    assert "Pruned 0 sent, cancelled or failed messages older than 100000 days." in result.output
    assert len(_left()) == 5


def test_messages_are_pruned_in_bounded_batches(outbox, now):
    old, _kept = outbox
    deletes = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("DELETE FROM MESSAGES"):
            deletes.append(statement)

    sa.event.listen(db.engine, "after_cursor_execute", count)
    try:
        pruned = cli.prune_messages(now, batch=2)
    finally:
        sa.event.remove(db.engine, "after_cursor_execute", count)

    assert pruned == len(old) == 3
    assert len(deletes) == 2  # two, then one: the second batch is short, so it is the last
