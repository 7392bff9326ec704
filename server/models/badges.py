import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.base import IdMixin, UTCDateTime, VersionMixin, enum_column, utcnow
from server.models.users import User


class BadgeStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class Verdict(StrEnum):
    """What a tenant is told at the door."""

    GENUINE = "genuine"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    NOT_RECOGNISED = "not_recognised"


class BadgeKey(db.Model):
    """An Ed25519 key that signs badges. Retired keys sign no more; withdrawn keys verify no more."""

    __tablename__ = "badge_keys"

    kid: Mapped[str] = mapped_column(sa.String(8), primary_key=True)  # first 4 bytes of sha256(public key), hex
    public_key: Mapped[str] = mapped_column(sa.String(64))  # raw 32 bytes, base64url
    # Fernet ciphertext of the raw private key, under DATA_ENCRYPTION_KEY; never leaves the server.
    private_key_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Badge(IdMixin, VersionMixin, db.Model):
    """An operative's identity credential: the printed QR and short code, and the live code's secret."""

    __tablename__ = "badges"

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kid: Mapped[str] = mapped_column(sa.ForeignKey("badge_keys.kid"))
    status: Mapped[BadgeStatus] = enum_column(BadgeStatus, "badge_status", default=BadgeStatus.ACTIVE)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    short_code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    token: Mapped[str] = mapped_column(sa.String(160), unique=True)
    status_reason: Mapped[str | None] = mapped_column(sa.String(500))
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Fernet ciphertext of the per-badge secret the tablet's live code is made from.
    live_secret_encrypted: Mapped[str] = mapped_column(sa.Text)
    photo_sha256: Mapped[str | None] = mapped_column(sa.String(64))

    user: Mapped[User] = relationship(lazy="joined")


class BadgeScan(db.Model):
    """One verification: when, which badge, what the tenant was told. No address is kept."""

    __tablename__ = "badge_scans"

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    badge_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("badges.id"), index=True)
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    verdict: Mapped[Verdict] = enum_column(Verdict, "badge_verdict")
    via: Mapped[str] = mapped_column(sa.String(20))  # qr, short_code, live, phone


class BadgeAlert(IdMixin, db.Model):
    """A scan the contractor's managers should know about: a revoked or suspended badge, or a burst."""

    __tablename__ = "badge_alerts"

    badge_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("badges.id"), index=True)
    contractor_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))  # revoked_scan, suspended_scan, burst
    detail: Mapped[str] = mapped_column(sa.String(500))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))

    badge: Mapped[Badge] = relationship(lazy="joined")
