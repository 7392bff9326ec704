"""Whether, when and how a tenant is told about a visit: consent, their language, stop, quiet hours, the daily limit."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from server.extensions import db
from server.models import Channel, Message, MessageState
from server.schemas.standards import validated_standards
from server.services import tenant_messages
from tests import factories

# Tuesday 8 December 2026, 10:00 in London (GMT): inside the working day.
MORNING = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)


def _consenting(visit, channel="sms", language="pl", **fields):
    return factories.consenting(visit.property.household, channel, preferred_language=language, **fields)


def _tenant_messages() -> list[Message]:
    return list(db.session.scalars(sa.select(Message).where(Message.audience == "tenant").order_by(Message.created_at)))


def _tell(visit, template="appointment_booked", now=MORNING, key=None, **options) -> bool:
    return tenant_messages.tell(visit, template, now, key=key or str(visit.id), **options)


def test_without_consent_recorded_nothing_is_queued(world):
    household = world.a.visit.property.household
    household.phone = "07700 900123"
    db.session.flush()

    assert _tell(world.a.visit) is False
    assert _tenant_messages() == []


def test_a_tenant_who_agreed_to_texts_gets_one_in_their_language_with_the_way_to_stop(world):
    household = _consenting(world.a.visit, language="pl")

    assert _tell(world.a.visit) is True

    (message,) = _tenant_messages()
    assert (message.channel, message.recipient, message.lang) == (Channel.SMS, "07700 900123", "pl")
    assert message.visit_id == world.a.visit.id and message.household_id == household.id
    assert message.state == MessageState.QUEUED and message.next_attempt_at == MORNING
    assert world.a.visit.repair_reference in message.body
    assert message.body.endswith(f"/o/{household.stop_code}")


def test_an_email_has_a_subject_and_is_signed_by_the_contractor_for_the_landlord(world):
    _consenting(world.a.visit, channel="email", language="en")

    _tell(world.a.visit)

    (message,) = _tenant_messages()
    assert message.channel == Channel.EMAIL and message.recipient == "tenant@example.net"
    assert message.subject.startswith("Your repair visit on ")
    assert f"{world.a.contractor.name}, working for {world.a.landlord.name}" in message.body


def test_the_same_event_is_told_once(world):
    _consenting(world.a.visit)

    assert _tell(world.a.visit, key="booked-1") is True
    assert _tell(world.a.visit, key="booked-1") is False
    assert len(_tenant_messages()) == 1


def test_a_tenant_who_said_stop_is_not_told_and_the_office_sees_why(world):
    _consenting(world.a.visit, messages_stopped_at=MORNING - timedelta(days=1))

    _tell(world.a.visit)

    (message,) = _tenant_messages()
    assert message.state == MessageState.CANCELLED
    assert "asked for no more messages" in message.last_error


def test_in_quiet_hours_a_message_waits_for_the_morning(world):
    _consenting(world.a.visit)
    late_evening = datetime(2026, 12, 8, 21, 30, tzinfo=UTC)  # 21:30 in London

    _tell(world.a.visit, now=late_evening)

    (message,) = _tenant_messages()
    assert message.state == MessageState.QUEUED
    assert message.next_attempt_at == datetime(2026, 12, 9, 8, 0, tzinfo=UTC)


def test_quiet_hours_follow_london_summer_time_and_the_contract(world):
    contract = world.a.contract
    contract.standards = validated_standards({"quiet_hours_start": "19:00", "quiet_hours_end": "09:00"})
    _consenting(world.a.visit)
    summer_evening = datetime(2026, 7, 1, 18, 30, tzinfo=UTC)  # 19:30 BST

    _tell(world.a.visit, now=summer_evening)

    (message,) = _tenant_messages()
    assert message.next_attempt_at == datetime(2026, 7, 2, 8, 0, tzinfo=UTC)  # 09:00 BST


def test_a_message_of_no_use_after_the_quiet_hours_is_kept_as_cancelled(world):
    _consenting(world.a.visit)
    late_evening = datetime(2026, 12, 8, 22, 0, tzinfo=UTC)

    _tell(world.a.visit, now=late_evening, expires_at=late_evening + timedelta(hours=2))

    (message,) = _tenant_messages()
    assert message.state == MessageState.CANCELLED and "no use" in message.last_error


def test_past_the_daily_limit_only_essential_messages_go(world):
    _consenting(world.a.visit)
    for n in range(3):
        assert _tell(world.a.visit, key=f"booked-{n}")

    _tell(world.a.visit, "satisfaction_request", key="satisfaction", values={"link": "https://x.example/f/1"})
    _tell(world.a.visit, "appointment_cancelled", key="cancelled")

    states = {m.template: m.state for m in _tenant_messages()}
    assert states["satisfaction_request"] == MessageState.CANCELLED
    assert states["appointment_cancelled"] == MessageState.QUEUED


def test_a_day_later_the_limit_starts_again(world):
    _consenting(world.a.visit)
    for n in range(3):
        _tell(world.a.visit, key=f"booked-{n}")

    assert _tell(world.a.visit, key="next-day", now=MORNING + timedelta(days=1, minutes=1))

    assert _tenant_messages()[-1].state == MessageState.QUEUED


def test_a_household_without_an_address_on_its_channel_is_not_told(world):
    _consenting(world.a.visit, channel="email", email=None)

    assert _tell(world.a.visit) is False


def test_a_language_not_translated_yet_falls_back_to_english_words(world):
    _consenting(world.a.visit, language="xx")

    _tell(world.a.visit)

    (message,) = _tenant_messages()
    assert "we will come to your home on" in message.body


def test_the_stop_code_is_made_once_per_household(world):
    household = _consenting(world.a.visit)

    _tell(world.a.visit, key="one")
    code = household.stop_code
    _tell(world.a.visit, key="two")

    assert code and household.stop_code == code
