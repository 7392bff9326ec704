"""What a visit's tenant is told, and when: booked, moved, cancelled, running late or early, not arrived, reminded,
no access, completed. Each trigger queues one message, in the household's language, on the channel it agreed to."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from server import delivery
from server.extensions import db
from server.london_time import LONDON
from server.models import Channel, Message, MessageState, Visit, VisitKind
from server.models.base import utcnow
from server.schemas.standards import validated_standards
from server.services import messages, visit_messages, visits
from tests import factories

# Tuesday 8 December 2026, 10:00 in London (GMT): inside the working day, outside the quiet hours.
MORNING = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
PHONE = "07700 900123"


def _polish_texts(home, **fields):
    """The home's tenant reads Polish and agreed to text messages."""
    household = home.household
    household.phone, household.contact_channel = PHONE, Channel.SMS
    household.contact_consent_at, household.preferred_language = MORNING - timedelta(days=30), "pl"
    for name, value in fields.items():
        setattr(household, name, value)
    db.session.flush()
    return household


def _booked(world, start=MORNING + timedelta(hours=1), hours=2, **fields) -> Visit:
    """Side A's visit, its window moved to `start`, at a home that agreed to texts in Polish."""
    _polish_texts(world.a.home)
    visit = world.a.visit
    visit.window_start, visit.window_end = start, start + timedelta(hours=hours)
    for name, value in fields.items():
        setattr(visit, name, value)
    db.session.flush()
    return visit


def _never_quiet(contract):
    """Quiet hours that never begin, for tests that run at the real time of day."""
    contract.standards = validated_standards(
        contract.standards | {"quiet_hours_start": "00:00", "quiet_hours_end": "00:00"}
    )
    db.session.flush()


def _told() -> list[Message]:
    db.session.expire_all()
    query = sa.select(Message).where(Message.audience == "tenant").order_by(Message.created_at, Message.id)
    return list(db.session.scalars(query))


def _in_polish(template: str, body: str) -> bool:
    """Whether the text is the template's Polish wording: its longest run of words between the placeholders."""
    wording = messages.words().languages["pl"].text[f"{template}_sms"]
    return max(re.split(r"\{\w+\}", wording), key=len).strip() in body


def _told_once(template: str) -> Message:
    """The one message queued, checked to be `template`, in Polish, by text to the household's phone."""
    (message,) = _told()
    assert (message.template, message.lang, message.channel, message.recipient) == (template, "pl", "sms", PHONE)
    assert _in_polish(template, message.body), message.body
    return message


def _book(world, start, now=MORNING, **extra) -> Visit:
    fields = extra | {
        "contract_id": world.a.contract.id,
        "property_id": world.a.home.id,
        "operative_id": world.a.operative.id,
        "repair_reference": "HAV-7781",
        "window_start": start,
        "window_end": start + timedelta(hours=2),
    }
    return visits.create_visit(fields, world.a.contractor_manager, now=now)


# Booked, moved, cancelled (the office)


def test_a_booking_is_confirmed_to_the_tenant(world):
    _polish_texts(world.a.home)
    start = MORNING + timedelta(days=3)

    visit = _book(world, start)

    message = _told_once("appointment_booked")
    assert message.visit_id == visit.id and message.state == MessageState.QUEUED
    assert "HAV-7781" in message.body and message.expires_at == start


def test_planned_works_are_not_confirmed_as_a_repair_their_notice_tells_the_tenant(world):
    _polish_texts(world.a.home)

    _book(world, MORNING + timedelta(days=30), kind=VisitKind.PLANNED_WORKS)

    assert _told() == []


def test_nothing_is_told_without_consent(world):
    world.a.home.household.phone = PHONE
    db.session.flush()

    _book(world, MORNING + timedelta(days=3))

    assert _told() == []


