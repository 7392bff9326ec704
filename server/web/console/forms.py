"""What the console's filters and forms accept: the API's own schemas where one fits, UK days for dates."""

from datetime import UTC, date, datetime, timedelta

from marshmallow import Schema, ValidationError, fields, post_load, validate
from werkzeug.datastructures import MultiDict

from server.errors import DomainError
from server.london_time import LONDON
from server.models import MessageState, VisitStatus
from server.schemas.common import StrictSchema, text


def _start_of(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), LONDON).astimezone(UTC)


class VisitFilterSchema(StrictSchema):
    """The visit list's filters: booked between two UK days (both whole days), contract, operative, status."""

    from_ = fields.Date(data_key="from")
    to = fields.Date()
    contract = fields.UUID()
    operative = fields.UUID()
    status = fields.Enum(VisitStatus, by_value=True)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))

    @post_load
    def as_filters(self, data: dict, **kwargs) -> dict:
        if data.get("from_") and data.get("to") and data["to"] < data["from_"]:
            raise ValidationError("The last day is before the first.", "to")
        filters = dict(data)
        if data.get("from_"):
            filters["from_"] = _start_of(data["from_"])
        if data.get("to"):
            filters["to"] = _start_of(data["to"] + timedelta(days=1))
        if data.get("status"):
            filters["status"] = [data["status"]]
        return filters


class QueueArgsSchema(StrictSchema):
    show = fields.String(load_default="all", validate=validate.OneOf(["all", "due_soon", "overdue"]))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))


class MessageFilterSchema(StrictSchema):
    """The outbox's filter: one state, or all; the messages about one visit."""

    state = fields.Enum(MessageState, by_value=True)
    visit = fields.UUID()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))

    @post_load
    def as_filters(self, data: dict, **kwargs) -> dict:
        return data | ({"state": [data["state"]]} if data.get("state") else {})


class IssueBadgeSchema(StrictSchema):
    operative = fields.UUID(required=True)
    expires_on = fields.Date(metadata={"description": "The last UK day it is valid; 12 months if left out."})

    @post_load
    def as_fields(self, data: dict, **kwargs) -> dict:
        day = data.get("expires_on")
        return {"operative": data["operative"], "expires_at": _start_of(day + timedelta(days=1)) if day else None}


class ReasonSchema(StrictSchema):
    reason = text(500)


class NoteSchema(StrictSchema):
    note = text(2000)


_NOT_FIELDS = ("csrf_token", "back")  # the form's token and where it goes back to, read before the schema


def load(schema: Schema, values: MultiDict, required: tuple[str, ...] = ()) -> dict:
    """A form's or query's fields through a schema; left empty is left out; invalid is a 422 that changes nothing."""
    data = {k: v.strip() for k, v in values.items() if k not in _NOT_FIELDS and v.strip()}
    missing = {name: ["Fill this in."] for name in required if name not in data}
    if missing:
        raise DomainError("validation_failed", "Some fields are missing.", errors=missing)
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise DomainError("validation_failed", "Some fields are not valid.", errors=exc.messages) from exc
