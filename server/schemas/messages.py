from marshmallow import Schema, fields, validate

from server.models import Audience, Channel, MessageState
from server.schemas.common import PageArgsSchema


class MessageQueryArgsSchema(PageArgsSchema):
    state = fields.List(fields.Enum(MessageState, by_value=True))
    kind = fields.String(validate=validate.Length(min=1, max=40))
    visit = fields.UUID(metadata={"description": "Only the messages about this visit (to its tenant)."})


class MessageSchema(Schema):
    id = fields.UUID()
    kind = fields.String(metadata={"description": "What it is about: concern_urgent, badge_refused_scan, ..."})
    audience = fields.Enum(Audience, by_value=True)
    channel = fields.Enum(Channel, by_value=True)
    recipient = fields.String(
        attribute="shown_recipient", metadata={"description": "A tenant's phone or email shows its last 4 only."}
    )
    contract_id = fields.UUID(allow_none=True)
    visit_id = fields.UUID(allow_none=True)
    lang = fields.String()
    subject = fields.String(allow_none=True)
    body = fields.String(metadata={"description": "As sent; it never carries what a concern says."})
    state = fields.Enum(MessageState, by_value=True)
    attempts = fields.Integer()
    next_attempt_at = fields.AwareDateTime()
    last_error = fields.String(allow_none=True)
    provider = fields.String(allow_none=True)
    provider_id = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)
    failed_at = fields.AwareDateTime(allow_none=True)
