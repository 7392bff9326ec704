import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.base import IdMixin, TimestampMixin, UTCDateTime, VersionMixin, enum_column, utcnow
from server.models.organisations import Organisation, OrganisationKind


class Role(StrEnum):
    OPERATIVE = "operative"
    MANAGER = "manager"
    ADMIN = "admin"
    # Runs the platform: organisations, contracts, signing keys; belongs to no organisation.
    PLATFORM_ADMIN = "platform_admin"


class User(IdMixin, TimestampMixin, VersionMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'platform_admin') = (organisation_id IS NULL)", name="platform_admin_has_no_organisation"
        ),
    )

    organisation_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = enum_column(Role, "role")
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    @property
    def is_manager(self) -> bool:
        """Managers and admins act for their organisation in the office."""
        return self.role in (Role.MANAGER, Role.ADMIN)

    @property
    def organisation_kind(self) -> OrganisationKind | None:
        return self.organisation.kind if self.organisation else None

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class DeviceSession(IdMixin, db.Model):
    """One signed-in device: its refresh token rotates, and revoking it ends its access."""

    __tablename__ = "device_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[str | None] = mapped_column(sa.String(100))
    # Only the newest refresh token of a session is good; an older one coming back means theft.
    refresh_jti: Mapped[str] = mapped_column(sa.String(64))
    # The token the newest one replaced, still good for a short grace: a tablet on a flaky network
    # may send a refresh, lose the answer, and retry with the same token.
    previous_refresh_jti: Mapped[str | None] = mapped_column(sa.String(64))
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(sa.String(40))

    user: Mapped[User] = relationship()
