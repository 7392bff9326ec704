"""Working days count the landlord's own bank holidays."""

from datetime import UTC, date, datetime

import pytest

from server.models import ConcernCategory, Region, Severity
from server.schemas.standards import validated_standards
from server.services.deadlines import concern_due_at, working_days_after, working_days_between

STANDARDS = validated_standards({})


def test_st_andrews_day_is_a_holiday_in_scotland_only():
    wednesday = date(2026, 11, 25)

    assert working_days_after(wednesday, 3, Region.SCOTLAND) == date(2026, 12, 1)  # skips Mon 30 Nov
    assert working_days_after(wednesday, 3, Region.ENGLAND_WALES) == date(2026, 11, 30)


def test_christmas_and_boxing_day_observed():
    assert working_days_after(date(2026, 12, 24), 1, Region.ENGLAND_WALES) == date(2026, 12, 29)


def test_scotland_keeps_the_second_of_january():
    # 1 and 2 January 2027 fall on Friday and Saturday: Scotland takes Monday 4 January off too.
    assert working_days_after(date(2026, 12, 31), 1, Region.SCOTLAND) == date(2027, 1, 5)
    assert working_days_after(date(2026, 12, 31), 1, Region.ENGLAND_WALES) == date(2027, 1, 4)


def test_zero_days_on_a_weekend_is_the_next_working_day():
    assert working_days_after(date(2026, 11, 28), 0, Region.ENGLAND_WALES) == date(2026, 11, 30)


def test_working_days_between():
    assert working_days_between(date(2026, 11, 20), date(2026, 12, 4), Region.SCOTLAND) == 9
    assert working_days_between(date(2026, 11, 20), date(2026, 12, 4), Region.ENGLAND_WALES) == 10
    assert working_days_between(date(2026, 12, 4), date(2026, 11, 20), Region.ENGLAND_WALES) == 0


RAISED = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("category", "severity", "region", "due"),
    [
        ("damp_mould", "significant", "scotland", datetime(2026, 12, 11, 0, 0, tzinfo=UTC)),  # skips 30 Nov
        ("damp_mould", "significant", "england-wales", datetime(2026, 12, 10, 0, 0, tzinfo=UTC)),
        ("safeguarding", "significant", "scotland", datetime(2026, 11, 26, 0, 0, tzinfo=UTC)),
        ("property_defect", "emergency", "scotland", datetime(2026, 11, 26, 14, 30, tzinfo=UTC)),
    ],
)
def test_concern_due_dates(category, severity, region, due):
    assert concern_due_at(ConcernCategory(category), Severity(severity), RAISED, STANDARDS, Region(region)) == due


def test_a_contract_sets_its_own_deadlines():
    standards = validated_standards({"damp_mould_investigate_working_days": 5})

    due = concern_due_at(ConcernCategory.DAMP_MOULD, Severity.ROUTINE, RAISED, standards, Region.ENGLAND_WALES)

    assert due == datetime(2026, 12, 3, 0, 0, tzinfo=UTC)
