"""A tenant's complaint runs on the Housing Ombudsman's stage 1 clock; managers list and answer it."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Audience, Channel, FeedbackKind, Message, Region
from server.schemas.standards import validated_standards
from tests import factories

API = "/api/v1/complaints"
# Tuesday 23 December 2025, mid-morning: Christmas, Boxing Day and New Year's Day follow, and in
# Scotland 2 January too (a Friday that year).
BEFORE_CHRISTMAS = datetime(2025, 12, 23, 10, 30, tzinfo=UTC)


def _end_of(day: str) -> datetime:
    """Midnight after a UK winter day, in UTC (London is on GMT in winter)."""
    return datetime.fromisoformat(day).replace(tzinfo=UTC) + timedelta(days=1)


def _items(client, headers, path=API, **query) -> list[dict]:
    response = client.get(path, query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return response.json["items"]


# The clock --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "acknowledge_by", "respond_by"),
    [
        (Region.ENGLAND_WALES, "2026-01-02", "2026-01-09"),
        (Region.SCOTLAND, "2026-01-05", "2026-01-12"),  # 2 January is a bank holiday there
    ],
)
def test_the_clock_skips_the_landlords_bank_holidays(world, region, acknowledge_by, respond_by):
    world.a.landlord.region = region
    db.session.flush()

    made = factories.complaint(world.a.visit, now=BEFORE_CHRISTMAS)

    assert made.acknowledged_at == BEFORE_CHRISTMAS  # made on the page: acknowledged at once
    assert made.acknowledge_due_at == _end_of(acknowledge_by)
    assert made.response_due_at == _end_of(respond_by)  # 10 working days after the acknowledgement


def test_the_contracts_own_timescales_are_used(world):
    standards = validated_standards({"complaint_acknowledge_working_days": 2, "complaint_respond_working_days": 5})
    world.a.contract.standards = standards  # Berwickshire's: acknowledge in 2, decide in 5
    db.session.flush()
    monday = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    made = factories.complaint(world.a.visit, now=monday)

    assert (made.acknowledge_due_at, made.response_due_at) == (_end_of("2026-03-04"), _end_of("2026-03-09"))


def test_the_standards_default_to_the_ombudsmans_code():
    standards = validated_standards({})

    assert (standards["complaint_acknowledge_working_days"], standards["complaint_respond_working_days"]) == (5, 10)


def test_a_compliment_or_rating_has_no_clock(world):
    made = factories.complaint(world.a.visit, kind=FeedbackKind.COMPLIMENT, text="Very tidy")

    assert (made.acknowledge_due_at, made.response_due_at, made.is_open) == (None, None, False)


# The queue --------------------------------------------------------------------------------------------


def test_a_complaint_from_the_card_page_reaches_the_managers_with_its_due_dates(client, world, auth_headers):
    attempt = factories.no_access(world.a.visit)
    client.post(
        f"/f/{attempt.card_serial}",
        json={"kind": "complaint", "text": "Nobody knocked", "rating": 1, "name": "Ann", "phone": "07700 900456"},
    )

    [item] = _items(client, auth_headers(world.a.contractor_manager), open="true")

    assert (item["visit_id"], item["repair_reference"]) == (str(world.a.visit.id), world.a.visit.repair_reference)
    assert (item["kind"], item["text"], item["rating"], item["name"], item["callback_phone"]) == (
        "complaint",
        "Nobody knocked",
        1,
        "Ann",
        "07700 900456",
    )
    assert item["acknowledged_at"] is not None and item["response_due_at"] > item["acknowledge_due_at"]
    assert (item["open"], item["overdue"]) == (True, False)


def test_overdue_is_worked_out_when_read(client, world, auth_headers):
    late = factories.complaint(world.a.visit, now=BEFORE_CHRISTMAS)
    on_time = factories.complaint(world.a.visit)
    headers = auth_headers(world.a.landlord_manager)

    listed = {item["id"]: item["overdue"] for item in _items(client, headers)}
    overdue = [item["id"] for item in _items(client, headers, overdue="true")]

    assert listed == {str(late.id): True, str(on_time.id): False}
    assert overdue == [str(late.id)]


def test_soonest_due_first_and_open_leaves_out_the_answered(client, world, auth_headers):
    later = factories.complaint(world.a.visit)
    sooner = factories.complaint(world.a.visit, now=BEFORE_CHRISTMAS)
    answered = factories.complaint(world.a.visit)
    headers = auth_headers(world.a.landlord_admin)
    client.post(f"{API}/{answered.id}/respond", json={"note": "Sorted"}, headers=headers)

    assert [i["id"] for i in _items(client, headers, open="true")] == [str(sooner.id), str(later.id)]
    assert [i["id"] for i in _items(client, headers, open="false")] == [str(answered.id)]


def test_compliments_and_ratings_are_listed_as_feedback_not_complaints(client, world, auth_headers):
    compliment = factories.complaint(world.a.visit, kind=FeedbackKind.COMPLIMENT, text="Lovely job")
    rating = factories.complaint(world.a.visit, kind=FeedbackKind.RATING, text=None, rating=4)
    complaint = factories.complaint(world.a.visit)
    headers = auth_headers(world.a.landlord_manager)

    every = {i["id"]: i["kind"] for i in _items(client, headers, "/api/v1/feedback")}
    only = [i["id"] for i in _items(client, headers, "/api/v1/feedback", kind="compliment")]

    assert every == {str(compliment.id): "compliment", str(rating.id): "rating", str(complaint.id): "complaint"}
    assert only == [str(compliment.id)]
    assert [i["id"] for i in _items(client, headers)] == [str(complaint.id)]


# Responding -------------------------------------------------------------------------------------------


def test_a_manager_responds_with_a_note_and_the_complaint_closes(client, world, auth_headers):
    made = factories.complaint(world.a.visit)
    manager = world.a.contractor_manager

    response = client.post(
        f"{API}/{made.id}/respond", json={"note": "Carpet cleaned on Friday."}, headers=auth_headers(manager)
    )

    assert response.status_code == 200
    body = response.json
    assert (body["response_note"], body["responded_by"], body["open"], body["overdue"]) == (
        "Carpet cleaned on Friday.",
        str(manager.id),
        False,
        False,
    )


def test_the_first_response_stays(client, world, auth_headers):
    made = factories.complaint(world.a.visit)
    headers = auth_headers(world.a.landlord_manager)
    client.post(f"{API}/{made.id}/respond", json={"note": "First"}, headers=headers)

    again = client.post(f"{API}/{made.id}/respond", json={"note": "Second"}, headers=headers)

    assert again.status_code == 200 and again.json["response_note"] == "First"


@pytest.mark.parametrize("body", [{}, {"note": ""}, {"note": "x" * 4001}, {"note": 7}, {"note": "ok", "extra": 1}])
def test_a_bad_response_is_a_422_and_changes_nothing(client, world, auth_headers, body):
    made = factories.complaint(world.a.visit)

    response = client.post(f"{API}/{made.id}/respond", json=body, headers=auth_headers(world.a.landlord_manager))

    assert response.status_code == 422 and response.json["code"] == "validation_failed"
    db.session.refresh(made)
    assert made.responded_at is None


def test_a_compliment_cannot_be_responded_to_as_a_complaint(client, world, auth_headers):
    compliment = factories.complaint(world.a.visit, kind=FeedbackKind.COMPLIMENT, text="Lovely job")

    response = client.post(
        f"{API}/{compliment.id}/respond", json={"note": "Thanks"}, headers=auth_headers(world.a.landlord_manager)
    )

    assert response.status_code == 404


# Who sees it ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("caller", ["operative", "other_operative"])
def test_operatives_never_see_complaints_or_who_made_them(client, world, auth_headers, caller):
    factories.complaint(world.a.visit, name="Ann", phone="07700 900456")
    headers = auth_headers(getattr(world.a, caller))

    for path in (API, "/api/v1/feedback"):
        assert client.get(path, headers=headers).status_code == 403


def test_the_platform_admin_sees_no_tenants_words(client, world, auth_headers):
    factories.complaint(world.a.visit)

    assert client.get(API, headers=auth_headers(world.platform_admin)).status_code == 403


def test_another_landlords_complaints_are_not_listed_and_a_404_to_answer(client, world, auth_headers):
    theirs = factories.complaint(world.b.visit)
    headers = auth_headers(world.a.landlord_manager)

    assert _items(client, headers) == []
    assert client.post(f"{API}/{theirs.id}/respond", json={"note": "x"}, headers=headers).status_code == 404


# The tenant's acknowledgement -------------------------------------------------------------------------


def _messages() -> list[Message]:
    return db.session.scalars(sa.select(Message).where(Message.kind == "complaint_acknowledged")).all()


def test_a_tenant_who_left_an_email_is_sent_one_acknowledgement_with_the_reply_date(world):
    made = factories.complaint(world.a.visit, now=BEFORE_CHRISTMAS, email="ann@example.org", phone="07700 900456")

    [message] = _messages()
    assert (message.channel, message.recipient, message.audience, message.lang) == (
        Channel.EMAIL,
        "ann@example.org",
        Audience.TENANT,
        "en",
    )
    assert f"{world.a.landlord.name} will reply by Friday 9 January." in message.body
    assert message.body.rstrip().endswith(f"{world.a.contractor.name}, working for {world.a.landlord.name}")
    assert made.id.hex[:8].upper() in message.subject


def test_a_phone_number_alone_gets_a_text(world):
    factories.complaint(world.a.visit, phone="07700 900456")

    assert [(m.channel, m.recipient) for m in _messages()] == [(Channel.SMS, "07700 900456")]


def test_no_contact_left_or_a_compliment_sends_nothing_to_a_household_that_agreed_to_no_messages(world):
    factories.complaint(world.a.visit)
    factories.complaint(world.a.visit, kind=FeedbackKind.COMPLIMENT, text="Lovely", email="ann@example.org")

    assert _messages() == []


def test_no_contact_left_is_acknowledged_on_the_households_agreed_channel_in_its_language(world):
    household = world.a.visit.property.household
    household.phone, household.contact_channel, household.preferred_language = "07700 900789", "sms", "cy"
    db.session.flush()

    factories.complaint(world.a.visit, now=BEFORE_CHRISTMAS)

    [message] = _messages()
    assert (message.channel, message.recipient, message.lang) == (Channel.SMS, "07700 900789", "cy")
    assert message.visit_id == world.a.visit.id
