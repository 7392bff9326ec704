"""UTC is stored and served; people see Europe/London."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london_date(moment: datetime) -> date:
    """The calendar day it is in the UK at `moment`."""
    return moment.astimezone(LONDON).date()


def readable(moment: datetime | None, style: str = "long") -> str:
    """A stored UTC time as people in the UK read it (the console's pages and the managers' emails)."""
    if moment is None:
        return "—"
    local = moment.astimezone(LONDON)
    if style == "time":
        return f"{local:%H:%M}"
    if style == "day":
        return f"{local:%a} {local.day} {local:%b %Y}"
    if style == "deadline" and (local.hour, local.minute, local.second) == (0, 0, 0):
        day = local - timedelta(days=1)  # due at midnight: by the end of the day before
        return f"by the end of {day:%a} {day.day} {day:%b %Y}"
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"
