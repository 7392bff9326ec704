"""People: organisation admins manage their own users; the platform admin sets up the first ones."""

import uuid
from datetime import datetime

import sqlalchemy as sa

import sync
from server.errors import DomainError, Forbidden
from server.extensions import db, passwords
from server.models import DeviceSession, Organisation, Role, User
from server.services import auth
from server.services.access import get_visible, is_platform_admin, require_role, visible
from server.services.pages import Page, paginate


def _check_email_free(email: str) -> None:
    if auth.find_user_by_email(email) is not None:
        raise DomainError(
            "already_exists", f"There is already an account for {email}.", errors={"email": ["Already taken."]}
        )


def _may_administer(actor: User, organisation_id: uuid.UUID | None) -> None:
    if is_platform_admin(actor):
        return
    require_role(actor, Role.ADMIN)
    if organisation_id != actor.organisation_id:
        raise Forbidden("Admins manage the users of their own organisation.")


def list_users(actor: User, page: int, per_page: int) -> Page:
    return paginate(visible(actor, User).order_by(User.name, User.id), page, per_page)


def create_user(fields: dict, actor: User) -> User:
    """Add a user; organisation admins add to their own organisation, the platform admin anywhere."""
    organisation_id = fields.get("organisation_id") or actor.organisation_id
    if fields["role"] == Role.PLATFORM_ADMIN:
        require_role(actor, Role.PLATFORM_ADMIN)
        organisation_id = None
    else:
        if not is_platform_admin(actor):
            require_role(actor, Role.ADMIN)
        # An organisation the actor cannot see is answered as if it did not exist.
        known = visible(actor, Organisation).where(Organisation.id == organisation_id)
        if organisation_id is None or db.session.scalar(known) is None:
            raise DomainError(
                "validation_failed", errors={"organisation_id": ["Name the organisation this user belongs to."]}
            )
        _may_administer(actor, organisation_id)
    email = fields["email"].strip().lower()
    _check_email_free(email)
    user = User(
        organisation_id=organisation_id,
        email=email,
        name=fields["name"],
        role=fields["role"],
        phone=fields.get("phone"),
        password_hash=passwords.hash(fields["password"]),
    )
    db.session.add(user)
    db.session.flush()
    sync.user_changed(user)
    return user


def update_user(user_id: uuid.UUID, fields: dict, actor: User, now: datetime) -> User:
    """Change a user's name, phone, role or password; a new password signs out their devices."""
    user = get_visible(actor, User, user_id)
    if user.id != actor.id or set(fields) - {"name", "phone", "password"}:
        _may_administer(actor, user.organisation_id)
    if "role" in fields and (fields["role"] == Role.PLATFORM_ADMIN) != (user.role == Role.PLATFORM_ADMIN):
        raise DomainError("validation_failed", errors={"role": ["Platform admins stay platform admins."]})
    if "password" in fields:
        user.password_hash = passwords.hash(fields.pop("password"))
        auth.revoke_all_sessions(user, now, reason="password_changed")
    user.apply(fields)
    db.session.flush()
    sync.user_changed(user)
    return user


def set_active(user_id: uuid.UUID, active: bool, actor: User, now: datetime) -> User:
    """Deactivate (ending every session at once) or reactivate a user."""
    user = get_visible(actor, User, user_id)
    _may_administer(actor, user.organisation_id)
    if user.id == actor.id and not active:
        raise DomainError("invalid_transition", "You cannot deactivate your own account.")
    if user.active != active:
        user.active = active
        user.bump()
        if not active:
            auth.revoke_all_sessions(user, now, reason="user_deactivated")
        db.session.flush()
        sync.user_changed(user)
    return user


def user_sessions(user_id: uuid.UUID, actor: User) -> list[DeviceSession]:
    user = get_visible(actor, User, user_id)
    if user.id != actor.id:
        _may_administer(actor, user.organisation_id)
    return auth.list_sessions(user)


def revoke_user_session(user_id: uuid.UUID, session_id: uuid.UUID, actor: User, now: datetime) -> DeviceSession:
    """Sign one device out: the user themself, or their organisation's admin (a lost tablet)."""
    user = get_visible(actor, User, user_id)
    if user.id != actor.id:
        _may_administer(actor, user.organisation_id)
    session = db.session.scalar(
        sa.select(DeviceSession).where(DeviceSession.id == session_id, DeviceSession.user_id == user.id)
    )
    if session is None:
        raise DomainError("not_found", f"No session with id {session_id}.")
    auth.revoke_session(session, now, reason="revoked")
    return session
