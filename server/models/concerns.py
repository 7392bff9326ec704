import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.base import IdMixin, UTCDateTime, VersionMixin, enum_column, utcnow
from server.models.visits import Visit


class ConcernCategory(StrEnum):
    PROPERTY_DEFECT = "property_defect"
    DAMP_MOULD = "damp_mould"
    VULNERABLE_ADULT = "vulnerable_adult"
    UNSANITARY_CONDITIONS = "unsanitary_conditions"
    SAFEGUARDING = "safeguarding"
    DAMAGE = "damage"  # caused during the visit and not made good on site
    OTHER = "other"


# Special-category data (UK GDPR art. 9): the text is shown only to those who must act on it.
SENSITIVE_CATEGORIES = (ConcernCategory.SAFEGUARDING, ConcernCategory.VULNERABLE_ADULT)


class Severity(StrEnum):
    EMERGENCY = "emergency"
    SIGNIFICANT = "significant"
    ROUTINE = "routine"


class Concern(IdMixin, VersionMixin, db.Model):
    """Something about the home or household the landlord must act on, raised from a visit."""

    __tablename__ = "concerns"

    visit_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("visits.id"), index=True)
    category: Mapped[ConcernCategory] = enum_column(ConcernCategory, "concern_category")
    severity: Mapped[Severity] = enum_column(Severity, "concern_severity")
    description: Mapped[str] = mapped_column(sa.Text)
    raised_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    acknowledged_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledge_note: Mapped[str | None] = mapped_column(sa.Text)
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolution_note: Mapped[str | None] = mapped_column(sa.Text)

    visit: Mapped[Visit] = relationship(lazy="joined")

    @property
    def is_sensitive(self) -> bool:
        return self.category in SENSITIVE_CATEGORIES

    @property
    def status(self) -> str:
        if self.resolved_at:
            return "resolved"
        return "acknowledged" if self.acknowledged_at else "open"

    def is_overdue(self, now: datetime) -> bool:
        """Not acknowledged by its due time (acknowledging is the landlord acting on it)."""
        return self.acknowledged_at is None and self.resolved_at is None and now > self.due_at
