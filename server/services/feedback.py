"""Tenants' feedback on a visit: a rating, a compliment or a complaint, from the visit's public page /f/<code>.

The page's code says nothing about the visit. A calling card's serial is its code (the tenant holds the
card); any other visit gets its own feedback code the first time the page is offered for it (after a
successful "are they booked at my home?" check on the badge page, or in the satisfaction message).

A complaint runs on the Housing Ombudsman Complaint Handling Code's stage 1 clock, in the landlord's
working days (its region's bank holidays): made on the page it is acknowledged at once, so its response
is due the contract's `complaint_respond_working_days` (10) later. The tenant's name and contact details
are shown only to the managers and admins of the two organisations on the visit's contract.
"""

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from server.errors import Forbidden, NotFound
from server.extensions import db
from server.london_time import london_date
from server.models import (
    Audience,
    Channel,
    Feedback,
    FeedbackCode,
    FeedbackKind,
    NoAccessAttempt,
    Organisation,
    Region,
    User,
    Visit,
)
from server.schemas.standards import validated_standards
from server.services import badges, cards, messages, tenant_messages
from server.services.access import visit_filter
from server.services.badges import ALPHABET
from server.services.deadlines import end_of_day, working_days_after
from server.services.pages import Page, paginate

_CODE_LENGTH = 10  # 31^10 ≈ 8e14 and rate-limited: unguessable; longer than a card's serial (8), so never one


@dataclass
class FeedbackVisit:
    """The visit a feedback page is about, as the page may show it: never who lives there, nor where."""

    visit: Visit
    code: str
    landlord: Organisation
    contractor: str


def _visit_for(text: str) -> FeedbackVisit | None:
    code = cards.normalise_serial(text)
    if code is None:
        return None
    visit_id = db.session.scalar(sa.select(FeedbackCode.visit_id).where(FeedbackCode.code == code))
    if visit_id is None:
        visit_id = db.session.scalar(sa.select(NoAccessAttempt.visit_id).where(NoAccessAttempt.card_serial == code))
    if visit_id is None:
        return None
    visit = db.session.get(Visit, visit_id)
    return FeedbackVisit(visit, code, visit.contract.landlord, visit.contract.contractor.name)


def feedback_visit(text: str) -> FeedbackVisit:
    """The visit whose feedback page this code opens (a feedback code, or a calling card's serial), or NotFound."""
    found = _visit_for(text)
    if found is None:
        raise NotFound("We cannot find this visit.")
    return found


def code_for(visit: Visit, now: datetime) -> str:
    """The visit's feedback code, made on first need: its calling card's serial if one was left."""
    if visit.no_access is not None:
        return visit.no_access.card_serial
    existing = db.session.scalar(sa.select(FeedbackCode.code).where(FeedbackCode.visit_id == visit.id))
    if existing is not None:
        return existing
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(_CODE_LENGTH))
        if db.session.scalar(sa.select(FeedbackCode.id).where(FeedbackCode.code == code)) is None:
            break
    db.session.add(FeedbackCode(visit_id=visit.id, code=code, created_at=now))
    db.session.flush()
    return code


def feedback_url(visit: Visit, now: datetime) -> str:
    """The visit's feedback page, for the satisfaction message after it is completed."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/f/{code_for(visit, now)}"


def code_for_booking(token: str, postcode: str | None, house: str, now: datetime) -> str:
    """After a tenant's successful "are they booked at my home today?" check, that visit's feedback code."""
    booking = badges.booked_today(token, postcode, house, now)
    if not booking.booked:
        raise NotFound("This person is not booked at this address today.")
    return code_for(db.session.get(Visit, booking.visit_id), now)


def _due(moment: datetime, working_days: int, region: Region) -> datetime:
    """The end of the UK day `working_days` of the region's working days after `moment`."""
    return end_of_day(working_days_after(london_date(moment), working_days, region))


def give_feedback(text: str, fields: dict, language: str, now: datetime) -> tuple[Feedback, FeedbackVisit]:
    """Keep what a tenant said about a visit; a complaint is acknowledged at once and its clock starts."""
    about = feedback_visit(text)
    feedback = Feedback(
        visit_id=about.visit.id,
        created_at=now,
        kind=fields["kind"],
        rating=fields.get("rating"),
        text=fields.get("text"),
        language=language,
        name=fields.get("name"),
        callback_phone=fields.get("phone"),
        callback_email=fields.get("email"),
    )
    if feedback.kind == FeedbackKind.COMPLAINT:
        standards, region = validated_standards(about.visit.contract.standards), about.landlord.region
        feedback.acknowledge_due_at = _due(now, standards["complaint_acknowledge_working_days"], region)
        feedback.acknowledged_at = now  # the page's own thank-you is the acknowledgement
        feedback.response_due_at = _due(now, standards["complaint_respond_working_days"], region)
    db.session.add(feedback)
    db.session.flush()
    if feedback.kind == FeedbackKind.COMPLAINT:
        _acknowledge(feedback, about, now)
    return feedback, about


