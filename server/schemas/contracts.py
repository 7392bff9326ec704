from marshmallow import Schema, fields

from server.schemas.common import StrictSchema, VersionedSchema, text
from server.schemas.organisations import OrganisationSchema
from server.schemas.standards import ServiceStandardsSchema


class ContractSchema(Schema):
    id = fields.UUID()
    reference = fields.String()
    name = fields.String()
    active = fields.Boolean()
    landlord = fields.Nested(OrganisationSchema)
    contractor = fields.Nested(OrganisationSchema)
    standards = fields.Nested(ServiceStandardsSchema)
    version = fields.Integer()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class ContractCreateSchema(StrictSchema):
    landlord_id = fields.UUID(required=True)
    contractor_id = fields.UUID(required=True)
    reference = text(60, required=True)
    name = text(200, required=True)
    # Validated by the service against ServiceStandardsSchema, so unknown keys name themselves.
    standards = fields.Dict(metadata={"description": "Service standards; any left out take the policy defaults."})


class ContractUpdateSchema(VersionedSchema):
    name = text(200)
    active = fields.Boolean()
    standards = fields.Dict(metadata={"description": "Only the standards to change."})
