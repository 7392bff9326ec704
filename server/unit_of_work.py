"""One unit of work per request: everything a request wrote commits once, at its end, or not at all."""

from contextlib import contextmanager

from flask import g
from sqlalchemy.exc import IntegrityError

from server.errors import problem
from server.extensions import db


def keep_on_failure() -> None:
    """Commit this request's writes even though it answers with an error (security events)."""
    g.keep_on_failure = True


@contextmanager
def unit():
    """Run one unit of work inside a request (each pushed mutation): commit at the end, or roll back if it raises."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def init_app(app) -> None:
    @app.after_request
    def finish(response):
        if response.status_code < 400 or g.get("keep_on_failure"):
            try:
                db.session.commit()
            except IntegrityError:
                # A race that a service's own checks could not see: the write lost, nothing changed.
                db.session.rollback()
                return problem("already_exists", "Another request changed the same record at the same time; try again.")
        else:
            db.session.rollback()
        return response
