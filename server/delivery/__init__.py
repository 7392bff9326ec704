"""The outbox's worker: `flask --app wsgi deliver` claims due messages, sends them, and records what happened.

Claiming. A message is due when it is `queued` and its `next_attempt_at` has come, or when it is
`sending` and its lease has run out (the worker that claimed it died). The worker claims one row at a
time with `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, sets it `sending` with a lease
(DELIVERY_LEASE_SECONDS, longer than any one send may take) and commits, so any number of workers can
run. SQLite has no row locks (SQLAlchemy leaves the clause out): run a single worker there.

Never sent twice. Just before the provider may have the message (SMTP: after RCPT, before DATA;
Notify: before the POST) the worker stamps `handed_over_at` and commits. A worker that dies before that
stamp sent nothing, so the message is simply sent again when its lease runs out. A worker that dies
after it (between sending and recording the answer) leaves a row the next worker treats with care:
- Notify: the message's idempotency key is its `reference`, and the next worker first asks Notify for
  a notification with that reference; if Notify has it, the row is marked sent with Notify's id and
  nothing is sent again. (Notify keeps a notification before it answers 201, so asking is reliable.)
- SMTP keeps no record we can ask, so a message handed over before a worker died is *not* sent again:
  it is marked failed ("may or may not have gone") and the managers are alerted to check, which makes
  SMTP at most once for that narrow window (the DATA exchange) and exactly once otherwise. The stable
  Message-ID still lets a mail system drop a copy, should an operator resend it by hand.
A reply lost mid-send while the worker lives is the same case (`definite=False` failures).

Retries. A temporary failure (provider down, busy, timed out) is tried again after an exponential
backoff (DELIVERY_BACKOFF_SECONDS doubling, capped at DELIVERY_BACKOFF_CAP_SECONDS) up to
DELIVERY_MAX_ATTEMPTS; a permanent one (a refused address or key, no provider set up) fails at once.
A failed message stays in the outbox, visible, and raises a message to its organisation's managers.

Waking. Between passes the worker waits DELIVERY_POLL_SECONDS, but on PostgreSQL `enqueue` also NOTIFYs the
outbox's channel, delivered when the event's transaction commits, and the worker LISTENs: an urgent alert goes
out at once, not at the next poll. The poll still finds what falls due later (a retry, the end of quiet hours).

Each pass also queues the managers' warnings of concerns about to be late (server/services/alerts.py),
once per concern by the dedupe key: deadlines are computed when read, and this is where they are read.
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
import psycopg
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from server.delivery.notify import NotifyProvider
from server.delivery.providers import CannotTell, NotSetUp, PermanentFailure, Provider, TemporaryFailure
from server.delivery.smtp import SmtpProvider
from server.extensions import db
from server.models import Channel, Message, MessageState
from server.models.base import utcnow
from server.services import alerts, messages, visit_messages

PASS_LIMIT = 1000  # messages sent in one pass at most, so a pass always ends


@dataclass
class Pass:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    warnings: int = 0


def providers(config) -> dict[Channel, Provider]:
    """The provider for each channel, from the configuration."""
    timeout = config["DELIVERY_TIMEOUT_SECONDS"]
    notify = None
    if config["NOTIFY_API_KEY"]:
        templates = {Channel.SMS: config["NOTIFY_SMS_TEMPLATE_ID"], Channel.EMAIL: config["NOTIFY_EMAIL_TEMPLATE_ID"]}
        notify = NotifyProvider(config["NOTIFY_BASE_URL"], config["NOTIFY_API_KEY"], templates, timeout)
    email = (
        notify if notify and config["NOTIFY_EMAIL"] else SmtpProvider(config["SMTP_URL"], config["MAIL_FROM"], timeout)
    )
    return {
        Channel.EMAIL: email,
        Channel.SMS: notify or NotSetUp("SMS needs NOTIFY_API_KEY and NOTIFY_SMS_TEMPLATE_ID."),
    }


def backoff(attempts: int, config) -> timedelta:
    """How long to wait after the `attempts`-th try failed: doubling, capped."""
    seconds = config["DELIVERY_BACKOFF_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["DELIVERY_BACKOFF_CAP_SECONDS"]))


def claim(now: datetime) -> Message | None:
    """Take the next due message under a lease, committed; None when nothing is due.

    A due message past its `expires_at` (a reminder once the visit has begun) is cancelled on the way, under
    the same row lock, and never reaches a provider; unless it was handed over before a worker died, when it
    may have gone and `deliver` finds out.
    """
    due = sa.or_(
        sa.and_(Message.state == MessageState.QUEUED, Message.next_attempt_at <= now),
        sa.and_(Message.state == MessageState.SENDING, Message.lease_until <= now),
    )
    query = sa.select(Message).where(due).order_by(Message.next_attempt_at, Message.id).limit(1)
    while True:
        message = db.session.scalars(query.with_for_update(skip_locked=True)).first()
        if message is None:
            db.session.rollback()
            return None
        if message.expires_at is None or message.expires_at > now or message.handed_over_at is not None:
            break
        message.state, message.last_error = MessageState.CANCELLED, "Not sent: too late to be of use"
        message.lease_until = None
        db.session.commit()
    message.state = MessageState.SENDING
    message.lease_until = now + timedelta(seconds=current_app.config["DELIVERY_LEASE_SECONDS"])
    message.attempts += 1
    db.session.commit()
    return message


def _sent(message: Message, provider_id: str | None, now: datetime) -> None:
    message.state, message.sent_at, message.provider_id = MessageState.SENT, now, provider_id
    message.lease_until, message.last_error = None, None


def _failed(message: Message, reason: str, now: datetime) -> None:
    message.state, message.failed_at, message.last_error = MessageState.FAILED, now, reason[:500]
    message.lease_until = None
    db.session.flush()
    alerts.message_failed(message, now)


def deliver(message: Message, provider: Provider, now: datetime) -> MessageState:
    """Send one claimed message and record the outcome (committed)."""
    message.provider = provider.name

    def handing_over() -> None:
        message.handed_over_at = now
        db.session.commit()

    try:
        if message.handed_over_at is not None:
            found = provider.find(message)
            if found is not None:
                _sent(message, found, now)
                db.session.commit()
                return message.state
        provider_id = provider.send(message, handing_over)
    except CannotTell as exc:
        _failed(
            message,
            f"The worker stopped while sending, so it may or may not have gone ({exc}). "
            "Not sent again, so that it is never sent twice.",
            now,
        )
    except PermanentFailure as exc:
        _failed(message, str(exc), now)
    except TemporaryFailure as exc:
        if exc.definite:
            message.handed_over_at = None  # the provider said no: sending again cannot duplicate
        config = current_app.config
        if message.attempts >= config["DELIVERY_MAX_ATTEMPTS"]:
            _failed(message, f"Gave up after {message.attempts} tries: {exc}", now)
        else:
            message.state, message.last_error = MessageState.QUEUED, str(exc)[:500]
            message.next_attempt_at, message.lease_until = now + backoff(message.attempts, config), None
    else:
        _sent(message, provider_id, now)
    db.session.commit()
    return message.state


def run_pass(now: datetime, by_channel: dict[Channel, Provider]) -> Pass:
    """Queue the due-soon warnings and the tenants' messages the clock brings, then send everything due now."""
    done = Pass(warnings=alerts.concerns_due_soon(now))
    visit_messages.due_now(now)  # tomorrow's reminders, "not arrived yet": server/services/visit_messages.py
    db.session.commit()
    for _ in range(PASS_LIMIT):
        message = claim(now)
        if message is None:
            break
        state = deliver(message, by_channel[message.channel], now)
        if state == MessageState.SENT:
            done.sent += 1
        elif state == MessageState.FAILED:
            done.failed += 1
        else:
            done.retrying += 1
    return done


