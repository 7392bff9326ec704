"""Liveness and readiness for the load balancer."""

import sqlalchemy as sa
from flask import Blueprint

from server.errors import problem
from server.extensions import db, limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """The process is up."""
    return {"status": "ok"}


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """The database answers."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return problem("service_unavailable", "The database is not reachable.")
    return {"status": "ready", "database": db.engine.dialect.name}