def test_each_move_is_told_with_the_new_time(world):
    visit = _booked(world)
    later = MORNING + timedelta(days=2)
    manager = world.a.contractor_manager

    visits.reschedule_visit(visit.id, later, later + timedelta(hours=2), manager, now=MORNING)
    visits.reschedule_visit(visit.id, later + timedelta(hours=3), later + timedelta(hours=5), manager, now=MORNING)

    moved = sorted(_told(), key=lambda m: m.expires_at)  # both queued at the same moment
    assert [m.template for m in moved] == ["appointment_moved"] * 2
    assert [m.expires_at for m in moved] == [later, later + timedelta(hours=3)]
    assert moved[0].lang == "pl" and "15:00" in moved[1].body


def test_a_move_back_to_an_earlier_window_is_told_again(world):
    visit = _booked(world)
    first = visit.window_start
    second = first + timedelta(days=1)

    for start in (second, first, second):
        visits.reschedule_visit(visit.id, start, start + timedelta(hours=2), world.a.contractor_manager, now=MORNING)

    assert [m.template for m in _told()] == ["appointment_moved"] * 3


def test_a_reschedule_to_the_same_window_tells_nothing(world):
    visit = _booked(world)

    visits.reschedule_visit(visit.id, visit.window_start, visit.window_end, world.a.contractor_manager, now=MORNING)

    assert _told() == []


def test_a_cancellation_by_the_contractor_apologises(world):
    visit = _booked(world)

    visits.cancel_visit(visit.id, "Operative off sick", world.a.contractor_manager, now=MORNING)

    message = _told_once("appointment_cancelled")
    assert message.expires_at == visit.window_end
    assert db.session.get(Visit, visit.id).cancelled_by_tenant is False


def test_a_cancellation_the_tenant_asked_for_says_so(world):
    visit = _booked(world)

    visits.cancel_visit(visit.id, "Away that week", world.a.contractor_manager, by_tenant=True, now=MORNING)

    _told_once("appointment_cancelled_as_asked")
    assert db.session.get(Visit, visit.id).cancelled_by_tenant is True


# Running late or early (the operative, on the tablet)


def _mark(world, expected, now=MORNING):
    return visits.mark_running_late(world.a.visit.id, expected, world.a.operative, now=now)


def test_running_late_tells_the_tenant_the_new_time_until_the_window_ends(world):
    visit = _booked(world)  # 11:00 to 13:00

    _mark(world, visit.window_start + timedelta(minutes=40))

    message = _told_once("running_late")
    assert "11:40" in message.body and message.expires_at == visit.window_end
    assert db.session.get(Visit, visit.id).expected_arrival_at == visit.window_start + timedelta(minutes=40)


def test_running_early_tells_the_tenant_when_they_could_come(world):
    visit = _booked(world)

    _mark(world, visit.window_start - timedelta(minutes=45))

    assert "10:15" in _told_once("running_early").body


def test_within_the_punctuality_allowance_nobody_is_told(world):
    visit = _booked(world)

    marked = _mark(world, visit.window_start + timedelta(minutes=10))

    assert marked.expected_arrival_at == visit.window_start + timedelta(minutes=10)
    assert _told() == []


def test_the_allowance_is_the_contracts(world):
    visit = _booked(world)
    world.a.contract.standards = validated_standards({"punctuality_minutes": 5})
    db.session.flush()

    _mark(world, visit.window_start + timedelta(minutes=8))

    _told_once("running_late")


def test_each_time_marked_is_told_once(world):
    visit = _booked(world)
    half_past, quarter_to = visit.window_start + timedelta(minutes=30), visit.window_start + timedelta(minutes=45)

    for expected in (half_past, half_past, quarter_to):
        _mark(world, expected)

    assert [m.template for m in _told()] == ["running_late"] * 2
    assert db.session.get(Visit, visit.id).version == 3  # the repeat changed nothing


# Not arrived (the clock)


def test_nobody_there_ten_minutes_into_the_window_is_told_once(world):
    visit = _booked(world)
    now = visit.window_start + timedelta(minutes=11)

    assert visit_messages.due_now(now) == 1
    assert visit_messages.due_now(now + timedelta(minutes=5)) == 0

    message = _told_once("not_arrived")
    assert message.expires_at == visit.window_end


