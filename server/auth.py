"""JWT wiring: who is calling, and the guard every API handler uses.

Access tokens are short (15 minutes) and name the device session they belong to, so that
deactivating a user or revoking a device ends its access at the very next request.
"""

import uuid

import sqlalchemy as sa
from flask import g
from flask_jwt_extended import current_user, jwt_required

from server.errors import problem
from server.extensions import db, jwt
from server.models.users import DeviceSession, User


def init_app(app) -> None:
    app.config.setdefault("JWT_TOKEN_LOCATION", ["headers"])
    app.config.setdefault("JWT_ERROR_MESSAGE_KEY", "detail")
    jwt.init_app(app)

    @jwt.user_lookup_loader
    def load_user(_header, payload):
        try:
            user_id, session_id = uuid.UUID(payload["sub"]), uuid.UUID(payload["sid"])
        except (KeyError, TypeError, ValueError):
            return None
        row = db.session.execute(
            sa.select(User, DeviceSession)
            .join(DeviceSession, DeviceSession.user_id == User.id)
            .where(User.id == user_id, DeviceSession.id == session_id)
        ).first()
        if row is None or not row.User.active or row.DeviceSession.revoked_at is not None:
            return None
        g.user_id, g.device_session = row.User.id, row.DeviceSession
        return row.User

    @jwt.user_lookup_error_loader
    def lookup_failed(_header, _payload):
        return problem(
            "token_revoked", "This sign-in has ended (the account or device was deactivated); sign in again."
        )

    @jwt.unauthorized_loader
    def missing(reason: str):
        return problem("authentication_required", f"Send 'Authorization: Bearer <access token>' ({reason}).")

    @jwt.invalid_token_loader
    def invalid(reason: str):
        return problem("invalid_token", f"The token is not valid: {reason}.")

    @jwt.expired_token_loader
    def expired(_header, _payload):
        return problem("token_expired", "The token has expired; refresh it or sign in again.")

    @jwt.revoked_token_loader
    def revoked(_header, _payload):
        return problem("token_revoked")


def authenticated(fn):
    """Require a valid access token; the caller is then `current_user`."""
    return jwt_required()(fn)


def refresh_token_required(fn):
    return jwt_required(refresh=True)(fn)


def actor() -> User:
    """The signed-in user of this request."""
    return current_user._get_current_object()


def device_session() -> DeviceSession:
    return g.device_session
