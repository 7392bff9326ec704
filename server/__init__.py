"""Doorstep: the field backend for contractors working in social-housing tenants' homes."""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, error handling, blueprints, commands."""
    app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or None, instance_relative_config=True)
    from server import config

    app.config.update(config.load(app.instance_path))
    app.config.update(test_config or {})
    register_logging(app)
    register_extensions(app)
    register_errors(app)
    register_blueprints(app)
    register_commands(app)
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    return app


def register_logging(app: Flask) -> None:
    from server import request_log

    request_log.init_app(app)


def register_extensions(app: Flask) -> None:
    from server import auth, database, unit_of_work
    from server.extensions import db, limiter, migrate, passwords
    from server.models.base import render_migration_type

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(__file__), "..", "migrations"),
        compare_type=True,
        render_as_batch=True,  # SQLite alters tables by copying them
        render_item=render_migration_type,
    )
    passwords.init_app(app)
    limiter.init_app(app)
    auth.init_app(app)
    unit_of_work.init_app(app)


def register_errors(app: Flask) -> None:
    from server import errors, text_input

    errors.register(app)
    text_input.init_app(app)


def register_blueprints(app: Flask) -> None:
    from server import api, health, web

    app.register_blueprint(health.bp)
    api.init_app(app)
    web.init_app(app)


def register_commands(app: Flask) -> None:
    from server import cli

    cli.init_app(app)
