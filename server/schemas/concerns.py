from marshmallow import Schema, fields, validate

from server.models import ConcernCategory, Severity
from server.models.base import utcnow
from server.schemas.common import PageArgsSchema, StrictSchema, text
from server.services.concerns import is_due_soon


class ConcernCreateSchema(StrictSchema):
    id = fields.UUID(metadata={"description": "Optional; a tablet may generate it, so a retry is harmless."})
    category = fields.Enum(ConcernCategory, by_value=True, required=True)
    severity = fields.Enum(Severity, by_value=True, required=True)
    description = text(5000, required=True)


class ConcernSchema(Schema):
    id = fields.UUID()
    visit_id = fields.UUID()
    category = fields.Enum(ConcernCategory, by_value=True)
    severity = fields.Enum(Severity, by_value=True)
    description = fields.String(
        attribute="shown_description",
        allow_none=True,
        metadata={"description": "Null where special-category text is not yours to read."},
    )
    restricted = fields.Function(lambda c: c.shown_description is None)
    status = fields.String()
    raised_by = fields.UUID()
    raised_at = fields.AwareDateTime()
    due_at = fields.AwareDateTime()
    overdue = fields.Function(lambda c: c.is_overdue(utcnow()), metadata={"description": "Not acted on by due_at."})
    due_soon = fields.Function(
        lambda c: is_due_soon(c, utcnow()), metadata={"description": "Not acted on yet, and due within 48 hours."}
    )
    acknowledged_at = fields.AwareDateTime(allow_none=True)
    acknowledged_by = fields.UUID(allow_none=True)
    acknowledge_note = fields.String(allow_none=True)
    resolved_at = fields.AwareDateTime(allow_none=True)
    resolved_by = fields.UUID(allow_none=True)
    resolution_note = fields.String(allow_none=True)
    version = fields.Integer()


class ConcernQueryArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(["open", "acknowledged", "resolved"]))
    category = fields.List(fields.Enum(ConcernCategory, by_value=True))
    overdue = fields.Boolean()
    due_soon = fields.Boolean(metadata={"description": "Not acted on yet and due within 48 hours (or, false, not)."})
    queue = fields.Boolean(
        metadata={
            "description": "The managers' queue: unresolved only, safeguarding first, then emergencies, then by due "
            "time. Combine with status, overdue and due_soon."
        }
    )
    visit = fields.UUID()


class AcknowledgeSchema(StrictSchema):
    note = fields.String(validate=validate.Length(max=2000))


class ResolveSchema(StrictSchema):
    note = text(2000, required=True)
