"""Pieces every resource's schemas share: pagination in and out, and the problem body."""

from flask_smorest.fields import Upload
from marshmallow import RAISE, Schema, fields, validate


class StrictSchema(Schema):
    """Input schemas refuse unknown fields, so a typo is an error rather than silently ignored."""

    class Meta:
        unknown = RAISE


class ImageFileSchema(StrictSchema):
    """A multipart upload of one image."""

    file = Upload(required=True, metadata={"description": "JPEG, PNG or HEIC; HEIC is kept as JPEG."})


class PageArgsSchema(StrictSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PageMetaSchema(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


_page_schemas: dict = {}


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """The list envelope {"items": [...], "meta": {...}} for an item schema."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = type(
            name,
            (Schema,),
            {"items": fields.List(fields.Nested(item_schema)), "meta": fields.Nested(PageMetaSchema)},
        )
    return _page_schemas[item_schema]


class ProblemSchema(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    code = fields.String()
    detail = fields.String()
    instance = fields.String()
    errors = fields.Dict()


class VersionedSchema(StrictSchema):
    """Optimistic concurrency: send the version you read, get 409 if it changed since."""

    version = fields.Integer(validate=validate.Range(min=1))


def text(max_length: int, **kwargs):
    """A trimmed, bounded, non-empty string field."""
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)
