from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.base import IdMixin, TimestampMixin, VersionMixin, enum_column


class OrganisationKind(StrEnum):
    LANDLORD = "landlord"
    CONTRACTOR = "contractor"


class Region(StrEnum):
    """Where an organisation works; bank holidays differ between them."""

    ENGLAND_WALES = "england-wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"


class Organisation(IdMixin, TimestampMixin, VersionMixin, db.Model):
    __tablename__ = "organisations"

    kind: Mapped[OrganisationKind] = enum_column(OrganisationKind, "organisation_kind")
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    region: Mapped[Region] = enum_column(Region, "region", default=Region.ENGLAND_WALES)
    phone_office: Mapped[str | None] = mapped_column(sa.String(40))
    phone_out_of_hours: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    # Colours and logo file for documents and pages: {"colour": "#0b3d91", "logo": "..."}
    branding: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    def __repr__(self) -> str:
        return f"<Organisation {self.kind} {self.name!r}>"
