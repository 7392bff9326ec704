"""Notice of planned works: given in time (working days, the landlord's bank holidays) or refused, and the tenant
told once, in their language, by the channel they agreed to, or by a letter to post."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from server.errors import DomainError
from server.extensions import db
from server.london_time import london_date
from server.models import Change, Channel, Message, MessageState, Region, VisitKind, VisitStatus
from server.models.base import utcnow
from server.schemas.standards import validated_standards
from server.services import notices, visits
from tests import factories

# Monday 21 December 2026, 10:00 in London: Christmas and New Year lie in the next ten working days.
NOTICE_DAY = datetime(2026, 12, 21, 10, 0, tzinfo=UTC)


def _planned(side, start: datetime, **fields):
    """A planned-works visit on the side's contract, booked for a morning window from `start`."""
    return factories.visit(
        side.contract,
        side.home,
        side.operative,
        kind=VisitKind.PLANNED_WORKS,
        window_start=start,
        window_end=start + timedelta(hours=4),
        **fields,
    )


def _consenting(visit, channel="sms", language="pl", **fields):
    return factories.consenting(visit.property.household, channel, preferred_language=language, **fields)


def _notices() -> list[Message]:
    return list(db.session.scalars(sa.select(Message).where(Message.template == "planned_works_notice")))


def _url(visit) -> str:
    return f"/api/v1/visits/{visit.id}/planned-works-notice"


def _weeks_ahead(weeks: int) -> datetime:
    """A morning some weeks from today, far enough for any run of bank holidays."""
    day = london_date(utcnow()) + timedelta(weeks=weeks)
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def test_a_notice_too_late_is_refused_with_the_earliest_date_and_changes_nothing(client, world, auth_headers):
    visit = _planned(world.a, utcnow().replace(microsecond=0) + timedelta(days=3))
    _consenting(visit)

    response = client.post(_url(visit), json={}, headers=auth_headers(world.a.contractor_manager))

    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    problem = response.json
    assert problem["code"] == "notice_too_late"
    assert problem["working_days_needed"] == 10 and problem["working_days_ahead"] < 10
    earliest = date.fromisoformat(problem["earliest_start"])
    assert earliest > date.fromisoformat(problem["works_start"])
    assert f"{earliest.day} {earliest:%b %Y}" in problem["detail"]
    assert _notices() == []
    db.session.refresh(visit)
    assert visit.planned_works_notice_on is None and visit.version == 1


@pytest.mark.parametrize(
    ("region", "earliest"),
    [
        # 25 and 28 December and 1 January are bank holidays in both; 4 January only in Scotland.
        (Region.ENGLAND_WALES, date(2027, 1, 7)),
        (Region.SCOTLAND, date(2027, 1, 8)),
    ],
)
def test_bank_holidays_in_the_landlords_region_move_the_earliest_date(world, region, earliest):
    world.a.landlord.region = region
    visit = _planned(world.a, datetime(2027, 1, 6, 9, 0, tzinfo=UTC))

    with pytest.raises(DomainError) as refused:
        notices.give_notice(visit.id, world.a.landlord_manager, NOTICE_DAY)

    assert refused.value.code == "notice_too_late"
    assert refused.value.extra["earliest_start"] == earliest.isoformat()


@pytest.mark.parametrize(("region", "in_time"), [(Region.ENGLAND_WALES, True), (Region.SCOTLAND, False)])
def test_works_on_the_tenth_working_day_are_in_time_only_where_it_is_one(world, region, in_time):
    world.a.landlord.region = region
    visit = _planned(world.a, datetime(2027, 1, 7, 9, 0, tzinfo=UTC))

    if in_time:
        assert notices.give_notice(visit.id, world.a.landlord_manager, NOTICE_DAY).working_days == 10
    else:
        with pytest.raises(DomainError, match="9 working days from today"):
            notices.give_notice(visit.id, world.a.landlord_manager, NOTICE_DAY)


