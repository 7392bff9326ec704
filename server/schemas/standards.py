"""A contract's service standards: the landlords' customer-care policies as validated data.

Every default is the figure in ../shared/policies/ (Havebury's contractor policy unless noted);
a contract overrides any of them.
"""

from marshmallow import Schema, fields, validate


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


def validated_standards(data: dict | None) -> dict:
    """Validate a contract's standards and fill in every default (raises ValidationError)."""
    return ServiceStandardsSchema().load(data or {})
