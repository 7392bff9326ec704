"""The managers' web console: who may sign in, whose session still holds, and the choices its filters offer.

A console sign-in is a device session like a tablet's (listed and revocable with them), so deactivating
the user or revoking the session ends it at the very next request.
"""

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from server.errors import Forbidden
from server.extensions import db
from server.london_time import LONDON
from server.models import Contract, DeviceSession, OrganisationKind, Role, User
from server.services import auth, reports
from server.services.access import visible

DEVICE_ID = "web-console"


def may_use_console(user: User) -> bool:
    """Managers and admins of a landlord or contractor; not operatives, not the platform admin."""
    return user.is_manager and user.organisation_id is not None


def sign_in(email: str, password: str, now: datetime) -> DeviceSession:
    """Check the password as the API does, then open a console session for a manager or admin."""
    user = auth.authenticate(email, password)
    if not may_use_console(user):
        raise Forbidden(
            "The console is for managers and admins. Operatives use the Doorstep app on their tablet."
            if user.role == Role.OPERATIVE
            else "The console is for the managers and admins of landlords and contractors."
        )
    return auth.open_session(user, DEVICE_ID, now)


def signed_in_user(user_id: str, session_id: str, lifetime: timedelta, now: datetime) -> User | None:
    """The user of a console session that still holds: active, a console role, not revoked, not too old."""
    try:
        user_uuid, session_uuid = uuid.UUID(str(user_id)), uuid.UUID(str(session_id))
    except ValueError:
        return None
    row = db.session.execute(
        sa.select(User, DeviceSession)
        .join(DeviceSession, DeviceSession.user_id == User.id)
        .where(User.id == user_uuid, DeviceSession.id == session_uuid)
    ).first()
    if row is None or row.DeviceSession.revoked_at is not None or not row.User.active:
        return None
    if not may_use_console(row.User) or now - row.DeviceSession.created_at > lifetime:
        return None
    return row.User


def sign_out(session_id: str, now: datetime) -> None:
    """End a console session (a second sign-out is harmless)."""
    try:
        session = db.session.get(DeviceSession, uuid.UUID(str(session_id)))
    except ValueError:
        return
    if session is not None:
        auth.revoke_session(session, now, reason="logout")


def filter_choices(actor: User) -> dict:
    """The contracts and operatives the visit filters offer this reader: only those it may see."""
    contracts = list(db.session.scalars(visible(actor, Contract).order_by(Contract.reference)))
    contractors = {contract.contractor_id for contract in contracts}
    operatives = db.session.scalars(
        sa.select(User).where(User.role == Role.OPERATIVE, User.organisation_id.in_(contractors)).order_by(User.name)
    )
    return {"contracts": contracts, "operatives": list(operatives)}


def badge_holders(actor: User) -> list[User]:
    """The active operatives a contractor admin may issue badges to (none for anyone else)."""
    if actor.role != Role.ADMIN or actor.organisation_kind != OrganisationKind.CONTRACTOR:
        return []
    query = sa.select(User).where(
        User.organisation_id == actor.organisation_id, User.role == Role.OPERATIVE, User.active.is_(True)
    )
    return list(db.session.scalars(query.order_by(User.name)))


def weekly_standards(actor: User, filters: dict, now: datetime, weeks: int) -> list[dict]:
    """The standards report for each of the last `weeks` weeks (Monday to Monday in the UK), oldest first."""
    today = now.astimezone(LONDON).date()
    monday = datetime.combine(today - timedelta(days=today.weekday()), datetime.min.time(), LONDON)
    starts = [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    return [
        reports.standards_report(
            actor, {**filters, "from_": start.astimezone(UTC), "to": (start + timedelta(weeks=1)).astimezone(UTC)}, now
        )
        for start in starts
    ]
