from marshmallow import Schema, fields, validate

from server.models import VisitKind, VisitStatus
from server.schemas.common import PageArgsSchema, StrictSchema, VersionedSchema, text
from server.schemas.properties import AddressSchema


class VisitHouseholdSchema(Schema):
    """What the operative needs at the door; the doorstep password itself has its own endpoint."""

    id = fields.UUID()
    tenant_name = fields.String()
    phone = fields.String(allow_none=True)
    preferred_language = fields.String()
    needs = fields.List(fields.String())
    lone_worker = fields.Boolean()
    has_doorstep_password = fields.Boolean()


class VisitPropertySchema(AddressSchema):
    household = fields.Nested(VisitHouseholdSchema, allow_none=True)


class VisitOperativeSchema(Schema):
    id = fields.UUID()
    name = fields.String()


class VisitSchema(Schema):
    id = fields.UUID()
    contract_id = fields.UUID()
    property = fields.Nested(VisitPropertySchema)
    operative = fields.Nested(VisitOperativeSchema, allow_none=True)
    repair_reference = fields.String()
    kind = fields.Enum(VisitKind, by_value=True)
    window_start = fields.AwareDateTime()
    window_end = fields.AwareDateTime()
    planned_works_notice_on = fields.Date(allow_none=True)
    status = fields.Enum(VisitStatus, by_value=True)
    arrived_at = fields.AwareDateTime(allow_none=True)
    id_shown_at = fields.AwareDateTime(allow_none=True)
    departed_at = fields.AwareDateTime(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    version = fields.Integer()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class VisitCreateSchema(StrictSchema):
    id = fields.UUID(metadata={"description": "Optional; a device may generate it."})
    contract_id = fields.UUID(required=True)
    property_id = fields.UUID(required=True)
    operative_id = fields.UUID(allow_none=True)
    repair_reference = text(60, required=True)
    kind = fields.Enum(VisitKind, by_value=True, load_default=VisitKind.REPAIR)
    window_start = fields.AwareDateTime(required=True)
    window_end = fields.AwareDateTime(required=True)
    planned_works_notice_on = fields.Date(allow_none=True)
    notes = fields.String(allow_none=True, validate=validate.Length(max=2000))


class VisitQueryArgsSchema(PageArgsSchema):
    from_ = fields.AwareDateTime(data_key="from", metadata={"description": "Visits whose window ends after this."})
    to = fields.AwareDateTime(metadata={"description": "Visits whose window starts before this."})
    status = fields.List(fields.Enum(VisitStatus, by_value=True))
    operative = fields.UUID()
    contract = fields.UUID()


class RescheduleSchema(VersionedSchema):
    window_start = fields.AwareDateTime(required=True)
    window_end = fields.AwareDateTime(required=True)


class ReassignSchema(VersionedSchema):
    operative_id = fields.UUID(required=True, allow_none=True)


class CancelSchema(VersionedSchema):
    reason = text(500, required=True)


class DoorstepPasswordSchema(Schema):
    doorstep_password = fields.String(allow_none=True)
