"""Documents drawn from records: the data each template needs, gathered with the record's own permissions.

pdf_templates/ draws plain objects and never sees the database; this is where records become them.
"""

import uuid
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from babel.dates import format_date, format_time
from flask import current_app

from pdf_templates import badge_card, calling_card, visit_report
from server import file_store
from server.errors import DomainError, NotFound
from server.extensions import db
from server.london_time import LONDON, london_date
from server.models import Attachment, AttachmentKind, Concern, User, Verdict, Visit
from server.services import badges, cards, concerns, visits
from server.services.access import get_visible


def card_languages() -> list[str]:
    return list(calling_card.words().languages)


def calling_card_pdf(visit_id: uuid.UUID, actor: User, format: str, large_print: bool | None, lang: str | None):
    """The calling card of a visit nobody answered, as PDF bytes.

    By default in the household's language (English if we have no card in it) and, if the household
    needs large print, in large print. Never the tenant's name or address: the card may be read by anyone.
    """
    visit = get_visible(actor, Visit, visit_id)
    attempt = visit.no_access
    if attempt is None:
        raise NotFound(f"Visit {visit_id} has no calling card: no failed access was recorded.")
    household = visit.property.household
    languages = calling_card.words().languages
    lang = lang or (household.preferred_language if household else "en")
    lang = lang if lang in languages else "en"
    if large_print is None:
        large_print = household is not None and "large_print" in (household.needs or [])
    contract = visit.contract
    landlord = contract.landlord
    called = attempt.attempted_at.astimezone(LONDON)
    locale = languages[lang].locale
    base = current_app.config["PUBLIC_BASE_URL"]
    card = calling_card.CallingCard(
        lang=lang,
        landlord=landlord.name,
        contractor=contract.contractor.name,
        operative=db.session.get(User, attempt.recorded_by).name,
        date=format_date(called.date(), "long", locale=locale),
        time=format_time(called, "HH:mm", locale=locale),
        job_kind=visit.kind.value,
        reference=visit.repair_reference,
        office_phone=landlord.phone_office,
        out_of_hours_phone=landlord.phone_out_of_hours,
        email=landlord.email,
        serial=attempt.card_serial,
        check_url=cards.check_url(attempt),
        check_address=f"{urlsplit(base).netloc}/c",
        overrides=landlord.branding.get("card_wording", {}),
        logo=file_store.path(landlord.branding["logo"]).read_bytes() if "logo" in landlord.branding else None,
    )
    return calling_card.draw(card, format, large_print)


def _picture(attachment: Attachment, concern_categories: dict) -> visit_report.Picture:
    stored = file_store.path(attachment.sha256)
    return visit_report.Picture(
        id=str(attachment.id),
        uploaded_at=attachment.uploaded_at,
        data=stored.read_bytes() if stored.is_file() else None,
        concern=concern_categories.get(attachment.concern_id),
    )


