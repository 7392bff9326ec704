from marshmallow import Schema, fields, validate

from server.schemas.common import StrictSchema


class ChangesArgsSchema(StrictSchema):
    cursor = fields.String(
        load_default=None,
        metadata={"description": "The `cursor` of the last page, as it came; left out or empty: a snapshot."},
    )
    limit = fields.Integer(
        load_default=500, validate=validate.Range(1, 5000), metadata={"description": "Most changes in the page."}
    )


class ChangeSchema(Schema):
    entity = fields.String(metadata={"description": "visit, property, household, contract, checklist_template, …"})
    id = fields.String()
    op = fields.String(metadata={"description": "upsert or delete"})
    version = fields.Integer()
    data = fields.Dict(
        allow_none=True, metadata={"description": "The record as the office API shows it; null on delete."}
    )


class ChangesPageSchema(Schema):
    changes = fields.List(fields.Nested(ChangeSchema))
    cursor = fields.String(metadata={"description": "Opaque; send it with the next pull."})
    has_more = fields.Boolean(metadata={"description": "Pull again now: more changes are waiting."})
