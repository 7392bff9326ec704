from marshmallow import fields, validate

from pdf_templates.calling_card import FORMATS
from server.schemas.common import StrictSchema
from server.services.documents import card_languages


class CallingCardArgsSchema(StrictSchema):
    format = fields.String(
        load_default="a6",
        validate=validate.OneOf(FORMATS),
        metadata={"description": "a6: a pre-printed card (A5 in large print); receipt: an 80 mm thermal roll."},
    )
    large_print = fields.Boolean(
        metadata={"description": "Body text at least 18 pt; as the household needs if left out."}
    )
    lang = fields.String(
        validate=validate.OneOf(card_languages()),
        metadata={"description": "The household's preferred language if left out (English if we have none in it)."},
    )