def test_the_contracts_own_number_of_working_days_is_the_rule(world):
    world.a.contract.standards = validated_standards({"planned_works_notice_working_days": 4})
    visit = _planned(world.a, datetime(2026, 12, 29, 9, 0, tzinfo=UTC))  # 4 working days after the 21st

    notice = notices.give_notice(visit.id, world.a.landlord_manager, NOTICE_DAY)

    assert (notice.working_days, notice.working_days_needed) == (4, 4)


def test_a_notice_in_time_queues_one_message_in_the_households_language(world):
    visit = _planned(world.a, datetime(2027, 1, 11, 8, 0, tzinfo=UTC))
    household = _consenting(visit, language="pl")

    notice = notices.give_notice(visit.id, world.a.contractor_manager, NOTICE_DAY)

    assert notice.told_by == "sms" and notice.letter_url is None
    (message,) = _notices()
    assert (message.channel, message.recipient, message.lang) == (Channel.SMS, household.phone, "pl")
    assert message.state == MessageState.QUEUED and message.visit_id == visit.id
    assert "planujemy prace w Twoim domu" in message.body and "11 stycznia" in message.body
    assert visit.planned_works_notice_on == date(2026, 12, 21) and visit.planned_works_notice_by == "sms"


def test_the_notice_is_a_change_the_operatives_tablet_receives(world):
    visit = _planned(world.a, datetime(2027, 1, 11, 8, 0, tzinfo=UTC))

    notices.give_notice(visit.id, world.a.contractor_manager, NOTICE_DAY)

    versions = db.session.scalars(
        sa.select(Change.version).where(Change.entity == "visit", Change.entity_id == visit.id)
    )
    assert list(versions) == [2] and visit.version == 2


def test_an_email_notice_goes_by_email(world):
    visit = _planned(world.a, datetime(2027, 1, 11, 8, 0, tzinfo=UTC))
    _consenting(visit, channel="email", language="en")

    notice = notices.give_notice(visit.id, world.a.contractor_manager, NOTICE_DAY)

    (message,) = _notices()
    assert notice.told_by == "email" and message.channel == Channel.EMAIL
    assert message.subject == "Planned work at your home from Monday 11 January"


def test_giving_notice_again_for_the_same_booking_changes_nothing(world):
    visit = _planned(world.a, datetime(2027, 1, 11, 8, 0, tzinfo=UTC))
    _consenting(visit)
    notices.give_notice(visit.id, world.a.contractor_manager, NOTICE_DAY)

    again = notices.give_notice(visit.id, world.a.landlord_manager, NOTICE_DAY + timedelta(days=2))

    assert again.told_by == "sms" and again.working_days == 12
    assert len(_notices()) == 1
    assert visit.planned_works_notice_on == date(2026, 12, 21) and visit.version == 2


def test_works_moved_after_the_notice_need_a_notice_of_their_own(world):
    visit = _planned(world.a, datetime(2027, 1, 11, 8, 0, tzinfo=UTC))
    _consenting(visit)
    notices.give_notice(visit.id, world.a.contractor_manager, NOTICE_DAY)
    later = datetime(2027, 1, 18, 8, 0, tzinfo=UTC)
    visit.window_start, visit.window_end = later, later + timedelta(hours=4)
    visit.bump()

    moved = notices.give_notice(visit.id, world.a.contractor_manager, NOTICE_DAY + timedelta(days=1))

    assert moved.told_by == "sms" and len(_notices()) == 2
    assert visit.planned_works_notice_on == date(2026, 12, 22) and visit.planned_works_notice_for == later


def test_with_a_reason_short_notice_is_given_and_the_reason_kept(client, world, auth_headers):
    visit = _planned(world.a, utcnow().replace(microsecond=0) + timedelta(days=2))
    _consenting(visit)
    reason = "Roof leak: the tenant agreed on the phone to works this week."

    response = client.post(
        _url(visit), json={"short_notice_reason": reason}, headers=auth_headers(world.a.landlord_manager)
    )

    assert response.status_code == 200, response.json
    assert response.json["short_notice_reason"] == reason and response.json["told_by"] == "sms"
    assert response.json["working_days"] < response.json["working_days_needed"] == 10
    assert len(_notices()) == 1


