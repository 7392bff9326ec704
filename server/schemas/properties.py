import re

from marshmallow import Schema, ValidationError, fields, validate

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


class HouseholdSchema(Schema):
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


class HouseholdCreateSchema(HouseholdUpdateSchema):
    property_id = fields.UUID(required=True)
    tenant_name = text(200, required=True)
