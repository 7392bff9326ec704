"""Deadlines in working days, with the landlord's own region's bank holidays (Scotland's differ)."""

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import holidays

from server.london_time import LONDON
from server.models import ConcernCategory, Region, Severity

_SUBDIVISION = {Region.ENGLAND_WALES: "ENG", Region.SCOTLAND: "SCT", Region.NORTHERN_IRELAND: "NIR"}


@cache
def _bank_holidays(region: Region, year: int) -> frozenset[date]:
    return frozenset(holidays.UK(subdiv=_SUBDIVISION[region], years=year))


def is_working_day(day: date, region: Region) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(region, day.year)


def working_days_after(start: date, days: int, region: Region) -> date:
    """The working day `days` working days after `start`; 0 means `start` itself, or the next working day."""
    day = start
    while not is_working_day(day, region):
        day += timedelta(days=1)
    for _ in range(days):
        day += timedelta(days=1)
        while not is_working_day(day, region):
            day += timedelta(days=1)
    return day


def working_days_between(earlier: date, later: date, region: Region) -> int:
    """How many working days lie after `earlier` up to and including `later` (0 if not later)."""
    count, day = 0, earlier
    while day < later:
        day += timedelta(days=1)
        count += is_working_day(day, region)
    return count


def end_of_day(day: date) -> datetime:
    """The end of a UK calendar day, in UTC: a deadline 'by <day>' means before the next midnight."""
    return datetime.combine(day + timedelta(days=1), time(0), LONDON).astimezone(UTC)


def concern_due_at(category: ConcernCategory, severity: Severity, raised_at: datetime, standards: dict, region: Region):
    """When the landlord must have acted on a concern, by the contract's rules."""
    if severity == Severity.EMERGENCY:
        return raised_at + timedelta(hours=standards["emergency_response_hours"])
    if category in (ConcernCategory.SAFEGUARDING, ConcernCategory.VULNERABLE_ADULT):
        days = standards["safeguarding_escalate_working_days"]
    elif category == ConcernCategory.DAMP_MOULD:
        days = standards["damp_mould_investigate_working_days"]
    else:
        days = standards["routine_concern_working_days"]
    return end_of_day(working_days_after(raised_at.astimezone(LONDON).date(), days, region))
