"""Two workers draining one outbox at once send every message exactly once (SELECT ... FOR UPDATE SKIP LOCKED).

On PostgreSQL only, on a database of its own (tests/databases.py) whose transactions commit for real:
the rolled-back test transaction would serialise the workers and prove nothing.
SQLite has one writer; there a single worker is the rule (server/delivery).
"""

import threading
from collections import Counter

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from server import create_app, delivery, dev_mail
from server.extensions import db
from server.models import Audience, Channel, Message, MessageState
from server.models.base import utcnow
from server.services import messages
from tests import factories
from tests.databases import own_database
from tests.messages.conftest import free_port

WORKERS = 2
MESSAGES = 30


@pytest.fixture(scope="module")
def committing_app(app, database_url, tmp_path_factory):
    """An app on a database of its own, migrated from empty, sending to a catch-all SMTP server of its own."""
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent workers need PostgreSQL (SQLite has one writer: run one worker there)")
    port = free_port()
    sink = dev_mail.start(tmp_path_factory.mktemp("mail"), port=port)
    with own_database(database_url, "messages_workers") as url:
        config = {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "LOG_JSON": False,
            "SMTP_URL": f"smtp://127.0.0.1:{port}",
        }
        committing = create_app(config)
        with committing.app_context():
            upgrade()
        committing.sink = sink.handler
        yield committing
        sink.stop()
        with committing.app_context():
            db.engine.dispose()


def test_two_workers_at_once_send_each_message_exactly_once(committing_app):
    now = utcnow()
    with committing_app.app_context():
        org = factories.contractor()
        for n in range(MESSAGES):
            recipient = messages.Recipient(f"manager{n}@contractor.example", Audience.MANAGER, organisation_id=org.id)
            values = {"verdict": "revoked", "holder": "Dan", "time": "now", "link": "L"}
            messages.enqueue("badge_refused_scan", recipient, Channel.EMAIL, "badge_refused_scan", values, "en", now)
        db.session.commit()
    start = threading.Barrier(WORKERS)
    sent = []

    def work():
        with committing_app.app_context():
            channels = delivery.providers(committing_app.config)
            start.wait()
            sent.append(delivery.run_pass(now, channels).sent)
            db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(sent) == MESSAGES
    caught = Counter(email["To"] for email in committing_app.sink.messages())
    assert len(caught) == MESSAGES and set(caught.values()) == {1}
    with committing_app.app_context():
        states = db.session.scalars(sa.select(Message.state)).all()
        assert Counter(states) == {MessageState.SENT: MESSAGES}


def test_a_waiting_worker_is_woken_when_a_queued_message_commits_and_not_before(committing_app):
    with committing_app.app_context():
        listener = delivery.outbox_listener()
        try:
            org = factories.contractor()
            recipient = messages.Recipient("duty@contractor.example", Audience.MANAGER, organisation_id=org.id)
            values = {"verdict": "revoked", "holder": "Dan", "time": "now", "link": "L"}
            now = utcnow()
            messages.enqueue("badge_refused_scan", recipient, Channel.EMAIL, "badge_refused_scan", values, "en", now)
            db.session.flush()
            assert list(listener.notifies(timeout=0.2)) == []  # not yet committed: nothing to send

            db.session.commit()

            woken = next(listener.notifies(timeout=10, stop_after=1), None)
            assert woken is not None and woken.channel == messages.OUTBOX_CHANNEL
        finally:
            listener.close()
