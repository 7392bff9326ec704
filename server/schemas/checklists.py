"""Checklist templates as data: items with a type, whether they are required, and when they are asked."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from server.schemas.common import StrictSchema, text

ITEM_TYPES = ("yes_no", "choice", "text", "number", "photo", "signature")
HOUSEHOLD_FLAGS = ("lone_worker",)


class ConditionSchema(StrictSchema):
    """Ask an item only when another item was answered so, or when the household has a flag."""

    item = fields.String(validate=validate.Length(min=1, max=60))
    equals = fields.Raw()
    household = fields.String(validate=validate.OneOf(HOUSEHOLD_FLAGS))

    @validates_schema
    def one_kind(self, data, **kwargs):
        if ("item" in data) == ("household" in data) or ("item" in data) != ("equals" in data):
            raise ValidationError("A condition is either {item, equals} or {household}.")


class ChecklistItemSchema(StrictSchema):
    key = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,59}$"))
    label = text(300, required=True)
    type = fields.String(required=True, validate=validate.OneOf(ITEM_TYPES))
    required = fields.Boolean(load_default=True)
    options = fields.List(fields.String(validate=validate.Length(min=1, max=60)), validate=validate.Length(min=2))
    when = fields.List(fields.Nested(ConditionSchema), load_default=list)

    @validates_schema
    def options_for_choices(self, data, **kwargs):
        if (data["type"] == "choice") != bool(data.get("options")):
            raise ValidationError("Choice items, and only they, list their options.", "options")


class ChecklistItemsSchema(StrictSchema):
    items = fields.List(fields.Nested(ChecklistItemSchema), required=True, validate=validate.Length(min=1, max=100))

    @validates_schema
    def consistent(self, data, **kwargs):
        keys = [item["key"] for item in data["items"]]
        if len(keys) != len(set(keys)):
            raise ValidationError("Each item key appears once.", "items")
        for n, item in enumerate(data["items"]):
            for condition in item["when"]:
                if "item" in condition and condition["item"] not in keys[:n]:
                    raise ValidationError(f"{item['key']} depends on an item that is not asked before it.", "items")


class ChecklistTemplateSchema(Schema):
    id = fields.UUID()
    contract_id = fields.UUID()
    version = fields.Integer()
    items = fields.List(fields.Dict())
    created_at = fields.AwareDateTime()


class ReportCreateSchema(StrictSchema):
    answers = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True)
    recorded_at = fields.AwareDateTime(metadata={"description": "The tablet's clock; kept, never trusted."})


class ReportSchema(Schema):
    id = fields.UUID()
    visit_id = fields.UUID()
    template_id = fields.UUID()
    template_version = fields.Function(lambda r: r.template.version)
    answers = fields.Dict()
    submitted_by = fields.UUID()
    submitted_at = fields.AwareDateTime()
    device_recorded_at = fields.AwareDateTime(allow_none=True)
