"""The push half of offline sync: the batch a device sends and the result of each of its mutations."""

from marshmallow import INCLUDE, Schema, fields, validate

from server.schemas.common import StrictSchema, text
from server.schemas.concerns import ConcernCreateSchema

MAX_BATCH = 500


class PushedMutationSchema(Schema):
    """A mutation as the batch carries it: only its id is checked here, the rest per mutation (MutationSchema)."""

    class Meta:
        unknown = INCLUDE  # a malformed mutation is rejected on its own, never the whole batch

    mutation_id = fields.UUID(required=True, metadata={"description": "The device's UUID for this mutation."})
    entity = fields.Raw(allow_none=True, metadata={"description": "visit or concern"})
    op = fields.Raw(
        allow_none=True, metadata={"description": "arrive, id_shown, report, no_access (visit); raise (concern)"}
    )
    id = fields.Raw(
        allow_none=True, metadata={"description": "The record's UUID (the concern's own, made on the device)."}
    )
    base_version = fields.Raw(
        allow_none=True, metadata={"description": "The record's version the device last had, or null."}
    )
    data = fields.Raw(allow_none=True, metadata={"description": "The op's fields, as its HTTP route takes them."})
    device_time = fields.Raw(allow_none=True, metadata={"description": "The device's clock when recorded (ISO 8601)."})


class PushSchema(StrictSchema):
    device_id = text(100, required=True)
    mutations = fields.List(
        fields.Nested(PushedMutationSchema), required=True, validate=validate.Length(min=1, max=MAX_BATCH)
    )


class MutationSchema(StrictSchema):
    """One mutation, checked on its own: an invalid one is rejected and the next ones still apply."""

    mutation_id = fields.UUID(required=True)
    entity = fields.String(required=True, validate=validate.Length(max=40))
    op = fields.String(required=True, validate=validate.Length(max=40))
    id = fields.UUID(required=True)
    base_version = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))
    data = fields.Dict(keys=fields.String(), load_default=dict)
    device_time = fields.AwareDateTime(required=True)


class ConcernRaiseSchema(ConcernCreateSchema):
    """Raise a concern from the field: the HTTP route's body, with the visit named in it."""

    visit_id = fields.UUID(required=True)


class MutationResultSchema(Schema):
    mutation_id = fields.UUID()
    status = fields.String(metadata={"description": "applied, duplicate, conflict or rejected"})
    version = fields.Integer(allow_none=True)
    record = fields.Dict(allow_none=True)
    error = fields.Dict(allow_none=True, metadata={"description": "{code, detail, errors?} when not applied"})


class PushResultSchema(Schema):
    results = fields.List(fields.Nested(MutationResultSchema))
