"""UTC is stored and served; people see Europe/London."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london_date(moment: datetime) -> date:
    """The calendar day it is in the UK at `moment`."""
    return moment.astimezone(LONDON).date()
