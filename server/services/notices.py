"""Notice of planned works: the tenant told in time, by the channel they agreed to or by a letter in the post.

The landlords' policies ask for notice a number of working days before planned works start (the contract's
`planned_works_notice_working_days`, counted with the landlord's region's bank holidays, as the standard
`planned_works_notice` counts them). `give_notice` refuses a notice that is too late for that, unless the
manager says why shorter notice is right (an emergency agreed with the tenant); it records the notice on the
visit and tells the tenant through tenant_messages. A household with no channel they agreed to (or that said
stop) gets the letter `notice_letter_pdf` draws, for the office to post.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from babel.dates import format_date, format_time
from flask import current_app

import sync
from pdf_templates import notice_letter
from server import file_store
from server.errors import DomainError, Forbidden, NotFound
from server.extensions import db
from server.london_time import LONDON, london_date
from server.models import Message, MessageState, User, Visit, VisitKind, VisitStatus
from server.schemas.standards import validated_standards
from server.services import feedback, tenant_messages
from server.services.access import get_visible
from server.services.deadlines import working_days_after, working_days_between

TEMPLATE = "planned_works_notice"
LETTER = "letter"


@dataclass(frozen=True)
class Notice:
    """A notice as given: how the tenant was told, and how many working days ahead of the works."""

    visit: Visit
    told_by: str  # sms, email, or letter (the office posts it)
    working_days: int
    working_days_needed: int

    @property
    def letter_url(self) -> str | None:
        return f"/api/v1/visits/{self.visit.id}/notice-letter.pdf" if self.told_by == LETTER else None


def earliest_start(today: date, working_days: int, region) -> date:
    """The first day works may start with notice given `today`: `working_days` of them after today, up to that day.

    The standard `planned_works_notice` counts the same way (deadlines.working_days_between).
    """
    if working_days == 0:
        return today
    return working_days_after(today + timedelta(days=1), working_days - 1, region)


def _day(day: date) -> str:
    return format_date(day, "EEE d MMM y", locale="en_GB")


def _managed_planned_works(visit_id: uuid.UUID, actor: User) -> Visit:
    visit = get_visible(actor, Visit, visit_id)
    if not actor.is_manager:
        raise Forbidden("Notice of planned works is given by managers and admins.")
    if visit.kind != VisitKind.PLANNED_WORKS:
        raise DomainError("invalid_transition", f"This visit is a {visit.kind.value}; only planned works need notice.")
    return visit


def _told_by(key: str, queued: bool) -> str:
    """The channel the notice went by, or a letter: no channel agreed, or the tenant said stop (kept as cancelled)."""
    if not queued:
        return LETTER
    message = db.session.scalar(sa.select(Message).where(Message.dedupe_key == f"{TEMPLATE}:{key}"))
    return LETTER if message.state == MessageState.CANCELLED else message.channel.value


def give_notice(
    visit_id: uuid.UUID, actor: User, now: datetime, short_notice_reason: str | None = None, version: int | None = None
) -> Notice:
    """Tell the tenant now about their planned works, if there are enough working days left, or a reason why not.

    Giving notice again for the same booked start changes nothing and answers as the first time did.
    """
    visit = _managed_planned_works(visit_id, actor)
    visit.expect_version(version)
    if visit.status != VisitStatus.SCHEDULED:
        raise DomainError("invalid_transition", f"The visit is {visit.status.value}; notice is for works to come.")
    if visit.window_start <= now:
        raise DomainError("invalid_transition", "The works' booked start has passed: move them to a new window first.")
    needed = validated_standards(visit.contract.standards)["planned_works_notice_working_days"]
    region = visit.contract.landlord.region
    first_day = london_date(visit.window_start)
    if visit.planned_works_notice_on is not None and visit.planned_works_notice_for == visit.window_start:
        given = working_days_between(visit.planned_works_notice_on, first_day, region)
        return Notice(visit, visit.planned_works_notice_by, given, needed)

    today = london_date(now)
    given = working_days_between(today, first_day, region)
    if given < needed and not short_notice_reason:
        earliest = earliest_start(today, needed, region)
        raise DomainError(
            "notice_too_late",
            f"The contract asks for {needed} working days' notice of planned works; the works start on "
            f"{_day(first_day)}, {given} working days from today. The earliest they could start with notice given "
            f"today is {_day(earliest)}: move them, or give short_notice_reason (such as an emergency agreed "
            "with the tenant).",
            earliest_start=earliest.isoformat(),
            works_start=first_day.isoformat(),
            working_days_ahead=given,
            working_days_needed=needed,
        )
    key = f"{visit.id}:{visit.version}"  # a notice per booking: a move bumps the version, and needs a new notice
    told_by = _told_by(key, tenant_messages.tell(visit, TEMPLATE, now, key=key))
    visit.planned_works_notice_on, visit.planned_works_notice_for = today, visit.window_start
    visit.planned_works_notice_by = told_by
    visit.planned_works_short_notice_reason = short_notice_reason if given < needed else None
    visit.bump()
    sync.visit_changed(visit)
    return Notice(visit, told_by, given, needed)


def _address(visit: Visit) -> tuple[str, ...]:
    home = visit.property
    return tuple(line for line in (f"{home.house} {home.street}", home.locality, home.town, home.postcode) if line)


def notice_letter_pdf(visit_id: uuid.UUID, actor: User, now: datetime) -> bytes:
    """The notice as a letter to post to the tenant, as PDF bytes: in their language, large print if they need it.

    It carries the tenant's name and address (it goes in an envelope), so only the contract's managers print it.
    """
    visit = _managed_planned_works(visit_id, actor)
    if visit.planned_works_notice_on is None:
        raise NotFound(f"Visit {visit_id} has no notice letter: no notice of the works has been given yet.")
    household = visit.property.household
    languages = notice_letter.words().languages
    lang = household.preferred_language if household and household.preferred_language in languages else "en"
    locale = languages[lang].locale
    contract = visit.contract
    landlord, contractor = contract.landlord, contract.contractor
    start, end = visit.window_start.astimezone(LONDON), visit.window_end.astimezone(LONDON)
    base = current_app.config["PUBLIC_BASE_URL"]
    letter = notice_letter.NoticeLetter(
        lang=lang,
        large_print=household is not None and "large_print" in (household.needs or []),
        landlord=landlord.name,
        contractor=contractor.name,
        dated=format_date(visit.planned_works_notice_on, "long", locale=locale),
        tenant=household.tenant_name if household else None,
        address=_address(visit),
        first_day=format_date(start.date(), "full", locale=locale),
        last_day=format_date(end.date(), "full", locale=locale) if end.date() != start.date() else None,
        start=format_time(start, "HH:mm", locale=locale),
        end=format_time(end, "HH:mm", locale=locale),
        reference=visit.repair_reference,
        short_notice=visit.planned_works_short_notice_reason is not None,
        contractor_phone=contractor.phone_office,
        landlord_phone=landlord.phone_office,
        out_of_hours_phone=landlord.phone_out_of_hours,
        check_address=f"{urlsplit(base).netloc}/v",
        complaint_url=feedback.feedback_url(visit, now),
        overrides=landlord.branding.get("card_wording", {}),
        logo=file_store.path(landlord.branding["logo"]).read_bytes() if "logo" in landlord.branding else None,
    )
    return notice_letter.draw(letter)
