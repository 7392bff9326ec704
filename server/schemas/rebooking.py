import re

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from server.models import PreferredTimes
from server.schemas.common import PageArgsSchema, StrictSchema

_SEPARATORS = re.compile(r"[\s().-]")
_UK_PHONE = re.compile(r"(\+44|0044|0)[1-9]\d{8,9}")


def uk_phone(value: str) -> None:
    """Loosely a UK number: 0 or +44, then 9 or 10 digits, however it is spaced or bracketed."""
    if not _UK_PHONE.fullmatch(_SEPARATORS.sub("", value.replace("(0)", ""))):
        raise ValidationError("Enter a UK phone number, such as 07700 900123, or leave it empty.")


class RebookingFormSchema(StrictSchema):
    """A tenant's ask for a new appointment, from the card's page (a form) or as JSON. Every field is optional."""

    preferred_times = fields.Enum(PreferredTimes, by_value=True, allow_none=True)
    details = fields.String(
        allow_none=True,
        validate=validate.Length(max=500, error="Write no more than 500 characters."),
        metadata={"description": "Days or times that suit, in the tenant's words."},
    )
    phone = fields.String(allow_none=True, validate=[validate.Length(max=40), uk_phone])
    lang = fields.String(load_only=True, metadata={"description": "The page's language (the form keeps it)."})

    @pre_load
    def _blank_is_none(self, data, **_kwargs):
        """An empty box in a form means no answer."""
        if not isinstance(data, dict):
            return data
        return {key: (value.strip() or None) if isinstance(value, str) else value for key, value in data.items()}


class RebookingRequestSchema(Schema):
    id = fields.UUID()
    visit_id = fields.UUID()
    repair_reference = fields.String(attribute="visit.repair_reference")
    card_serial = fields.String(attribute="attempt.card_serial")
    created_at = fields.AwareDateTime()
    preferred_times = fields.Enum(PreferredTimes, by_value=True, allow_none=True)
    details = fields.String(allow_none=True)
    callback_phone = fields.String(allow_none=True, metadata={"description": "Personal data: call back on it."})
    language = fields.String(metadata={"description": "The language the tenant asked in."})
    open = fields.Function(lambda r: r.handled_at is None)
    handled_at = fields.AwareDateTime(allow_none=True)
    handled_by = fields.UUID(allow_none=True)
    handle_note = fields.String(allow_none=True)


class RebookingQueryArgsSchema(PageArgsSchema):
    open = fields.Boolean(metadata={"description": "true: not yet handled; false: handled."})


class HandleSchema(StrictSchema):
    note = fields.String(validate=validate.Length(max=2000))
