import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from server.models import Channel
from server.schemas.common import PageArgsSchema, VersionedSchema, text

LANGUAGES = ("en", "cy", "pl", "ur", "bn", "zh-Hant", "hi", "pa", "ar", "so", "ro", "gd")
NEEDS = ("large_print", "interpreter", "easy_read", "audio", "british_sign_language", "hearing_loop")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


class Postcode(fields.String):
    """A UK postcode, stored upper case with one space: 'td15 1aa' becomes 'TD15 1AA'."""

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        match = _POSTCODE.match(" ".join(raw.upper().split()))
        if not match:
            raise ValidationError("Not a UK postcode.")
        return f"{match[1]} {match[2]}"


class AddressSchema(Schema):
    id = fields.UUID()
    uprn = fields.String(allow_none=True)
    house = fields.String(metadata={"description": "Number or name."})
    street = fields.String()
    locality = fields.String(allow_none=True)
    town = fields.String()
    postcode = fields.String()


class PropertySchema(AddressSchema):
    landlord_id = fields.UUID()
    version = fields.Integer()
    household_id = fields.Function(lambda p: str(p.household.id) if p.household else None)


class PropertyUpdateSchema(VersionedSchema):
    uprn = fields.String(
        allow_none=True, validate=validate.Regexp(r"^[0-9]{1,12}$", error="A UPRN is up to 12 digits.")
    )
    house = text(100)
    street = text(200)
    locality = fields.String(allow_none=True, validate=validate.Length(max=200))
    town = text(100)
    postcode = Postcode()


class PropertyCreateSchema(PropertyUpdateSchema):
    house = text(100, required=True)
    street = text(200, required=True)
    town = text(100, required=True)
    postcode = Postcode(required=True)


class PropertyQueryArgsSchema(PageArgsSchema):
    postcode = Postcode()


class HouseholdFeedSchema(Schema):
    """A household as the tablets' sync feed carries it (sync/rows.py builds the same by hand): no consent data."""

    id = fields.UUID()
    property_id = fields.UUID()
    tenant_name = fields.String()
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    preferred_language = fields.String()
    needs = fields.List(fields.String())
    lone_worker = fields.Boolean()
    has_doorstep_password = fields.Boolean()
    version = fields.Integer()


class HouseholdSchema(HouseholdFeedSchema):
    """A household as the office sees it: also how the tenant agreed to messages, and whether they said stop."""

    contact_channel = fields.String(
        allow_none=True, metadata={"description": "Where the tenant agreed to messages: sms, email, or null (none)."}
    )
    contact_consent_at = fields.AwareDateTime(allow_none=True, metadata={"description": "When it was recorded."})
    contact_consent_note = fields.String(allow_none=True, metadata={"description": "How the tenant agreed."})
    messages_stopped_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "When the tenant said stop (the link in each message)."}
    )


class HouseholdUpdateSchema(VersionedSchema):
    tenant_name = text(200)
    phone = fields.String(allow_none=True, validate=validate.Length(max=40))
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    preferred_language = fields.String(validate=validate.OneOf(LANGUAGES))
    needs = fields.List(fields.String(validate=validate.OneOf(NEEDS)), validate=validate.Length(max=len(NEEDS)))
    lone_worker = fields.Boolean()
    doorstep_password = fields.String(
        allow_none=True,
        load_only=True,
        validate=validate.Length(max=100),
        metadata={"description": "Write-only; empty or null clears it."},
    )
    contact_channel = fields.String(
        allow_none=True,
        validate=validate.OneOf([channel.value for channel in Channel]),
        metadata={"description": "Where the tenant agreed to messages about visits; null: no messages."},
    )
    contact_consent_note = fields.String(
        allow_none=True,
        validate=validate.Length(max=300),
        metadata={"description": "How they agreed ('asked on the phone 1 Dec', 'tenancy form'); with a channel."},
    )

    @validates_schema
    def consent_says_how(self, data: dict, **kwargs) -> None:
        """A channel needs a note of how the tenant agreed; a note goes with the channel it is about."""
        if data.get("contact_channel") and not (data.get("contact_consent_note") or "").strip():
            raise ValidationError(
                "Say how the tenant agreed, e.g. 'asked on the phone 1 Dec' or 'tenancy form'.", "contact_consent_note"
            )
        if "contact_consent_note" in data and "contact_channel" not in data:
            raise ValidationError("Send the note with the contact_channel it is about.", "contact_consent_note")


class HouseholdCreateSchema(HouseholdUpdateSchema):
    property_id = fields.UUID(required=True)
    tenant_name = text(200, required=True)
