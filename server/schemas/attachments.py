from marshmallow import Schema, fields

from server.models import AttachmentKind
from server.schemas.common import StrictSchema


class AttachmentFormSchema(StrictSchema):
    id = fields.UUID(
        metadata={
            "description": "The tablet's own id for the photo: a retried upload with it is answered with the first "
            "(200), never stored twice, and a report recorded offline can name it."
        }
    )
    kind = fields.Enum(AttachmentKind, by_value=True, required=True)
    concern_id = fields.UUID(metadata={"description": "A concern of this visit the photo belongs to."})


class AttachmentSchema(Schema):
    id = fields.UUID()
    visit_id = fields.UUID()
    concern_id = fields.UUID(allow_none=True)
    kind = fields.Enum(AttachmentKind, by_value=True)
    sha256 = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    width = fields.Integer()
    height = fields.Integer()
    uploaded_by = fields.UUID()
    uploaded_at = fields.AwareDateTime()
