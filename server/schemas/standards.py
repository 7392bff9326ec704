"""A contract's service standards: the landlords' customer-care policies as validated data.

Every default is the figure in ../shared/policies/ (Havebury's contractor policy unless noted);
a contract overrides any of them.
"""

from marshmallow import Schema, fields, validate

_CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
_CLOCK_ERROR = "A time of day as HH:MM, 24-hour clock, London time."


def _target(default: float):
    return fields.Float(load_default=default, validate=validate.Range(0, 1))


class AlertContactsSchema(Schema):
    landlord = fields.List(fields.Email(), load_default=list, validate=validate.Length(max=20))
    contractor = fields.List(fields.Email(), load_default=list, validate=validate.Length(max=20))


class ServiceStandardsSchema(Schema):
    # Keep appointments within this many minutes of the agreed time (Havebury 7.1).
    punctuality_minutes = fields.Integer(load_default=10, validate=validate.Range(0, 240))
    # Show identity card before entering (Havebury 8; every policy).
    id_before_entry = fields.Boolean(load_default=True)
    # Overshoes, dust sheets and protective sheeting (Havebury 8).
    overshoes_and_dust_sheets = fields.Boolean(load_default=True)
    # Clean up and leave the property as found (Havebury 8).
    clean_up = fields.Boolean(load_default=True)
    # Leave a calling card when access cannot be obtained (every policy).
    calling_card_on_no_access = fields.Boolean(load_default=True)
    # Wait this long at the door before recording no access ("a reasonable time", South Western).
    no_access_wait_minutes = fields.Integer(load_default=10, validate=validate.Range(0, 120))
    # Inform tenants in writing this many working days before planned works (Havebury 4).
    planned_works_notice_working_days = fields.Integer(load_default=10, validate=validate.Range(0, 60))
    # Concern deadlines: emergency hazard in hours; damp and mould (Awaab's Law) and routine in
    # working days; safeguarding escalated the same working day (0).
    emergency_response_hours = fields.Integer(load_default=24, validate=validate.Range(1, 168))
    damp_mould_investigate_working_days = fields.Integer(load_default=10, validate=validate.Range(0, 60))
    safeguarding_escalate_working_days = fields.Integer(load_default=0, validate=validate.Range(0, 5))
    routine_concern_working_days = fields.Integer(load_default=10, validate=validate.Range(0, 60))
    # Compensation when the same repair's appointment is missed more than this many times (Havebury 5).
    missed_appointments_before_compensation = fields.Integer(load_default=2, validate=validate.Range(0, 10))
    compensation_daily_cap_pence = fields.Integer(load_default=7000, validate=validate.Range(0, 100_000))
    # Keep the GPS location in photos' EXIF (off: stripped on upload, as tenants' homes are private).
    keep_photo_location = fields.Boolean(load_default=False)
    # How many working days a reply to a tenant may take (Havebury 7.1: respond fully in 10).
    respond_to_tenant_working_days = fields.Integer(load_default=10, validate=validate.Range(0, 60))
    # A tenant's complaint, stage 1 (Housing Ombudsman Complaint Handling Code): acknowledged within 5 working
    # days of being made, answered within 10 working days of the acknowledgement.
    complaint_acknowledge_working_days = fields.Integer(load_default=5, validate=validate.Range(0, 60))
    complaint_respond_working_days = fields.Integer(load_default=10, validate=validate.Range(0, 60))
    # The managers' report's target for each standard: the share of cases that should meet it (0 to 1).
    # The policies promise these to every tenant on every visit, so the default is all of them; a
    # contract sets the figure it agreed. Where no policy gives a figure, the default says so.
    punctuality_target = _target(1.0)  # "keep appointments within 10 minutes" (Havebury 7.1)
    id_before_entry_target = _target(1.0)
    overshoes_and_dust_sheets_target = _target(1.0)
    clean_up_target = _target(1.0)
    no_access_wait_target = _target(1.0)
    calling_card_target = _target(1.0)
    planned_works_notice_target = _target(1.0)
    concerns_acknowledged_on_time_target = _target(1.0)
    concerns_resolved_on_time_target = _target(1.0)
    appointments_kept_target = _target(1.0)  # every appointment kept; compensation after more than 2 missed
    # No policy sets these two; a starting point for the contract to replace with its own.
    access_gained_target = _target(0.9)  # visits where the tenant let us in (the rest: the no-access rate)
    tenant_satisfaction_target = _target(0.9)  # satisfied or very satisfied, of those who answered
    # Tenants' messages (server/services/tenant_messages.py). No policy sets these: a decent starting point.
    # No message to a tenant between these London times: it waits until the quiet hours end.
    quiet_hours_start = fields.String(load_default="20:00", validate=validate.Regexp(_CLOCK, error=_CLOCK_ERROR))
    quiet_hours_end = fields.String(load_default="08:00", validate=validate.Regexp(_CLOCK, error=_CLOCK_ERROR))
    # At most this many messages to one home in 24 hours, besides the essential ones (a visit that cannot go
    # ahead as booked, a planned-works notice), which always go.
    tenant_messages_per_day = fields.Integer(load_default=3, validate=validate.Range(1, 20))
    # The reminder of a visit goes the day before, not before this London time.
    reminder_time = fields.String(load_default="10:00", validate=validate.Regexp(_CLOCK, error=_CLOCK_ERROR))
    # The one-question satisfaction request waits this long after the visit is completed.
    satisfaction_delay_minutes = fields.Integer(load_default=60, validate=validate.Range(0, 1440))
    # Who is emailed at once about a safeguarding or emergency concern, a concern about to be late, a refused
    # badge or compensation due: each side's named addresses; none named, that organisation's managers and admins.
    alert_contacts = fields.Nested(AlertContactsSchema, load_default=lambda: {"landlord": [], "contractor": []})


def validated_standards(data: dict | None) -> dict:
    """Validate a contract's standards and fill in every default (raises ValidationError)."""
    return ServiceStandardsSchema().load(data or {})
