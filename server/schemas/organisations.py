from marshmallow import Schema, ValidationError, fields, validate

from pdf_templates import calling_card
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


def _card_wording(overrides: dict) -> None:
    if problems := calling_card.words().override_problems(overrides):
        raise ValidationError(problems)


class BrandingSchema(StrictSchema):
    """Merged into what is kept: a key left out stays as it was (the logo is set by PUT …/logo)."""

    colour = fields.String(
        validate=validate.Regexp(r"^#[0-9a-fA-F]{6}$", error="A colour as #rrggbb."),
        metadata={"description": "The organisation's colour on pages and documents."},
    )
    card_wording = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.String(validate=validate.Length(min=1, max=300))),
        validate=_card_wording,
        metadata={
            "description": "The landlord's own words on its calling cards, replacing ours: "
            '{language: {key: text}}, e.g. {"en": {"title": "Sorry we missed you today"}}; '
            "keys and {placeholders} as in pdf_templates/wording/en.toml."
        },
    )


class OrganisationUpdateSchema(StrictSchema):
    name = text(200)
    kind = fields.Enum(OrganisationKind, by_value=True)
    region = fields.Enum(Region, by_value=True)
    phone_office = fields.String(allow_none=True, validate=_phone)
    phone_out_of_hours = fields.String(allow_none=True, validate=_phone)
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    website = fields.Url(allow_none=True, schemes={"https", "http"}, validate=validate.Length(max=300))
    branding = fields.Nested(BrandingSchema)


class OrganisationCreateSchema(OrganisationUpdateSchema):
    name = text(200, required=True)
    kind = fields.Enum(OrganisationKind, by_value=True, required=True)
