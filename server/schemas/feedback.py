from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate, validates_schema

from server.models import FeedbackKind
from server.models.base import utcnow
from server.schemas.common import PageArgsSchema, StrictSchema
from server.schemas.rebooking import uk_phone

MAX_TEXT = 2000
# What a tenant may choose on the page; a rating alone is kept as kind "rating".
WRITTEN_KINDS = (FeedbackKind.COMPLIMENT, FeedbackKind.COMPLAINT, FeedbackKind.COMMENT)


class FeedbackFormSchema(StrictSchema):
    """A tenant's rating, compliment or complaint about a visit, from its page (a form) or as JSON.

    Every field is optional, but not all of them at once: a rating, or words, or both. A compliment or
    a complaint needs its words; words without a choice are a comment.
    """

    rating = fields.Integer(
        allow_none=True,
        strict=False,
        validate=validate.Range(1, 5, error="Choose from 1 (very poor) to 5 (very good)."),
        metadata={"description": "1 very poor to 5 very good."},
    )
    kind = fields.Enum(
        FeedbackKind, by_value=True, allow_none=True, metadata={"description": "compliment, complaint or comment."}
    )
    text = fields.String(
        allow_none=True,
        validate=validate.Length(max=MAX_TEXT, error=f"Write no more than {MAX_TEXT} characters."),
        metadata={"description": "What happened, in the tenant's words."},
    )
    name = fields.String(allow_none=True, validate=validate.Length(max=200))
    phone = fields.String(allow_none=True, validate=[validate.Length(max=40), uk_phone])
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    lang = fields.String(load_only=True, metadata={"description": "The page's language (the form keeps it)."})

    @pre_load
    def _blank_is_none(self, data, **_kwargs):
        """An empty box in a form means no answer."""
        if not isinstance(data, dict):
            return data
        return {key: (value.strip() or None) if isinstance(value, str) else value for key, value in data.items()}

    @validates_schema
    def _something_said(self, data, **_kwargs):
        if data.get("kind") == FeedbackKind.RATING:
            raise ValidationError("Choose a compliment, a complaint or a comment.", "kind")
        if data.get("kind") in (FeedbackKind.COMPLIMENT, FeedbackKind.COMPLAINT) and not data.get("text"):
            raise ValidationError("Tell us what happened.", "text")
        if data.get("rating") is None and not data.get("text"):
            raise ValidationError("Choose a rating or write something.", "rating")

    @post_load
    def _kind(self, data, **_kwargs):
        if not data.get("text"):
            data["kind"] = FeedbackKind.RATING
        elif data.get("kind") is None:
            data["kind"] = FeedbackKind.COMMENT
        return data


class FeedbackSchema(Schema):
    """What a tenant said; a complaint carries its stage 1 clock."""

    id = fields.UUID()
    visit_id = fields.UUID()
    repair_reference = fields.String(attribute="visit.repair_reference")
    contract_id = fields.UUID(attribute="visit.contract_id")
    created_at = fields.AwareDateTime()
    kind = fields.Enum(FeedbackKind, by_value=True)
    rating = fields.Integer(allow_none=True)
    text = fields.String(allow_none=True)
    language = fields.String(metadata={"description": "The page's language: reply in it if you can."})
    name = fields.String(allow_none=True, metadata={"description": "Personal data, if the tenant gave it."})
    callback_phone = fields.String(allow_none=True, metadata={"description": "Personal data: call back on it."})
    callback_email = fields.String(allow_none=True, metadata={"description": "Personal data: reply to it."})
    acknowledge_due_at = fields.AwareDateTime(allow_none=True)
    acknowledged_at = fields.AwareDateTime(allow_none=True, metadata={"description": "Complaints: when acknowledged."})
    response_due_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "Complaints: stage 1 response due."}
    )
    responded_at = fields.AwareDateTime(allow_none=True)
    responded_by = fields.UUID(allow_none=True)
    response_note = fields.String(allow_none=True)
    open = fields.Function(lambda f: f.is_open, metadata={"description": "A complaint not yet responded to."})
    overdue = fields.Function(
        lambda f: f.is_overdue(utcnow()), metadata={"description": "An open complaint past a due time, as of now."}
    )


class ComplaintQueryArgsSchema(PageArgsSchema):
    open = fields.Boolean(metadata={"description": "true: not yet responded to; false: responded to."})
    overdue = fields.Boolean(metadata={"description": "true: not responded to by response_due_at."})


class FeedbackQueryArgsSchema(PageArgsSchema):
    kind = fields.Enum(FeedbackKind, by_value=True, metadata={"description": "rating, comment, compliment, complaint."})
    visit = fields.UUID(metadata={"description": "One visit's feedback."})


class RespondSchema(StrictSchema):
    note = fields.String(
        required=True, validate=validate.Length(min=1, max=4000), metadata={"description": "The response, as sent."}
    )
