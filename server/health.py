"""Liveness and readiness for the load balancer."""

import logging

import sqlalchemy as sa
from flask import Blueprint, current_app

from server.errors import problem
from server.extensions import db, limiter
from sync import feed

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """The process is up."""
    return {"status": "ok"}


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """The database answers; and how far the sync feed lags behind the oldest open transaction."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        lag = feed.lag_seconds()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return problem("service_unavailable", "The database is not reachable.")
    if lag > current_app.config["SYNC_LAG_WARN_SECONDS"]:
        log.warning("sync feed held back %.1f s by an open transaction", lag, extra={"sync_lag_seconds": lag})
    return {"status": "ready", "database": db.engine.dialect.name, "sync_lag_seconds": round(lag, 3)}