def _acknowledge(complaint: Feedback, about: FeedbackVisit, now: datetime) -> None:
    """Queue the tenant's written acknowledgement: to the contact they gave for a reply, in their page's language.

    An email is preferred to a text. A tenant who left no contact is acknowledged on the channel the household
    agreed to (if it did), in its own language, as any message about the visit; otherwise the page's thank-you is
    all there is.
    """
    if complaint.callback_email:
        channel, address = Channel.EMAIL, complaint.callback_email
    elif complaint.callback_phone:
        channel, address = Channel.SMS, complaint.callback_phone
    else:
        channel = address = None
    visit, household = about.visit, about.visit.property.household
    language = complaint.language if address else (household.preferred_language if household else "en")
    values = {
        "visit_date": tenant_messages.when(visit.window_start, language)["date"],
        "landlord": about.landlord.name,
        "contractor": about.contractor,
        "date": tenant_messages.day(due_day(complaint.response_due_at), language),
        "reference": reference(complaint),
    }
    if address is None:
        tenant_messages.tell(visit, "complaint_acknowledged", now, key=str(complaint.id), values=values)
        return
    messages.enqueue(
        "complaint_acknowledged",
        messages.Recipient(address, Audience.TENANT, household_id=household.id if household else None),
        channel,
        "complaint_acknowledged",
        values,
        complaint.language,
        now,
        dedupe_key=f"complaint_acknowledged:{complaint.id}",
        contract_id=visit.contract_id,
        visit_id=visit.id,
    )


def due_day(due_at: datetime) -> date:
    """The UK day a deadline falls on: due at midnight is due by the end of the day before."""
    return london_date(due_at - timedelta(microseconds=1))


def reference(feedback: Feedback) -> str:
    """The short reference a tenant quotes on the phone: the first 8 characters of its id."""
    return feedback.id.hex[:8].upper()


def _require_manager(actor: User) -> None:
    if not actor.is_manager:  # operatives, and the platform admin (no household data)
        raise Forbidden("Tenants' feedback is for the managers and admins on the visit's contract.")


def _visible(actor: User) -> sa.Select:
    return sa.select(Feedback).join(Visit, Visit.id == Feedback.visit_id).where(visit_filter(actor))


def _get(feedback_id: uuid.UUID, actor: User) -> Feedback:
    feedback = db.session.scalar(_visible(actor).where(Feedback.id == feedback_id))
    if feedback is None or feedback.kind != FeedbackKind.COMPLAINT:
        raise NotFound(f"No complaint with id {feedback_id}.")
    return feedback


def list_complaints(actor: User, filters: dict, now: datetime, page: int, per_page: int) -> Page:
    """Complaints on your contracts' visits, soonest response due first; open and overdue as filters."""
    _require_manager(actor)
    query = _visible(actor).where(Feedback.kind == FeedbackKind.COMPLAINT)
    if filters.get("open") is True:
        query = query.where(Feedback.responded_at.is_(None))
    elif filters.get("open") is False:
        query = query.where(Feedback.responded_at.is_not(None))
    overdue = sa.and_(Feedback.responded_at.is_(None), Feedback.response_due_at < now)
    if filters.get("overdue") is True:
        query = query.where(overdue)
    elif filters.get("overdue") is False:
        query = query.where(sa.not_(overdue))
    return paginate(query.order_by(Feedback.response_due_at, Feedback.id), page, per_page)


def list_feedback(actor: User, filters: dict, page: int, per_page: int) -> Page:
    """Everything tenants said on your contracts' visits (ratings, comments, compliments, complaints), newest first."""
    _require_manager(actor)
    query = _visible(actor)
    if filters.get("kind") is not None:
        query = query.where(Feedback.kind == filters["kind"])
    if filters.get("visit") is not None:
        query = query.where(Feedback.visit_id == filters["visit"])
    return paginate(query.order_by(Feedback.created_at.desc(), Feedback.id), page, per_page)


def respond(feedback_id: uuid.UUID, note: str, actor: User, now: datetime) -> Feedback:
    """Record the landlord's stage 1 response to a complaint; the first response stays."""
    _require_manager(actor)
    complaint = _get(feedback_id, actor)
    if complaint.responded_at is None:
        complaint.responded_at, complaint.responded_by, complaint.response_note = now, actor.id, note
    return complaint
