import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.base import IdMixin, TimestampMixin, VersionMixin
from server.models.organisations import Organisation


class Contract(IdMixin, TimestampMixin, VersionMixin, db.Model):
    """A landlord's contract with a contractor; its service standards are the policy as data."""

    __tablename__ = "contracts"
    __table_args__ = (sa.UniqueConstraint("landlord_id", "reference"),)

    landlord_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    contractor_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    reference: Mapped[str] = mapped_column(sa.String(60))
    name: Mapped[str] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)
    # Validated by server.schemas.standards.ServiceStandardsSchema, every key filled in.
    standards: Mapped[dict] = mapped_column(sa.JSON)

    landlord: Mapped[Organisation] = relationship(foreign_keys=[landlord_id], lazy="joined")
    contractor: Mapped[Organisation] = relationship(foreign_keys=[contractor_id], lazy="joined")

    def involves(self, organisation_id: uuid.UUID | None) -> bool:
        return organisation_id in (self.landlord_id, self.contractor_id)