def test_not_arrived_waits_for_the_allowance_and_skips_arrived_visits(world):
    visit = _booked(world)

    assert visit_messages.due_now(visit.window_start + timedelta(minutes=9)) == 0
    visits.arrive(visit.id, world.a.operative, now=visit.window_start + timedelta(minutes=9))
    assert visit_messages.due_now(visit.window_start + timedelta(minutes=20)) == 0
    assert _told() == []


def test_not_arrived_is_not_told_when_the_operative_said_they_would_be_later(world):
    visit = _booked(world)
    _mark(world, visit.window_start + timedelta(minutes=30))

    visit_messages.due_now(visit.window_start + timedelta(minutes=15))

    assert [m.template for m in _told()] == ["running_late"]


def test_a_worker_back_after_a_pause_says_nothing_about_windows_already_over(world):
    visit = _booked(world)

    assert visit_messages.due_now(visit.window_end + timedelta(minutes=1)) == 0
    assert _told() == []


# The reminder the day before (the clock)


def _booked_tomorrow(world) -> Visit:
    """A visit tomorrow at 09:00, booked before the tenant agreed to messages (so never confirmed)."""
    return _booked(world, start=MORNING + timedelta(days=1, hours=-1))


def test_a_reminder_goes_the_day_before_from_the_contracts_reminder_time(world):
    visit = _booked_tomorrow(world)

    assert visit_messages.due_now(MORNING - timedelta(minutes=1)) == 0  # 09:59
    assert visit_messages.due_now(MORNING) == 1
    assert visit_messages.due_now(MORNING + timedelta(hours=3)) == 0

    message = _told_once("appointment_reminder")
    assert message.visit_id == visit.id and message.expires_at == visit.window_start


def test_the_reminder_time_is_the_contracts(world):
    _booked_tomorrow(world)
    world.a.contract.standards = validated_standards({"reminder_time": "18:30"})
    db.session.flush()

    assert visit_messages.due_now(MORNING + timedelta(hours=8)) == 0
    assert visit_messages.due_now(MORNING + timedelta(hours=8, minutes=30)) == 1


def test_a_visit_booked_less_than_a_day_ahead_gets_no_reminder(world):
    _polish_texts(world.a.home)
    _book(world, MORNING + timedelta(days=1, hours=-1), now=MORNING - timedelta(minutes=30))  # 23.5 hours ahead

    assert visit_messages.due_now(MORNING) == 0
    assert [m.template for m in _told()] == ["appointment_booked"]


def test_a_visit_booked_well_ahead_is_reminded_after_its_confirmation(world):
    _polish_texts(world.a.home)
    _book(world, MORNING + timedelta(days=1, hours=-1), now=MORNING - timedelta(days=3))

    visit_messages.due_now(MORNING)

    assert [m.template for m in _told()] == ["appointment_booked", "appointment_reminder"]


def test_the_reminder_tells_nobody_who_has_not_agreed(world):
    _booked_tomorrow(world)
    world.a.home.household.contact_channel = None
    db.session.flush()

    assert visit_messages.due_now(MORNING) == 0


# No access and completion (the operative)


def test_no_access_tells_the_tenant_the_cards_code_and_page(world, app):
    visit = _booked(world)
    called = visit.window_start + timedelta(minutes=25)

    attempt, _ = visits.record_no_access(visit.id, {"waited_minutes": 10, "card_left": True}, world.a.operative, called)

    message = _told_once("no_access_follow_up")
    assert attempt.card_serial in message.body and "11:25" in message.body
    assert f"{app.config['PUBLIC_BASE_URL']}/c/{attempt.card_serial}" in message.body


def test_no_card_left_no_follow_up(world):
    visit = _booked(world)

    visits.record_no_access(visit.id, {"waited_minutes": 10, "card_left": False}, world.a.operative, MORNING)

    assert _told() == []


def test_a_completed_visit_asks_how_it_went_an_hour_later(world, app):
    visit = _booked(world)
    done = visit.window_start + timedelta(hours=1)
    visits.arrive(visit.id, world.a.operative, now=visit.window_start)

    visits.complete(visit.id, factories.answers_for(), world.a.operative, now=done)

    message = _told_once("satisfaction_request")
    assert message.next_attempt_at == done + timedelta(minutes=60)
    assert f"{app.config['PUBLIC_BASE_URL']}/f/" in message.body


