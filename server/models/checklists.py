import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.base import IdMixin, UTCDateTime, utcnow


class ChecklistTemplate(IdMixin, db.Model):
    """One version of a contract's home-visit checklist; a new version never changes an old one."""

    __tablename__ = "checklist_templates"
    __table_args__ = (sa.UniqueConstraint("contract_id", "version"),)

    contract_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    version: Mapped[int]
    # Validated by server.schemas.checklists.ChecklistItemSchema: key, label, type, required, options, when.
    items: Mapped[list] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VisitReport(IdMixin, db.Model):
    """The checklist answers an operative recorded at the end of a visit, against one template version."""

    __tablename__ = "visit_reports"

    visit_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("visits.id"), unique=True)
    template_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("checklist_templates.id"))
    # jsonb on PostgreSQL: the managers' report reads three answers from each of a year's reports, and json text
    # would be parsed again for every one of them.
    answers: Mapped[dict] = mapped_column(sa.JSON().with_variant(postgresql.JSONB(), "postgresql"))
    submitted_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the tablet's clock said; kept beside the server's time, never trusted.
    device_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    template: Mapped[ChecklistTemplate] = relationship(lazy="joined")
