"""Commands for operators: `flask --app wsgi create-admin EMAIL --password P`, `flask --app wsgi seed-demo`,
and `flask --app wsgi housekeeping` (for cron)."""

import json
from datetime import timedelta

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from server import demo
from server.errors import DomainError
from server.extensions import db, passwords
from server.models import Change, Message, MessageState, Role, SyncMutation, User
from server.models.base import utcnow
from server.services.auth import find_user_by_email


@click.command("create-admin")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="At least 10 characters.")
@click.option("--name", default="Platform admin", show_default=True)
@with_appcontext
def create_admin(email: str, password: str, name: str) -> None:
    """Create a platform admin, who sets up organisations and contracts."""
    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="--password")
    if find_user_by_email(email) is not None:
        raise click.ClickException(f"there is already an account for {email}")
    user = User(
        email=email.strip().lower(), name=name, role=Role.PLATFORM_ADMIN, password_hash=passwords.hash(password)
    )
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created platform admin {user.email} ({user.id}).")


@click.command("seed-demo")
@click.option("--json", "as_json", is_flag=True, help="Print the demo world as one JSON object, and nothing else.")
@with_appcontext
def seed_demo(as_json: bool) -> None:
    """Build the demo world (once); print it, with how to sign in."""
    created = not demo.is_seeded()
    if created:
        try:
            demo.seed(utcnow())
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(f"could not seed the demo: {exc.detail or exc.code}") from exc
        db.session.commit()
    world = demo.load()
    if as_json:
        click.echo(json.dumps(demo.as_json(world), indent=2))
        return
    click.echo("Seeded the demo world." if created else "The demo world was already there; nothing changed.", err=True)
    click.echo(demo.as_text(world, current_app.config["PUBLIC_BASE_URL"]))


def prune_changes(now) -> int:
    """Delete change rows past the tombstone horizon; return how many went."""
    # A day beyond the horizon cursors are checked against: a row written by a transaction that was still
    # open when a cursor was issued stays until that cursor is refused (410), so nothing is pruned unseen.
    cutoff = now - timedelta(days=current_app.config["SYNC_TOMBSTONE_DAYS"] + 1)
    return db.session.execute(sa.delete(Change).where(Change.recorded_at < cutoff)).rowcount


def prune_pushed_results(now) -> int:
    """Delete pushed mutations' stored results past the tombstone horizon; return how many went."""
    # They hold copies of records (a visit's household); a retry later than this still applies nothing twice,
    # as the services themselves recognise the same concern id, report or no-access record.
    cutoff = now - timedelta(days=current_app.config["SYNC_TOMBSTONE_DAYS"])
    return db.session.execute(sa.delete(SyncMutation).where(SyncMutation.created_at < cutoff)).rowcount


PRUNE_BATCH = 1000  # messages deleted per transaction: no long lock on the outbox the workers are sending from
_FINISHED = (MessageState.SENT, MessageState.CANCELLED, MessageState.FAILED)


def prune_messages(now, batch: int = PRUNE_BATCH) -> int:
    """Delete sent, cancelled and failed messages older than MESSAGE_RETENTION_DAYS, a batch per commit."""
    cutoff = now - timedelta(days=current_app.config["MESSAGE_RETENTION_DAYS"])
    old = sa.select(Message.id).where(Message.state.in_(_FINISHED), Message.created_at < cutoff).limit(batch)
    pruned = 0
    while True:
        deleted = db.session.execute(sa.delete(Message).where(Message.id.in_(old))).rowcount
        db.session.commit()
        pruned += deleted
        if deleted < batch:
            return pruned


@click.command("housekeeping")
@with_appcontext
def housekeeping() -> None:
    """Prune what is kept only for a while: sync rows and pushed results, and finished messages (for cron)."""
    now = utcnow()
    pruned, results = prune_changes(now), prune_pushed_results(now)
    db.session.commit()
    days = current_app.config["SYNC_TOMBSTONE_DAYS"]
    click.echo(f"Pruned {pruned} change rows and {results} pushed results older than {days} days.")
    messages = prune_messages(now)
    retention = current_app.config["MESSAGE_RETENTION_DAYS"]
    click.echo(f"Pruned {messages} sent, cancelled or failed messages older than {retention} days.")


def init_app(app) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(housekeeping)
    from server.delivery import deliver_command

    app.cli.add_command(deliver_command)
