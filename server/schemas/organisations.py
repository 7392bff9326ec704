from marshmallow import Schema, fields, validate

from server.models import OrganisationKind, Region
from server.schemas.common import StrictSchema, text


class OrganisationSchema(Schema):
    id = fields.UUID()
    kind = fields.Enum(OrganisationKind, by_value=True)
    name = fields.String()
    region = fields.Enum(Region, by_value=True)
    phone_office = fields.String(allow_none=True)
    phone_out_of_hours = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    branding = fields.Dict()
    version = fields.Integer()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class OrganisationSummarySchema(Schema):
    id = fields.UUID()
    kind = fields.Enum(OrganisationKind, by_value=True)
    name = fields.String()


_phone = validate.Regexp(r"^\+?[0-9][0-9 ()-]{5,30}$", error="Not a telephone number.")


class OrganisationUpdateSchema(StrictSchema):
    name = text(200)
    kind = fields.Enum(OrganisationKind, by_value=True)
    region = fields.Enum(Region, by_value=True)
    phone_office = fields.String(allow_none=True, validate=_phone)
    phone_out_of_hours = fields.String(allow_none=True, validate=_phone)
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    website = fields.Url(allow_none=True, schemes={"https", "http"}, validate=validate.Length(max=300))
    branding = fields.Dict(
        keys=fields.String(validate=validate.OneOf(["colour", "logo"])),
        values=fields.String(validate=validate.Length(max=300)),
    )


class OrganisationCreateSchema(OrganisationUpdateSchema):
    name = text(200, required=True)
    kind = fields.Enum(OrganisationKind, by_value=True, required=True)
