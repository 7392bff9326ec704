"""Sign-in, token rotation with reuse detection, sign-out, and device sessions."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_jwt_extended import create_access_token, create_refresh_token, get_jti

from server.errors import DomainError
from server.extensions import db, passwords
from server.models import DeviceSession, User
from server.unit_of_work import keep_on_failure


@dataclass
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105 -- the OAuth token type, not a secret


# Verified when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = passwords.hash(uuid.uuid4().hex)
    return _DUMMY_HASH


def _issue(user: User, session: DeviceSession, now: datetime, retry: bool = False) -> Tokens:
    claims = {"sid": str(session.id)}
    refresh = create_refresh_token(identity=str(user.id), additional_claims=claims)
    if not retry:  # a retry keeps the token it retried with as the previous one
        session.previous_refresh_jti, session.rotated_at = session.refresh_jti or None, now
    session.refresh_jti = get_jti(refresh)
    return Tokens(
        access_token=create_access_token(identity=str(user.id), additional_claims=claims),
        refresh_token=refresh,
        expires_in=current_app.config["JWT_ACCESS_TOKEN_EXPIRES"],
    )


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def authenticate(email: str, password: str) -> User:
    """The active user with this email and password, or invalid_credentials (as slow for an unknown email)."""
    user = find_user_by_email(email)
    if user is None:
        passwords.verify(_dummy_hash(), password)
        raise DomainError("invalid_credentials")
    if not passwords.verify(user.password_hash, password) or not user.active:
        raise DomainError("invalid_credentials")
    return user


def open_session(user: User, device_id: str | None, now: datetime) -> DeviceSession:
    """A new signed-in session for the user, revocable like any device's."""
    session = DeviceSession(
        id=uuid.uuid4(), user=user, device_id=device_id, refresh_jti="", created_at=now, last_used_at=now
    )
    db.session.add(session)
    return session


def login(email: str, password: str, device_id: str | None, now: datetime) -> Tokens:
    """Check the password and open a device session."""
    user = authenticate(email, password)
    return _issue(user, open_session(user, device_id, now), now)


def _is_retry(session: DeviceSession, jti: str, now: datetime) -> bool:
    """The token just replaced, back within the grace: its answer was lost on the way, not stolen."""
    grace = timedelta(seconds=current_app.config["REFRESH_RETRY_GRACE_SECONDS"])
    return jti == session.previous_refresh_jti and session.rotated_at is not None and now - session.rotated_at <= grace


def refresh(user: User, session: DeviceSession, jti: str, now: datetime) -> Tokens:
    """Rotate the refresh token; an old one coming back (after the retry grace) signs the device out."""
    retry = _is_retry(session, jti, now)
    if jti != session.refresh_jti and not retry:
        revoke_session(session, now, reason="refresh_token_reused")
        keep_on_failure()
        raise DomainError("refresh_token_reused")
    session.last_used_at = now
    return _issue(user, session, now, retry=retry)


def revoke_session(session: DeviceSession, now: datetime, reason: str) -> None:
    if session.revoked_at is None:
        session.revoked_at, session.revoked_reason = now, reason


def revoke_all_sessions(user: User, now: datetime, reason: str) -> None:
    for session in db.session.scalars(sa.select(DeviceSession).where(DeviceSession.user_id == user.id)):
        revoke_session(session, now, reason)


def list_sessions(user: User) -> list[DeviceSession]:
    query = sa.select(DeviceSession).where(DeviceSession.user_id == user.id).order_by(DeviceSession.created_at.desc())
    return list(db.session.scalars(query))
