"""Documents drawn from records: the data each template needs, gathered with the record's own permissions.

pdf_templates/ draws plain objects and never sees the database; this is where records become them.
"""

import uuid
from urllib.parse import urlsplit

from babel.dates import format_date, format_time
from flask import current_app

from pdf_templates import calling_card
from server import file_store
from server.errors import NotFound
from server.extensions import db
from server.london_time import LONDON
from server.models import User, Visit
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
        check_url=f"{base}/c/{attempt.card_serial}",
        check_address=f"{urlsplit(base).netloc}/c",
        overrides=landlord.branding.get("card_wording", {}),
        logo=file_store.path(landlord.branding["logo"]).read_bytes() if "logo" in landlord.branding else None,
    )
    return calling_card.draw(card, format, large_print)
