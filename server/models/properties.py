import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.base import IdMixin, TimestampMixin, UTCDateTime, VersionMixin


class Property(IdMixin, TimestampMixin, VersionMixin, db.Model):
    """A home the landlord owns."""

    __tablename__ = "properties"

    landlord_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    uprn: Mapped[str | None] = mapped_column(sa.String(12), unique=True)
    house: Mapped[str] = mapped_column(sa.String(100))  # number or name
    street: Mapped[str] = mapped_column(sa.String(200))
    locality: Mapped[str | None] = mapped_column(sa.String(200))
    town: Mapped[str] = mapped_column(sa.String(100))
    postcode: Mapped[str] = mapped_column(sa.String(10), index=True)  # normalised: upper case, one space

    household: Mapped["Household | None"] = relationship(back_populates="property", uselist=False, lazy="joined")


class Household(IdMixin, TimestampMixin, VersionMixin, db.Model):
    """Who lives at a property, and what they need from a visit."""

    __tablename__ = "households"

    property_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("properties.id"), unique=True)
    tenant_name: Mapped[str] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    preferred_language: Mapped[str] = mapped_column(sa.String(16), default="en")  # BCP 47: en, cy, zh-Hant
    # Communication and access needs, e.g. ["large_print", "interpreter"].
    needs: Mapped[list] = mapped_column(sa.JSON, default=list)
    lone_worker: Mapped[bool] = mapped_column(default=False)
    # Fernet ciphertext; released only to the assigned operative on the visit day, and logged.
    doorstep_password_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    # Messages about visits go only where the tenant agreed: the channel ("sms" or "email"), when, to whom, how.
    # None: no consent recorded, so nothing is sent (a planned-works notice goes as a letter).
    contact_channel: Mapped[str | None] = mapped_column(sa.String(10))
    contact_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contact_consent_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    contact_consent_note: Mapped[str | None] = mapped_column(sa.String(300))  # "asked on the phone", "form"
    # The tenant's own "stop these messages" (the link in each message, by its code); consent again clears it.
    messages_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stop_code: Mapped[str | None] = mapped_column(sa.String(16), unique=True)

    # Defined before the `property` relationship below, which shadows the builtin in this class body.
    @property
    def has_doorstep_password(self) -> bool:
        return self.doorstep_password_encrypted is not None

    property: Mapped[Property] = relationship(back_populates="household")