def visit_report_pdf(visit_id: uuid.UUID, actor: User, now: datetime) -> bytes:
    """The visit's report for managers, as PDF bytes: what is known so far, even before a checklist is filed.

    It shows what GET /visits/{id} shows this reader, and concerns' special-category text only where
    the reader may read it (each such read is logged).
    """
    visit = visits.visit_detail(visit_id, actor, now)
    report, attempt = visit.report, visit.no_access
    raised = concerns.shown(
        db.session.scalars(
            sa.select(Concern).where(Concern.visit_id == visit.id).order_by(Concern.raised_at, Concern.id)
        ).all(),
        actor,
        now,
        purpose="visit report",
    )
    attachments = db.session.scalars(
        sa.select(Attachment).where(Attachment.visit_id == visit.id).order_by(Attachment.uploaded_at, Attachment.id)
    ).all()
    people = {report.submitted_by} if report else set()
    for concern in raised:
        people |= {concern.raised_by, concern.acknowledged_by, concern.resolved_by}
    names = {user.id: user.name for user in db.session.scalars(sa.select(User).where(User.id.in_(people - {None})))}

    items = report.template.items if report else []
    answers = (
        tuple(
            visit_report.Answer(item["label"], item["type"], report.answers.get(item["key"]), bool(item.get("when")))
            for item in items
        )
        if report
        else None
    )
    signature_ids = {str(report.answers.get(item["key"])) for item in items if item["type"] == "signature"}
    categories = {concern.id: concern.category.value for concern in raised}
    photos = tuple(_picture(a, categories) for a in attachments if a.kind == AttachmentKind.PHOTO)
    signatures = [a for a in attachments if a.kind == AttachmentKind.SIGNATURE]
    # The one the report names; before a report (or without one named), the latest uploaded.
    signed = [a for a in signatures if str(a.id) in signature_ids] or signatures[-1:]
    changes = [visit.updated_at, report.submitted_at if report else None, attempt.attempted_at if attempt else None]
    for concern in raised:
        changes += [concern.raised_at, concern.acknowledged_at, concern.resolved_at]
    changes += [a.uploaded_at for a in attachments]
    home = visit.property
    address = ", ".join(part for part in (f"{home.house} {home.street}", home.locality, home.town) if part)
    data = visit_report.VisitReport(
        visit_id=str(visit.id),
        landlord=visit.contract.landlord.name,
        contractor=visit.contract.contractor.name,
        contract=f"{visit.contract.name} ({visit.contract.reference})",
        reference=visit.repair_reference,
        kind=visit.kind.value,
        status=visit.status.value,
        address=f"{address} {home.postcode}",
        operative=visit.operative.name if visit.operative else None,
        window_start=visit.window_start,
        window_end=visit.window_end,
        last_changed_at=max(moment for moment in changes if moment is not None),
        arrived_at=visit.arrived_at,
        device_arrived_at=visit.device_arrived_at,
        id_shown_at=visit.id_shown_at,
        device_id_shown_at=visit.device_id_shown_at,
        departed_at=visit.departed_at,
        device_departed_at=report.device_recorded_at if report else None,
        missed_at=visit.missed_at,
        cancel_reason=visit.cancel_reason,
        office_note=visit.notes,
        reported_by=names.get(report.submitted_by) if report else None,
        template_version=report.template.version if report else None,
        answers=answers,
        standards=tuple(visit_report.Standard(r.key, r.met, r.reason) for r in visit.standard_results),
        concerns=tuple(
            visit_report.Concern(
                category=concern.category.value,
                severity=concern.severity.value,
                description=concern.shown_description,
                raised_at=concern.raised_at,
                raised_by=names.get(concern.raised_by, "Unknown"),
                due_at=concern.due_at,
                overdue=concern.is_overdue(now),
                acknowledged_at=concern.acknowledged_at,
                acknowledged_by=names.get(concern.acknowledged_by),
                acknowledge_note=concern.acknowledge_note,
                resolved_at=concern.resolved_at,
                resolved_by=names.get(concern.resolved_by),
                resolution_note=concern.resolution_note,
            )
            for concern in raised
        ),
        photos=photos,
        signature=_picture(signed[0], categories) if signed else None,
        no_access=visit_report.NoAccess(
            attempted_at=attempt.attempted_at,
            device_attempted_at=attempt.device_attempted_at,
            waited_minutes=attempt.waited_minutes,
            required_wait_minutes=attempt.required_wait_minutes,
            card_left=attempt.card_left,
            card_serial=attempt.card_serial,
            note=attempt.note,
        )
        if attempt
        else None,
    )
    return visit_report.draw(data)


def badge_card_pdf(badge_id: uuid.UUID, actor: User) -> bytes:
    """The card an operative wears, as PDF bytes, for whoever may see the badge; only a genuine badge has one.

    A printed card of a revoked, suspended or expired badge would look genuine to a tenant who does not scan it.
    """
    badge = badges.get_badge(badge_id, actor)
    if badge.verdict != Verdict.GENUINE:
        raise DomainError(
            "invalid_transition", f"The badge is {badge.verdict.value}: print a card only for a badge in use."
        )
    operative = badge.user
    contractor = operative.organisation
    photo = file_store.path(badge.photo_sha256) if badge.photo_sha256 else None
    base = current_app.config["PUBLIC_BASE_URL"]
    card = badge_card.BadgeCard(
        operative=operative.name,
        contractor=contractor.name,
        contractor_phone=contractor.phone_office,
        landlords=tuple(badge_card.Landlord(row.name, row.phone_office) for row in badges.landlords_of(badge)),
        valid_until=format_date(london_date(badge.expires_at), "long", locale="en_GB"),
        short_code=badges.display_short_code(badge.short_code),
        verify_url=badges.verify_url(badge),
        check_address=f"{urlsplit(base).netloc}/v",
        # A photo lost from storage prints as "no photo: check by phone", not as a failed request.
        photo=photo.read_bytes() if photo is not None and photo.is_file() else None,
    )
    return badge_card.draw(card)