def outbox_listener() -> psycopg.Connection | None:
    """On PostgreSQL, a connection of the worker's own that LISTENs for enqueue's NOTIFY; None on SQLite."""
    if db.engine.dialect.name != "postgresql":
        return None
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = psycopg.connect(url, autocommit=True)
    connection.execute(f"LISTEN {messages.OUTBOX_CHANNEL}")
    return connection


def wait(seconds: float, listener: psycopg.Connection | None) -> None:
    """Sleep until a message is queued (the NOTIFY arrives when its transaction commits) or `seconds` pass."""
    if listener is None:
        time.sleep(seconds)
        return
    for _ in listener.notifies(timeout=seconds, stop_after=1):
        pass


@click.command("deliver")
@click.option("--once", is_flag=True, help="Send what is due now, then exit (for tests and cron).")
@with_appcontext
def deliver_command(once: bool) -> None:
    """Send the outbox's messages: claim, send, retry with backoff, alert on failure."""
    by_channel = providers(current_app.config)
    poll = current_app.config["DELIVERY_POLL_SECONDS"]
    listener = None
    while True:
        done = run_pass(utcnow(), by_channel)
        if once or done.sent or done.failed or done.retrying or done.warnings:
            click.echo(
                f"Sent {done.sent}, retrying {done.retrying}, failed {done.failed}; "
                f"queued {done.warnings} due-soon warnings."
            )
        if once:
            return
        try:
            listener = listener or outbox_listener()
            wait(poll, listener)
        except psycopg.OperationalError:  # the database went away: poll until it is back, then listen again
            listener = None
            time.sleep(poll)