def test_a_reason_is_not_kept_for_a_notice_given_in_time(world):
    visit = _planned(world.a, datetime(2027, 1, 11, 8, 0, tzinfo=UTC))

    notices.give_notice(visit.id, world.a.contractor_manager, NOTICE_DAY, short_notice_reason="Just in case")

    assert visit.planned_works_short_notice_reason is None


def test_without_consent_the_answer_says_a_letter_is_needed(client, world, auth_headers):
    visit = _planned(world.a, _weeks_ahead(5))

    response = client.post(_url(visit), json={}, headers=auth_headers(world.a.contractor_admin))

    assert response.status_code == 200, response.json
    answer = response.json
    assert answer["told_by"] == "letter"
    assert answer["letter_url"] == f"/api/v1/visits/{visit.id}/notice-letter.pdf"
    assert answer["given_on"] == london_date(utcnow()).isoformat() and answer["version"] == 2
    assert _notices() == []


def test_a_tenant_who_said_stop_is_sent_a_letter_instead(world):
    visit = _planned(world.a, datetime(2027, 1, 11, 8, 0, tzinfo=UTC))
    _consenting(visit, messages_stopped_at=NOTICE_DAY - timedelta(days=3))

    notice = notices.give_notice(visit.id, world.a.contractor_manager, NOTICE_DAY)

    assert notice.told_by == "letter"
    (message,) = _notices()  # kept as cancelled, so the office sees why the tenant was not texted
    assert message.state == MessageState.CANCELLED


def test_the_visits_standard_is_met_by_a_notice_given_in_time(client, world, auth_headers):
    visit = _planned(world.a, _weeks_ahead(5))
    headers = auth_headers(world.a.contractor_manager)
    client.post(_url(visit), json={}, headers=headers)

    standards = {s["key"]: s for s in client.get(f"/api/v1/visits/{visit.id}", headers=headers).json["standards"]}

    assert standards["planned_works_notice"]["met"] is True


def test_the_visits_standard_is_missed_by_a_short_notice(world, now):
    visit = _planned(world.a, datetime(2026, 12, 23, 8, 0, tzinfo=UTC))
    notices.give_notice(visit.id, world.a.contractor_manager, NOTICE_DAY, short_notice_reason="Burst pipe")

    standards = {
        r.key: r for r in visits.visit_detail(visit.id, world.a.contractor_manager, NOTICE_DAY).standard_results
    }

    assert standards["planned_works_notice"].met is False
    assert "2 working days ahead (10 needed)" in standards["planned_works_notice"].reason


def test_only_planned_works_take_a_notice(client, world, auth_headers):
    response = client.post(_url(world.a.visit), json={}, headers=auth_headers(world.a.contractor_manager))

    assert response.status_code == 409 and response.json["code"] == "invalid_transition"
    assert "only planned works" in response.json["detail"]


@pytest.mark.parametrize("status", [VisitStatus.IN_PROGRESS, VisitStatus.CANCELLED, VisitStatus.COMPLETED])
def test_only_works_still_to_come_take_a_notice(world, status):
    visit = _planned(world.a, datetime(2027, 1, 11, 8, 0, tzinfo=UTC), status=status)

    with pytest.raises(DomainError) as refused:
        notices.give_notice(visit.id, world.a.contractor_manager, NOTICE_DAY)

    assert refused.value.code == "invalid_transition"
    assert visit.planned_works_notice_on is None


def test_a_stale_version_is_a_conflict(client, world, auth_headers):
    visit = _planned(world.a, _weeks_ahead(5))

    response = client.post(_url(visit), json={"version": 7}, headers=auth_headers(world.a.contractor_manager))

    assert response.status_code == 409 and response.json["code"] == "conflict"
