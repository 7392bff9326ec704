"""What managers are told at once: an urgent concern, a concern about to be late, a refused badge, compensation due.

Each is queued in the outbox (server/services/messages.py) inside the transaction of the event that causes
it, once per event and person (the dedupe key), by email to the contract's named contacts of both
organisations, or to the contractor's managers for a badge. No message carries a concern's text.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from server.extensions import db
from server.london_time import readable
from server.models import Channel, Concern, ConcernCategory, Contract, Message, Severity, Visit
from server.services import messages

MANAGERS_LANGUAGE = "en"


def _due(moment: datetime) -> str:
    """By when, as the console says it: "by Tue 1 Dec 2026, 15:05", or "by the end of" the day before midnight."""
    words = readable(moment, "deadline")
    return words if words.startswith("by ") else f"by {words}"


def _concern_values(concern: Concern) -> dict:
    text = messages.words()
    category = text.text(MANAGERS_LANGUAGE, f"category_{concern.category}")
    article = "an" if category[0] in "aeiou" else "a"  # English grammar: managers' messages are in English
    visit = concern.visit
    return {
        "category": category,
        "a_category": f"{article} {category}",
        "A_category": f"{article.title()} {category}",
        "severity": text.text(MANAGERS_LANGUAGE, f"severity_{concern.severity}"),
        "contract": visit.contract.name,
        "repair": visit.repair_reference or "(none)",
        "due": _due(concern.due_at),
        "link": messages.console_link(),
    }


def _to_contacts(kind: str, contract: Contract, values: dict, key: str, now: datetime) -> int:
    queued = 0
    for recipient in messages.contract_contacts(contract):
        queued += messages.enqueue(
            kind,
            recipient,
            Channel.EMAIL,
            kind,
            values,
            MANAGERS_LANGUAGE,
            now,
            dedupe_key=f"{key}:{recipient.address}",
            contract_id=contract.id,
        )
    return queued


def is_urgent(concern: Concern) -> bool:
    return concern.category == ConcernCategory.SAFEGUARDING or concern.severity == Severity.EMERGENCY


def concern_raised(concern: Concern, now: datetime) -> int:
    """Tell both organisations' contacts of a safeguarding or emergency concern, at once."""
    if not is_urgent(concern):
        return 0
    contract = concern.visit.contract
    return _to_contacts("concern_urgent", contract, _concern_values(concern), f"concern_urgent:{concern.id}", now)


def concerns_due_soon(now: datetime) -> int:
    """Warn the contacts once about each open concern now within CONCERN_WARNING_HOURS of its due time."""
    warning = timedelta(hours=current_app.config["CONCERN_WARNING_HOURS"])
    # Concerns long overdue were seen in the queue already; a worker started after a pause does not flood.
    query = (
        sa.select(Concern)
        .where(
            Concern.acknowledged_at.is_(None),
            Concern.resolved_at.is_(None),
            Concern.due_at <= now + warning,
            Concern.due_at > now - timedelta(days=1),
        )
        .order_by(Concern.due_at)
    )
    queued = 0
    for concern in db.session.scalars(query):
        key = f"concern_due_soon:{concern.id}"
        if db.session.scalar(sa.select(Message.id).where(Message.dedupe_key.startswith(key)).limit(1)):
            continue  # warned before (the unique key would refuse it anyway; this skips the rendering)
        queued += _to_contacts("concern_due_soon", concern.visit.contract, _concern_values(concern), key, now)
    return queued


def badge_refused(alert_id, verdict: str, holder: str, contractor_id, now: datetime) -> int:
    """Tell the contractor's managers that a revoked or suspended badge was shown at a door."""
    values = {"verdict": verdict, "holder": holder, "time": readable(now), "link": messages.console_link()}
    queued = 0
    for recipient in messages.organisation_managers(contractor_id):
        queued += messages.enqueue(
            "badge_refused_scan",
            recipient,
            Channel.EMAIL,
            "badge_refused_scan",
            values,
            MANAGERS_LANGUAGE,
            now,
            dedupe_key=f"badge_alert:{alert_id}:{recipient.address}",
        )
    return queued


def compensation_due(visit: Visit, missed: int, allowed: int, now: datetime) -> int:
    """Tell the contract's contacts once when a repair's missed appointments first pass the allowance."""
    contract = visit.contract
    values = {
        "repair": visit.repair_reference,
        "contract": contract.name,
        "missed": missed,
        "allowed": allowed,
        "link": messages.console_link("/console/"),
    }
    key = f"compensation_due:{contract.id}:{visit.repair_reference}"
    return _to_contacts("compensation_due", contract, values, key, now)


def message_failed(message: Message, now: datetime) -> int:
    """Tell the managers whose message it was that it could not be sent (never about a failed alert of this kind)."""
    if message.kind == "message_failed":
        return 0
    if message.organisation_id is not None:
        recipients = messages.organisation_managers(message.organisation_id)
    else:
        contract = db.session.get(Contract, message.contract_id)
        recipients = messages.contract_contacts(contract) if contract else []
    values = {
        "recipient": messages.masked(message),
        "channel": "text message" if message.channel == Channel.SMS else "email",
        "what": message.subject or message.kind.replace("_", " "),
        "attempts": message.attempts,
        "error": message.last_error or "unknown",
        "link": messages.console_link("/console/"),
    }
    queued = 0
    for recipient in recipients:
        queued += messages.enqueue(
            "message_failed",
            recipient,
            Channel.EMAIL,
            "message_failed",
            values,
            MANAGERS_LANGUAGE,
            now,
            dedupe_key=f"message_failed:{message.id}:{recipient.address}",
            contract_id=message.contract_id,
        )
    return queued
