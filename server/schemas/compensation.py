from marshmallow import Schema, fields, validate

from server.schemas.common import StrictSchema


class CompensationClaimCreateSchema(StrictSchema):
    contract_id = fields.UUID(required=True)
    repair_reference = fields.String(required=True, validate=validate.Length(min=1, max=60))
    days_lost = fields.Integer(required=True, validate=validate.Range(1, 60))
    earnings_lost_per_day_pence = fields.Integer(required=True, validate=validate.Range(0, 1_000_000))
    note = fields.String(validate=validate.Length(max=2000))


class CompensationClaimSchema(Schema):
    id = fields.UUID()
    days_lost = fields.Integer()
    earnings_lost_per_day_pence = fields.Integer()
    daily_cap_pence = fields.Integer()
    payable_pence = fields.Integer(metadata={"description": "Days lost times the day's loss, capped."})
    note = fields.String(allow_none=True)
    recorded_by = fields.UUID()
    recorded_at = fields.AwareDateTime()


class RepairCompensationSchema(Schema):
    contract_id = fields.UUID()
    repair_reference = fields.String()
    missed = fields.Integer(metadata={"description": "Appointments the contractor did not turn up to."})
    allowed = fields.Integer(metadata={"description": "Misses allowed before compensation is due."})
    due = fields.Boolean()
    daily_cap_pence = fields.Integer()
    claim = fields.Nested(CompensationClaimSchema, allow_none=True)
