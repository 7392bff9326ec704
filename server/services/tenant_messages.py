"""What tenants are told about their visits: in their language, on the channel they agreed to, at a decent hour.

Each trigger (a visit booked, moved, cancelled, running late, no access, completed; a planned-works notice)
calls `tell` inside its own transaction, so the message is queued with the event or not at all. `tell`
decides whether and when, from the household and the contract's standards:
- only with consent recorded (the household's `contact_channel`) and an address on that channel;
- never after the tenant said stop (kept as cancelled, so the office sees the tenant was not told);
- not in the contract's quiet hours (London time): it waits for their end, unless it would be no use by then;
- not more than the contract's `tenant_messages_per_day` to one home in a day, except the essential ones
  (the visit cannot happen as booked, a planned-works notice) which always go.
Every message ends with the way to stop them (`stop_line`), and is worded in the household's language
from server/delivery/wording/ (English where a string is not translated yet).
"""

import secrets
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from babel.dates import format_date, format_time
from flask import current_app

from server.extensions import db
from server.london_time import LONDON
from server.models import Audience, Channel, Household, Message, MessageState, Visit
from server.schemas.standards import validated_standards
from server.services import messages
from server.services.badges import ALPHABET

# The visit cannot go ahead as the tenant was told, or the law says they must be told: never held back by the limit.
ESSENTIAL = frozenset({"appointment_cancelled", "planned_works_notice", "running_late", "not_arrived"})
_STOP_CODE_LENGTH = 10
STOPPED = "Not sent: the tenant asked for no more messages."  # why, as the office reads it in the outbox


def stop_code(household: Household) -> str:
    """The household's code for its "stop these messages" link, made on first need."""
    if household.stop_code is None:
        household.stop_code = "".join(secrets.choice(ALPHABET) for _ in range(_STOP_CODE_LENGTH))
    return household.stop_code


def stop_link(household: Household) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/o/{stop_code(household)}"


def _locale(lang: str) -> str:
    text = messages.words()
    return text.languages.get(lang, text.languages["en"]).locale


def day(on: date, lang: str) -> str:
    """A day as the household reads it: "Tuesday 8 December"."""
    return format_date(on, messages.words().text(lang, "day_pattern"), locale=_locale(lang))


def when(moment: datetime, lang: str) -> dict:
    """A moment's day and time as the household reads them: {"date": "Tuesday 8 December", "time": "09:30"}."""
    local = moment.astimezone(LONDON)
    return {"date": day(local.date(), lang), "time": format_time(local, "HH:mm", locale=_locale(lang))}


def visit_values(visit: Visit, lang: str) -> dict:
    """What every message about a visit may say: who is coming, for whom, when, and the number to call."""
    landlord, contractor = visit.contract.landlord, visit.contract.contractor
    start, end = when(visit.window_start, lang), when(visit.window_end, lang)
    operative = visit.operative.name.split()[0] if visit.operative else contractor.name
    return {
        "landlord": landlord.name,
        "contractor": contractor.name,
        "operative": operative,
        "phone": contractor.phone_office or landlord.phone_office or "",
        "landlord_phone": landlord.phone_office or "",
        "date": start["date"],
        "start": start["time"],
        "end": end["time"],
        "repair": visit.repair_reference,
    }


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def after_quiet_hours(moment: datetime, rules: dict) -> datetime:
    """`moment`, or the end of the contract's quiet hours (London) if it falls inside them."""
    start, end = _clock(rules["quiet_hours_start"]), _clock(rules["quiet_hours_end"])
    local = moment.astimezone(LONDON)
    at = local.time()
    quiet = (start <= at or at < end) if start > end else (start <= at < end)
    if not quiet:
        return moment
    day = local.date() if at < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=LONDON).astimezone(moment.tzinfo)


def _sent_today(household: Household, now: datetime) -> int:
    """Messages that went (or will go) to this home in the last 24 hours; the cancelled ones did not."""
    query = sa.select(sa.func.count(Message.id)).where(
        Message.household_id == household.id,
        Message.audience == Audience.TENANT,
        Message.state != MessageState.CANCELLED,
        Message.created_at > now - timedelta(days=1),
    )
    return db.session.scalar(query)


def address(household: Household) -> tuple[Channel, str] | None:
    """Where this household agreed to be messaged, or None (no consent, or no address on that channel)."""
    if household.contact_channel == Channel.SMS and household.phone:
        return Channel.SMS, household.phone
    if household.contact_channel == Channel.EMAIL and household.email:
        return Channel.EMAIL, household.email
    return None


def dedupe_key(template: str, key: str) -> str:
    """The outbox's key under which `tell` queues `template` once per `key`."""
    return f"{template}:{key}"


def tell(
    visit: Visit,
    template: str,
    now: datetime,
    *,
    key: str,
    values: dict | None = None,
    not_before: datetime | None = None,
    expires_at: datetime | None = None,
) -> bool:
    """Queue `template` about `visit` to its household, if they may and should be told; False if nothing was queued.

    `key` makes it once per event (a second call with the same key queues nothing). `not_before` holds it back
    (a satisfaction request an hour after the visit); `expires_at`: past it the message is of no use.
    """
    household = visit.property.household
    if household is None or (where := address(household)) is None:
        return False
    channel, recipient = where
    rules = validated_standards(visit.contract.standards)
    lang = household.preferred_language
    due = after_quiet_hours(max(now, not_before or now), rules)
    because = None
    if household.messages_stopped_at is not None:
        because = STOPPED
    elif expires_at is not None and due >= expires_at:
        because = "Not sent: it would have been of no use by the end of the quiet hours."
    elif template not in ESSENTIAL and _sent_today(household, now) >= rules["tenant_messages_per_day"]:
        because = f"Not sent: this home had {rules['tenant_messages_per_day']} messages in the last 24 hours."
    full = visit_values(visit, lang) | (values or {}) | {"stop_link": stop_link(household)}
    return messages.enqueue(
        template,
        messages.Recipient(recipient, Audience.TENANT, household_id=household.id),
        channel,
        template,
        full,
        lang,
        now,
        dedupe_key=dedupe_key(template, key),
        contract_id=visit.contract_id,
        visit_id=visit.id,
        not_before=due,
        expires_at=expires_at,
        cancelled_because=because,
    )