def test_the_satisfaction_delay_is_the_contracts(world):
    visit = _booked(world)
    world.a.contract.standards = validated_standards({"satisfaction_delay_minutes": 180})
    db.session.flush()
    visits.arrive(visit.id, world.a.operative, now=visit.window_start)

    visits.complete(visit.id, factories.answers_for(), world.a.operative, now=visit.window_end)

    assert _told_once("satisfaction_request").next_attempt_at == visit.window_end + timedelta(hours=3)


# Through the API and a push, at the real time of day


def test_the_office_cancels_for_the_tenant_through_the_api(client, world, auth_headers):
    _polish_texts(world.a.home)
    _never_quiet(world.a.contract)

    response = client.post(
        f"/api/v1/visits/{world.a.visit.id}/cancel",
        json={"reason": "Tenant rang: away that week", "by_tenant": True},
        headers=auth_headers(world.a.contractor_manager),
    )

    assert response.status_code == 200 and response.json["cancelled_by_tenant"] is True
    _told_once("appointment_cancelled_as_asked")


def test_the_office_books_through_the_api(client, world, auth_headers, now):
    _polish_texts(world.a.home)
    _never_quiet(world.a.contract)
    start = (now + timedelta(days=2)).replace(microsecond=0)
    body = {
        "contract_id": str(world.a.contract.id),
        "property_id": str(world.a.home.id),
        "repair_reference": "HAV-1",
        "window_start": start.isoformat(),
        "window_end": (start + timedelta(hours=2)).isoformat(),
    }

    response = client.post("/api/v1/visits", json=body, headers=auth_headers(world.a.contractor_manager))

    assert response.status_code == 201
    assert _told_once("appointment_booked").visit_id == uuid.UUID(response.json["id"])


def test_running_late_marked_on_the_tablet_through_the_api(client, world, auth_headers):
    _polish_texts(world.a.home)
    _never_quiet(world.a.contract)
    expected = world.a.visit.window_start + timedelta(minutes=30)

    response = client.post(
        f"/api/v1/visits/{world.a.visit.id}/running-late",
        json={"expected_at": expected.isoformat()},
        headers=auth_headers(world.a.operative),
    )

    assert response.status_code == 200
    _told_once("running_late")


def test_running_late_pushed_from_the_tablet_is_told(client, world, auth_headers, now):
    _polish_texts(world.a.home)
    _never_quiet(world.a.contract)
    expected = world.a.visit.window_start - timedelta(minutes=30)
    mutation = {
        "mutation_id": str(uuid.uuid4()),
        "entity": "visit",
        "op": "running_late",
        "id": str(world.a.visit.id),
        "base_version": 1,
        "data": {"expected_at": expected.isoformat()},
        "device_time": now.isoformat(),
    }

    response = client.post(
        "/api/v1/sync/push",
        json={"device_id": "tablet-7", "mutations": [mutation, mutation]},
        headers=auth_headers(world.a.operative),
    )

    assert [r["status"] for r in response.json["results"]] == ["applied", "duplicate"]
    _told_once("running_early")


def test_running_late_reaches_the_tenants_phone(client, world, auth_headers, channels, fake_notify):
    _polish_texts(world.a.home)
    _never_quiet(world.a.contract)
    expected = world.a.visit.window_start + timedelta(minutes=30)
    client.post(
        f"/api/v1/visits/{world.a.visit.id}/running-late",
        json={"expected_at": expected.isoformat()},
        headers=auth_headers(world.a.operative),
    )

    done = delivery.run_pass(utcnow(), channels)

    assert done.sent == 1
    (notification,) = fake_notify.sent
    assert notification["phone_number"] == PHONE
    body = notification["personalisation"]["body"]
    assert body == _told_once("running_late").body
    assert expected.astimezone(LONDON).strftime("%H:%M") in body and "/o/" in body
