"""What tenants are told because of the clock, not an event: the reminder the day before, and "not arrived yet".

The worker's pass (server/delivery `run_pass`) calls `due_now` each time round, every few seconds, so each
query reads only the visits it could concern, by their window's start (indexed): tomorrow's, for the
reminders; those started within the last day and not over yet, for "not arrived". A worker started again
after a pause tells nothing about visits already over. Visits told in the last day are left out in the
query, so a pass with nothing new to tell loads no visit; `tell`'s key (visit and window) makes each once.
"""

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from server.extensions import db
from server.london_time import LONDON, london_date
from server.models import Contract, Household, Message, Property, Visit, VisitStatus
from server.schemas.standards import validated_standards
from server.services import tenant_messages

# "Not arrived" looks back this far for windows that have started: no booked window lasts longer.
_LONGEST_WINDOW = timedelta(days=1)
# A visit booked (or moved) closer to its start than this gets no reminder: its confirmation says it all.
_REMINDER_AHEAD = timedelta(days=1)
_CONFIRMATIONS = ("appointment_booked", "appointment_moved")


def due_now(now: datetime) -> int:
    """Queue the reminders and "not arrived yet" messages due at `now`; how many were queued."""
    return reminders(now) + not_arrived(now)


def _untold(template: str, now: datetime, *where) -> list[sa.Row]:
    """Scheduled visits at homes that agreed to messages, not told `template` in the last day: light rows."""
    told = sa.exists().where(
        Message.visit_id == Visit.id, Message.template == template, Message.created_at > now - timedelta(days=1)
    )
    query = (
        sa.select(Visit.id, Visit.contract_id, Visit.window_start, Visit.expected_arrival_at)
        .join(Property, Property.id == Visit.property_id)
        .join(Household, Household.property_id == Property.id)
        .where(*where, Visit.status == VisitStatus.SCHEDULED, Household.contact_channel.is_not(None), ~told)
    )
    return db.session.execute(query).all()


def _rules(rows: list[sa.Row]) -> dict:
    """Each contract's standards, for the contracts of these visits."""
    contracts = db.session.execute(
        sa.select(Contract.id, Contract.standards).where(Contract.id.in_({row.contract_id for row in rows}))
    )
    return {contract_id: validated_standards(standards) for contract_id, standards in contracts}


def _tell(template: str, rows: list[sa.Row], now: datetime, expires: str) -> int:
    """Tell each visit's tenant `template`, once per visit and window; the message is of no use after `expires`."""
    told = 0
    for visit in db.session.scalars(sa.select(Visit).where(Visit.id.in_([row.id for row in rows]))):
        key = f"{visit.id}:{visit.window_start.isoformat()}"
        told += tenant_messages.tell(visit, template, now, key=key, expires_at=getattr(visit, expires))
    return told


def _last_confirmed(rows: list[sa.Row]) -> dict:
    """When each visit's tenant was last sent (or meant to be sent) its time: booked or moved."""
    query = (
        sa.select(Message.visit_id, sa.func.max(Message.created_at))
        .where(Message.visit_id.in_([row.id for row in rows]), Message.template.in_(_CONFIRMATIONS))
        .group_by(Message.visit_id)
    )
    return dict(db.session.execute(query).all())


def reminders(now: datetime) -> int:
    """Remind tenants of tomorrow's visits (London days), from the contract's `reminder_time` on."""
    tomorrow = london_date(now) + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), tzinfo=LONDON)
    end = datetime.combine(tomorrow + timedelta(days=1), time(0), tzinfo=LONDON)
    rows = _untold("appointment_reminder", now, Visit.window_start >= start, Visit.window_start < end)
    if not rows:
        return 0
    rules, clock = _rules(rows), now.astimezone(LONDON).strftime("%H:%M")
    rows = [row for row in rows if clock >= rules[row.contract_id]["reminder_time"]]  # HH:MM strings sort as times
    confirmed = _last_confirmed(rows) if rows else {}
    rows = [row for row in rows if row.id not in confirmed or confirmed[row.id] <= row.window_start - _REMINDER_AHEAD]
    return _tell("appointment_reminder", rows, now, expires="window_start") if rows else 0


def not_arrived(now: datetime) -> int:
    """Tell the tenant nobody has arrived `punctuality_minutes` into the window, unless the operative said later."""
    started = (Visit.window_start > now - _LONGEST_WINDOW, Visit.window_start <= now, Visit.window_end > now)
    rows = _untold("not_arrived", now, *started)
    if not rows:
        return 0
    rules = _rules(rows)
    due = []
    for row in rows:
        late_from = row.window_start + timedelta(minutes=rules[row.contract_id]["punctuality_minutes"])
        marked_later = row.expected_arrival_at is not None and row.expected_arrival_at > late_from
        if late_from <= now and not marked_later:
            due.append(row)
    return _tell("not_arrived", due, now, expires="window_end") if due else 0
