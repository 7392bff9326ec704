"""Commands for operators: `flask --app wsgi create-admin EMAIL --password P`, `flask --app wsgi seed-demo`."""

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from server import demo
from server.errors import DomainError
from server.extensions import db, passwords
from server.models import Role, User
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


def init_app(app) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
