"""The worker sends the outbox through a real SMTP server and a Notify stand-in, once each, retrying an outage."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from server import delivery
from server.delivery import providers
from server.extensions import db
from server.models import Audience, Channel, Message, MessageState
from server.services import concerns, messages
from tests import factories
from tests.messages.conftest import SMS_TEMPLATE, free_port

SECRET_TEXT = "Child left alone overnight, bruise on arm"


class WorkerKilled(BaseException):
    """The process died: nothing after this point ran (a BaseException, as no handler may catch it)."""


class DiesAfterSending:
    """The real provider, but the worker dies the moment it has sent, before it records the answer."""

    def __init__(self, inner):
        self.inner, self.name = inner, inner.name

    def send(self, message, handing_over):
        self.inner.send(message, handing_over)
        raise WorkerKilled

    def find(self, message):
        return self.inner.find(message)


def _raise_safeguarding(world, now):
    concerns.raise_concern(
        world.a.visit.id,
        {"category": "safeguarding", "severity": "significant", "description": SECRET_TEXT},
        world.a.operative,
        now,
    )


def _sms(world, now, phone="07700 900123") -> Message:
    recipient = messages.Recipient(phone, Audience.TENANT, household_id=world.a.home.household.id)
    values = {
        "category": "repair",
        "a_category": "a repair",
        "contract": "C",
        "repair": "R-1",
        "severity": "x",
        "due": "soon",
        "link": "L",
    }
    messages.enqueue(
        "concern_urgent", recipient, Channel.SMS, "concern_urgent", values, "en", now, contract_id=world.a.contract.id
    )
    return db.session.scalars(sa.select(Message).where(Message.channel == Channel.SMS)).one()


def _all() -> list[Message]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Message).order_by(Message.created_at, Message.recipient)))


def test_the_worker_emails_a_safeguarding_alert_to_each_manager_through_smtp(world, now, channels, mail_sink):
    _raise_safeguarding(world, now)

    done = delivery.run_pass(now, channels)

    assert done.sent == 4
    caught = mail_sink.messages()
    managers = [world.a.landlord_admin, world.a.landlord_manager, world.a.contractor_admin, world.a.contractor_manager]
    assert sorted(m["To"] for m in caught) == sorted(u.email for u in managers)
    for email in caught:
        assert email["Subject"].startswith("Urgent: a safeguarding concern")
        assert "/console/queue" in email.get_content() and "bruise" not in email.get_content()
    sent = _all()
    assert {m.state for m in sent} == {MessageState.SENT}
    assert sorted(m.provider_id for m in sent) == sorted(e["Message-ID"] for e in caught)
    assert all(m.sent_at == now and m.attempts == 1 for m in sent)


def test_the_worker_sends_a_text_through_notify_with_its_reference(world, now, channels, fake_notify):
    message = _sms(world, now)

    delivery.run_pass(now, channels)

    [notification] = fake_notify.sent
    assert notification["phone_number"] == "07700 900123"
    assert notification["template_id"] == SMS_TEMPLATE
    assert notification["reference"] == message.idempotency_key
    assert notification["personalisation"]["body"] == message.body
    db.session.refresh(message)
    assert (message.state, message.provider, message.provider_id) == ("sent", "notify", notification["id"])


def test_the_notify_stand_in_keeps_each_text_it_is_sent_as_a_file(world, now, channels, fake_notify):
    message = _sms(world, now)

    delivery.run_pass(now, channels)

    [kept] = fake_notify.folder.glob("*.json")
    notification = json.loads(kept.read_text(encoding="utf-8"))
    assert (notification["phone_number"], notification["personalisation"]["body"]) == ("07700 900123", message.body)
    assert notification == fake_notify.sent[0]


def test_killed_between_sending_and_recording_a_text_is_not_sent_twice(world, now, channels, fake_notify, app):
    message = _sms(world, now)
    dying = {**channels, Channel.SMS: DiesAfterSending(channels[Channel.SMS])}

    with pytest.raises(WorkerKilled):
        delivery.run_pass(now, dying)
    db.session.rollback()  # what the dead worker had not committed is gone
    assert len(fake_notify.posts()) == 1
    db.session.refresh(message)
    assert message.state == MessageState.SENDING and message.handed_over_at is not None

    later = now + timedelta(seconds=app.config["DELIVERY_LEASE_SECONDS"] + 1)
    delivery.run_pass(now, channels)  # the lease has not run out: another worker leaves it alone
    delivery.run_pass(later, channels)  # it has: Notify is asked, has it, and it is recorded as sent

    assert len(fake_notify.posts()) == 1
    assert ("GET", f"/v2/notifications?reference={message.idempotency_key}") in fake_notify.requests
    db.session.refresh(message)
    assert (message.state, message.provider_id) == ("sent", fake_notify.sent[0]["id"])
    assert message.attempts == 2


def test_killed_between_sending_and_recording_an_email_is_not_sent_again_and_managers_are_told(
    world, now, channels, mail_sink, app
):
    recipient = messages.Recipient("duty@contractor.example", Audience.MANAGER, organisation_id=world.a.contractor.id)
    values = {"verdict": "revoked", "holder": "Dan", "time": "now", "link": "L"}
    messages.enqueue("badge_refused_scan", recipient, Channel.EMAIL, "badge_refused_scan", values, "en", now)
    dying = {**channels, Channel.EMAIL: DiesAfterSending(channels[Channel.EMAIL])}

    with pytest.raises(WorkerKilled):
        delivery.run_pass(now, dying)
    db.session.rollback()
    later = now + timedelta(seconds=app.config["DELIVERY_LEASE_SECONDS"] + 1)
    delivery.run_pass(later, channels)

    first = next(m for m in _all() if m.kind == "badge_refused_scan")
    assert first.state == MessageState.FAILED
    assert "may or may not have gone" in first.last_error
    caught = mail_sink.messages()
    assert [e["To"] for e in caught].count("duty@contractor.example") == 1  # the one sent before the worker died
    told = sorted(e["To"] for e in caught if e["Subject"] == "A message could not be sent")
    assert told == sorted([world.a.contractor_admin.email, world.a.contractor_manager.email])


def test_a_worker_that_dies_before_handing_an_email_over_leaves_it_to_be_sent(world, now, channels, mail_sink, app):
    _raise_safeguarding(world, now)
    message = delivery.claim(now)  # claimed, then the worker died before it connected

    delivery.run_pass(now + timedelta(seconds=app.config["DELIVERY_LEASE_SECONDS"] + 1), channels)

    db.session.refresh(message)
    assert message.state == MessageState.SENT and message.attempts == 2
    assert [e["To"] for e in mail_sink.messages()].count(message.recipient) == 1


def test_an_smtp_outage_is_retried_with_backoff_then_failed_and_alerted(world, now, app, delivery_config):
    config = delivery_config(
        SMTP_URL=f"smtp://127.0.0.1:{free_port()}",  # nothing listens there
        DELIVERY_MAX_ATTEMPTS=4,
        DELIVERY_BACKOFF_SECONDS=30,
        DELIVERY_BACKOFF_CAP_SECONDS=90,
    )
    channels = providers(config)
    recipient = messages.Recipient("duty@contractor.example", Audience.MANAGER, organisation_id=world.a.contractor.id)
    values = {"verdict": "revoked", "holder": "Dan", "time": "now", "link": "L"}
    messages.enqueue("badge_refused_scan", recipient, Channel.EMAIL, "badge_refused_scan", values, "en", now)
    message = _all()[0]

    waits, moment = [], now
    for _ in range(3):
        delivery.run_pass(moment, channels)
        db.session.refresh(message)
        assert message.state == MessageState.QUEUED and "SMTP" in message.last_error
        waits.append(message.next_attempt_at - moment)
        delivery.run_pass(moment + timedelta(seconds=1), channels)  # not due yet: not tried
        db.session.refresh(message)
        assert message.attempts == len(waits)
        moment = message.next_attempt_at
    delivery.run_pass(moment, channels)

    assert waits == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=90)]
    db.session.refresh(message)
    assert (message.state, message.attempts) == (MessageState.FAILED, 4)
    assert message.last_error.startswith("Gave up after 4 tries")
    alerts = [m for m in _all() if m.kind == "message_failed"]
    assert sorted(m.recipient for m in alerts) == sorted(
        [world.a.contractor_admin.email, world.a.contractor_manager.email]
    )
    assert "duty@contractor.example" in alerts[0].body


def test_a_notify_outage_is_retried_and_never_sends_twice_when_it_comes_back(world, now, channels, fake_notify):
    message = _sms(world, now)
    fake_notify.down = True
    delivery.run_pass(now, channels)
    db.session.refresh(message)
    assert message.state == MessageState.QUEUED and "Notify 500" in message.last_error

    fake_notify.down = False
    delivery.run_pass(message.next_attempt_at, channels)

    assert len(fake_notify.sent) == 1
    db.session.refresh(message)
    assert message.state == MessageState.SENT


def test_a_refused_notify_key_fails_at_once_visibly(world, now, channels, fake_notify):
    channels[Channel.SMS].secret = "0" * 36  # signs with the wrong secret: Notify says 403
    message = _sms(world, now)

    delivery.run_pass(now, channels)

    db.session.refresh(message)
    assert (message.state, message.attempts) == (MessageState.FAILED, 1)
    assert message.last_error.startswith("Notify 403: AuthError")
    assert fake_notify.sent == []


def test_without_notify_a_text_is_kept_as_not_sendable_never_dropped(world, now, delivery_config, mail_sink):
    channels = providers(delivery_config(NOTIFY_API_KEY=None, SMTP_URL=mail_sink.url))
    message = _sms(world, now)

    delivery.run_pass(now, channels)

    db.session.refresh(message)
    assert message.state == MessageState.FAILED
    assert message.last_error == "Not sendable: SMS needs NOTIFY_API_KEY and NOTIFY_SMS_TEMPLATE_ID."
    assert {e["Subject"] for e in mail_sink.messages()} == {"A message could not be sent"}


def test_the_worker_warns_of_a_concern_about_to_be_late_once(world, now, channels, mail_sink):
    factories.concern(world.a.visit, world.a.operative, due_at=now + timedelta(hours=2))

    delivery.run_pass(now, channels)
    delivery.run_pass(now + timedelta(minutes=5), channels)

    assert len(mail_sink.messages()) == 4  # both organisations' managers and admins, once each


def test_deliver_once_from_the_command_line_drains_the_outbox(world, now, runner, channels, mail_sink):
    _raise_safeguarding(world, now)

    result = runner.invoke(args=["deliver", "--once"])

    assert result.exit_code == 0, result.output
    assert "Sent 4" in result.output
    assert len(mail_sink.messages()) == 4
