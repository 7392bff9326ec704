from marshmallow import Schema, fields

from server.schemas.common import VersionedSchema, text


class NoticeCreateSchema(VersionedSchema):
    short_notice_reason = text(
        500,
        metadata={
            "description": "Why less notice than the contract asks for is right (an emergency agreed with the "
            "tenant); without it, a late notice is refused with the earliest date the works could start."
        },
    )


class NoticeSchema(Schema):
    visit_id = fields.UUID(attribute="visit.id")
    version = fields.Integer(attribute="visit.version")
    given_on = fields.Date(attribute="visit.planned_works_notice_on")
    works_start = fields.AwareDateTime(attribute="visit.planned_works_notice_for")
    told_by = fields.String(
        metadata={"description": "sms or email: a message is queued; letter: print the letter and post it."}
    )
    letter_url = fields.String(
        allow_none=True, metadata={"description": "The letter to print, when the tenant is told by post."}
    )
    working_days = fields.Integer(metadata={"description": "Working days from the notice to the works' first day."})
    working_days_needed = fields.Integer()
    short_notice_reason = fields.String(attribute="visit.planned_works_short_notice_reason", allow_none=True)
