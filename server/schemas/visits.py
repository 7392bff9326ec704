from marshmallow import Schema, fields, validate

from server.models import VisitKind, VisitStatus
from server.schemas.checklists import ChecklistTemplateSchema, ReportSchema
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
    device_arrived_at = fields.AwareDateTime(allow_none=True)
    id_shown_at = fields.AwareDateTime(allow_none=True)
    device_id_shown_at = fields.AwareDateTime(allow_none=True)
    departed_at = fields.AwareDateTime(allow_none=True)
    missed_at = fields.AwareDateTime(allow_none=True)
    expected_arrival_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "When the operative last said they expect to arrive."}
    )
    cancel_reason = fields.String(allow_none=True)
    cancelled_by_tenant = fields.Boolean(
        metadata={"description": "Cancelled as the tenant asked (else we could not come)."}
    )
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
    by_tenant = fields.Boolean(
        load_default=False,
        metadata={"description": "The tenant asked for it; otherwise the tenant is told we are sorry we cannot come."},
    )


class RunningLateSchema(StrictSchema):
    expected_at = fields.AwareDateTime(
        required=True,
        metadata={
            "description": "When the operative now expects to arrive (UTC): from now to 12 hours ahead. More than the "
            "contract's punctuality_minutes after or before the window's start, the tenant is told (late or early)."
        },
    )


class DoorstepPasswordSchema(Schema):
    doorstep_password = fields.String(allow_none=True)


class StandardResultSchema(Schema):
    key = fields.String()
    met = fields.Boolean(allow_none=True, metadata={"description": "Null: not known yet."})
    reason = fields.String()


class NoAccessSchema(Schema):
    id = fields.UUID()
    visit_id = fields.UUID()
    attempted_at = fields.AwareDateTime()
    device_attempted_at = fields.AwareDateTime(allow_none=True)
    waited_minutes = fields.Integer()
    required_wait_minutes = fields.Integer()
    waited_long_enough = fields.Boolean()
    note = fields.String(allow_none=True)
    card_left = fields.Boolean()
    serial = fields.String(attribute="card_serial", metadata={"description": "The calling card's serial."})


class VisitDetailSchema(VisitSchema):
    checklist = fields.Nested(ChecklistTemplateSchema, metadata={"description": "The template the report uses."})
    report = fields.Nested(ReportSchema, allow_none=True)
    no_access = fields.Nested(NoAccessSchema, allow_none=True)
    standards = fields.List(fields.Nested(StandardResultSchema), attribute="standard_results")


class FieldEventSchema(StrictSchema):
    recorded_at = fields.AwareDateTime(metadata={"description": "The tablet's clock; kept, never trusted."})


class NoAccessCreateSchema(FieldEventSchema):
    waited_minutes = fields.Integer(required=True, validate=validate.Range(0, 240))
    note = fields.String(allow_none=True, validate=validate.Length(max=2000))
    card_left = fields.Boolean(required=True)


class MissedSchema(VersionedSchema):
    pass
