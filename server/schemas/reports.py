"""The managers' standards report: a date range in, each standard's figures out."""

import re
from datetime import UTC, date, datetime, timedelta

from marshmallow import Schema, ValidationError, fields, post_load, validate

from server.london_time import LONDON
from server.models.base import utcnow
from server.schemas.common import StrictSchema

DEFAULT_RANGE = timedelta(days=28)
LONGEST_RANGE = timedelta(days=731)  # two years: a year on year comparison, and no more in one request
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class DayOrMoment(fields.Field):
    """A UK calendar day (2026-11-01) or a UTC timestamp with its offset (2026-11-01T09:00:00Z)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("Give a date (YYYY-MM-DD) or a timestamp with its offset.")
        if _DATE.fullmatch(value):
            return fields.Date()._deserialize(value, attr, data, **kwargs)
        return fields.AwareDateTime()._deserialize(value, attr, data, **kwargs)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), LONDON)


class RangeArgsSchema(StrictSchema):
    """A range of booked visits: `from` inclusive, `to` exclusive; a date `to` includes that whole day."""

    from_ = DayOrMoment(
        data_key="from",
        metadata={"description": "From this UK day's midnight, or this timestamp; 28 days before `to` if left out."},
    )
    to = DayOrMoment(metadata={"description": "Up to the end of this UK day, or this timestamp; now if left out."})
    contract = fields.UUID(metadata={"description": "One of your contracts (404 if it is not yours)."})
    operative = fields.UUID(metadata={"description": "One operative's visits."})

    @post_load
    def resolve_range(self, data: dict, **kwargs) -> dict:
        try:
            return self._resolved(data)
        except (OverflowError, ValueError) as exc:  # a day at the calendar's very ends
            raise ValidationError("The range is outside the calendar.", "from") from exc

    @staticmethod
    def _resolved(data: dict) -> dict:
        to = data.get("to")
        if isinstance(to, date) and not isinstance(to, datetime):
            to = _start_of(to + timedelta(days=1))
        start = data.get("from_")
        if isinstance(start, date) and not isinstance(start, datetime):
            start = _start_of(start)
        to = to if to is not None else utcnow()
        start = start if start is not None else to - DEFAULT_RANGE
        if start >= to:
            raise ValidationError("`from` must be before `to`.", "from")
        if to - start > LONGEST_RANGE:
            raise ValidationError(f"The range may span at most {LONGEST_RANGE.days} days.", "to")
        return {**data, "from_": start.astimezone(UTC), "to": to.astimezone(UTC)}


class StandardsReportArgsSchema(RangeArgsSchema):
    """The report's range, and whether to answer with JSON (the default) or a spreadsheet."""

    format = fields.String(
        validate=validate.OneOf(["json", "csv"]),
        metadata={"description": "csv for a spreadsheet (as `Accept: text/csv` asks); json when left out."},
    )


class MissedVisitSchema(Schema):
    id = fields.UUID(metadata={"description": "The visit's id."})
    repair_reference = fields.String(metadata={"description": "The job reference."})
    concern_id = fields.UUID(metadata={"description": "For the concerns' standards: which concern."})


class CategoryFigureSchema(Schema):
    category = fields.String()
    met = fields.Integer()
    total = fields.Integer()
    achieved = fields.Float(allow_none=True)


class CompensationFigureSchema(Schema):
    repairs_due = fields.Integer(metadata={"description": "Repairs booked in the range that are due compensation."})
    claims_recorded = fields.Integer()
    amount_pence = fields.Integer(metadata={"description": "Payable on the claims recorded for those repairs."})


class StandardFigureSchema(Schema):
    key = fields.String()
    label = fields.String()
    target = fields.Float(
        allow_none=True, metadata={"description": "The contract's target share; null if the contracts differ."}
    )
    achieved = fields.Float(allow_none=True, metadata={"description": "met / total, 0 to 1; null when total is 0."})
    on_target = fields.Boolean(allow_none=True)
    met = fields.Integer()
    total = fields.Integer(metadata={"description": "Cases judged; those not known yet are left out."})
    missed_count = fields.Integer()
    missed = fields.List(
        fields.Nested(MissedVisitSchema), metadata={"description": "The first 50 that missed it, by booked time."}
    )
    by_category = fields.List(fields.Nested(CategoryFigureSchema))
    compensation = fields.Nested(CompensationFigureSchema)


class StandardsReportSchema(Schema):
    from_ = fields.AwareDateTime(data_key="from")
    to = fields.AwareDateTime()
    contracts = fields.List(fields.UUID(), metadata={"description": "The contracts the figures cover."})
    items = fields.List(fields.Nested(StandardFigureSchema))
