"""The outbox: every message is a row written in the same transaction as the event that causes it.

Domain services call `enqueue` (never handlers), so an event that fails writes no message, and a
message whose event committed is never lost: `flask --app wsgi deliver` (server/delivery) sends it
later, with retries. Bodies are rendered when queued from the wording files in server/delivery/wording/,
and are never given a concern's text: a message says that there is something to read, and where.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from server import wording
from server.errors import Forbidden
from server.extensions import db
from server.models import Audience, Channel, Contract, Message, MessageState, Role, User
from server.services.access import contract_filter
from server.services.pages import Page, paginate

WORDING = Path(__file__).resolve().parent.parent / "delivery" / "wording"
OUTBOX_CHANNEL = "doorstep_outbox"  # PostgreSQL's LISTEN/NOTIFY channel: the worker sends at once, not at its next poll
SHOWN_OF_ADDRESS = 4  # a tenant's phone or email shows only its last few characters to the office


def words() -> wording.Wording:
    return wording.load(WORDING)


@dataclass(frozen=True)
class Recipient:
    address: str  # email address or phone number, as the channel needs
    audience: Audience
    user_id: uuid.UUID | None = None
    household_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None


def render(template: str, channel: Channel, lang: str, values: dict, audience: Audience) -> tuple[str | None, str]:
    """(subject, body) of a template in a language; SMS have no subject.

    A tenant's email is signed by the contractor for the landlord; a message that carries a `stop_link`
    (every one about their visits) ends with how to stop them.
    """
    text = words()
    body = text.text(lang, f"{template}_{channel.value}", **values).strip()
    if "stop_link" in values:
        body += ("\n\n" if channel == Channel.EMAIL else " ") + text.text(lang, f"stop_line_{channel.value}", **values)
    if channel == Channel.SMS:
        return None, body
    signature = text.text(lang, "tenant_signature" if audience == Audience.TENANT else "signature", **values)
    return text.text(lang, f"{template}_subject", **values), f"{body}\n\n{signature}\n"


def enqueue(
    kind: str,
    recipient: Recipient,
    channel: Channel,
    template: str,
    values: dict,
    lang: str,
    now: datetime,
    *,
    dedupe_key: str | None = None,
    contract_id: uuid.UUID | None = None,
    visit_id: uuid.UUID | None = None,
    not_before: datetime | None = None,
    expires_at: datetime | None = None,
    cancelled_because: str | None = None,
) -> bool:
    """Queue one message in the caller's transaction; False if its dedupe key was queued before.

    `cancelled_because`: the message is kept as cancelled, with the reason, so the office sees the
    tenant was not told and why (opted out, too many messages today, too late to be of use).
    """
    subject, body = render(template, channel, lang, values, recipient.audience)
    row = dict(
        id=uuid.uuid4(),
        kind=kind,
        audience=recipient.audience,
        channel=channel,
        recipient=recipient.address,
        user_id=recipient.user_id,
        household_id=recipient.household_id,
        organisation_id=recipient.organisation_id,
        contract_id=contract_id,
        visit_id=visit_id,
        template=template,
        lang=lang,
        subject=subject,
        body=body,
        state=MessageState.CANCELLED if cancelled_because else MessageState.QUEUED,
        last_error=cancelled_because,
        attempts=0,
        next_attempt_at=max(now, not_before or now),
        expires_at=expires_at,
        idempotency_key=uuid.uuid4().hex,
        dedupe_key=dedupe_key,
        created_at=now,
    )
    # Two workers (or requests) may decide the same warning at once: the unique key lets one row in, quietly.
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(Message).values(**row).on_conflict_do_nothing(index_elements=["dedupe_key"])
    queued = db.session.execute(statement.returning(Message.id)).scalar() is not None
    if queued and insert is postgresql.insert:
        db.session.execute(sa.text(f"NOTIFY {OUTBOX_CHANNEL}"))  # wakes the worker when this commits, not before
    return queued


def console_link(path: str = "/console/queue") -> str:
    return current_app.config["PUBLIC_BASE_URL"] + path


def managers_of(organisation_id: uuid.UUID) -> list[User]:
    """The organisation's active managers and admins, who are told when no one else is named."""
    query = sa.select(User).where(
        User.organisation_id == organisation_id, User.role.in_((Role.MANAGER, Role.ADMIN)), User.active.is_(True)
    )
    return list(db.session.scalars(query.order_by(User.email)))


def contract_contacts(contract: Contract) -> list[Recipient]:
    """The contract's named contacts of both organisations (or, where none is named, its managers)."""
    named = (contract.standards or {}).get("alert_contacts") or {}
    recipients = []
    for side, organisation_id in (("landlord", contract.landlord_id), ("contractor", contract.contractor_id)):
        emails = named.get(side) or [user.email for user in managers_of(organisation_id)]
        users = {u.email: u.id for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))}
        recipients += [
            Recipient(email, Audience.MANAGER, users.get(email), organisation_id=organisation_id)
            for email in dict.fromkeys(emails)
        ]
    return recipients


def organisation_managers(organisation_id: uuid.UUID) -> list[Recipient]:
    return [
        Recipient(user.email, Audience.MANAGER, user.id, organisation_id=organisation_id)
        for user in managers_of(organisation_id)
    ]


def masked(message: Message) -> str:
    """The recipient as the office sees it: a tenant's phone or email shows only its last few characters."""
    if message.audience != Audience.TENANT:
        return message.recipient
    hidden = max(len(message.recipient) - SHOWN_OF_ADDRESS, 0)
    return "•" * hidden + message.recipient[hidden:]


def _visible(actor: User) -> sa.Select:
    if not actor.is_manager or actor.role == Role.PLATFORM_ADMIN:
        raise Forbidden("The outbox is for managers and admins.")
    on_contracts = sa.select(Contract.id).where(contract_filter(actor))
    return sa.select(Message).where(
        sa.or_(Message.organisation_id == actor.organisation_id, Message.contract_id.in_(on_contracts))
    )


def list_messages(actor: User, filters: dict, page: int, per_page: int) -> Page:
    """The actor's organisation's messages, newest first, with each one's state."""
    query = _visible(actor)
    if filters.get("state"):
        query = query.where(Message.state.in_(filters["state"]))
    if filters.get("kind"):
        query = query.where(Message.kind == filters["kind"])
    if filters.get("visit"):
        query = query.where(Message.visit_id == filters["visit"])
    result = paginate(query.order_by(Message.created_at.desc(), Message.id), page, per_page)
    for message in result.items:
        message.shown_recipient = masked(message)
    return result
