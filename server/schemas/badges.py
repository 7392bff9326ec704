from marshmallow import Schema, fields, validate

from server.models import BadgeStatus, Verdict
from server.schemas.common import PageArgsSchema, StrictSchema, text
from server.services.badges import display_short_code, verify_url


class BadgeHolderSchema(Schema):
    id = fields.UUID()
    name = fields.String()


class BookingTodaySchema(Schema):
    visit_id = fields.UUID(attribute="id")
    window_start = fields.AwareDateTime()
    window_end = fields.AwareDateTime()
    postcode = fields.Function(lambda v: v.property.postcode)
    kind = fields.String()


class BadgeSchema(Schema):
    id = fields.UUID()
    operative = fields.Nested(BadgeHolderSchema, attribute="user")
    status = fields.Enum(BadgeStatus, by_value=True)
    verdict = fields.Enum(Verdict, by_value=True, metadata={"description": "What a tenant scanning it now is told."})
    short_code = fields.Function(lambda b: display_short_code(b.short_code))
    verify_url = fields.Function(verify_url)
    issued_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()
    status_reason = fields.String(allow_none=True)
    has_photo = fields.Function(
        lambda b: b.photo_sha256 is not None,
        metadata={"description": "A photo is shown to tenants on the verification page (and only there)."},
    )
    bookings_today = fields.List(fields.Nested(BookingTodaySchema))
    version = fields.Integer()


class BadgeCreateSchema(StrictSchema):
    expires_at = fields.AwareDateTime(metadata={"description": "At most 12 months ahead; 12 months if left out."})


class SuspendSchema(StrictSchema):
    reason = fields.String(validate=validate.Length(max=500))


class RevokeSchema(StrictSchema):
    reason = text(500, required=True)


class BadgeQueryArgsSchema(PageArgsSchema):
    short_code = fields.String(validate=validate.Length(min=1, max=20))
    user = fields.UUID()


class LiveSecretSchema(Schema):
    badge_id = fields.UUID()
    secret = fields.String()
    step_seconds = fields.Integer()
    server_time = fields.AwareDateTime(metadata={"description": "Steps are counted from this, not the tablet's clock."})


class BadgeAlertSchema(Schema):
    id = fields.UUID()
    badge_id = fields.UUID()
    kind = fields.String()
    detail = fields.String()
    raised_at = fields.AwareDateTime()
    acknowledged_at = fields.AwareDateTime(allow_none=True)
    acknowledged_by = fields.UUID(allow_none=True)


class AlertQueryArgsSchema(PageArgsSchema):
    unacknowledged = fields.Boolean()
