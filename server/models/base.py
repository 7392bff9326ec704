"""Column types and defaults shared by every model."""

import uuid
from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.errors import DomainError


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """An aware UTC datetime on both databases (SQLite keeps no zone; PostgreSQL timestamptz)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Doorstep stores UTC only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_column(enum: type[StrEnum], name: str, **kwargs):
    """A string column limited to an enum's values by a CHECK constraint (no native enum types)."""
    return mapped_column(
        sa.Enum(
            enum,
            name=name,
            native_enum=False,
            create_constraint=True,
            length=max(len(m.value) for m in enum) + 8,
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
        ),
        **kwargs,
    )


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class VersionMixin:
    """A version that every change increments; clients send it back to detect lost updates."""

    version: Mapped[int] = mapped_column(default=1)

    def bump(self) -> None:
        self.version += 1

    def expect_version(self, version: int | None) -> None:
        """Refuse a write based on an older read (409 conflict); no version given, no check."""
        if version is not None and version != self.version:
            raise DomainError(
                "conflict",
                f"This record is at version {self.version}; reload it and try again.",
                current_version=self.version,
            )

    def apply(self, fields: dict) -> None:
        """Set the given attributes, as one new version."""
        for key, value in fields.items():
            setattr(self, key, value)
        self.bump()


def render_migration_type(kind: str, obj, _autogen_context):
    """Write UTCDateTime into migrations as the plain type it stores, so they never import app code."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
