from marshmallow import Schema, fields, validate

from server.models import Role
from server.schemas.common import StrictSchema, text
from server.schemas.organisations import OrganisationSummarySchema


class UserSchema(Schema):
    id = fields.UUID()
    email = fields.String()
    name = fields.String()
    role = fields.Enum(Role, by_value=True)
    phone = fields.String(allow_none=True)
    active = fields.Boolean()
    organisation = fields.Nested(OrganisationSummarySchema, allow_none=True)
    version = fields.Integer()
    created_at = fields.AwareDateTime()


class UserUpdateSchema(StrictSchema):
    name = text(200)
    role = fields.Enum(Role, by_value=True)
    phone = fields.String(allow_none=True, validate=validate.Length(max=40))
    password = fields.String(validate=validate.Length(min=10, max=200), load_only=True)


class UserCreateSchema(UserUpdateSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = text(200, required=True)
    role = fields.Enum(Role, by_value=True, required=True)
    password = fields.String(required=True, validate=validate.Length(min=10, max=200), load_only=True)
    organisation_id = fields.UUID(
        metadata={"description": "Platform admins only; others add to their own organisation."}
    )


class DeviceSessionSchema(Schema):
    id = fields.UUID()
    device_id = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    last_used_at = fields.AwareDateTime()
    revoked_at = fields.AwareDateTime(allow_none=True)
    revoked_reason = fields.String(allow_none=True)
