"""A landlord admin records how a tenant agreed to messages; agreeing again lifts the tenant's own stop."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Message, MessageState
from server.models.base import utcnow
from server.services import tenant_messages
from sync import feed

CONSENT = ("contact_channel", "contact_consent_at", "contact_consent_note", "messages_stopped_at")


def _patch(client, headers, household, **fields):
    return client.patch(f"/api/v1/households/{household.id}", json=fields, headers=headers)


@pytest.fixture
def household(world):
    household = world.a.home.household
    household.phone, household.email = "07700 900123", None
    db.session.flush()
    return household


def test_consent_to_texts_is_kept_with_when_by_whom_and_how(client, world, auth_headers, household):
    before = utcnow()

    response = _patch(
        client,
        auth_headers(world.a.landlord_admin),
        household,
        contact_channel="sms",
        contact_consent_note="  asked on the phone 1 Dec ",
    )

    assert response.status_code == 200, response.json
    assert response.json["contact_channel"] == "sms"
    assert response.json["contact_consent_note"] == "asked on the phone 1 Dec"
    assert datetime.fromisoformat(response.json["contact_consent_at"]) >= before.replace(microsecond=0)
    db.session.refresh(household)
    assert household.contact_consent_by == world.a.landlord_admin.id


def test_a_channel_without_a_note_of_how_the_tenant_agreed_is_refused(client, world, auth_headers, household):
    response = _patch(client, auth_headers(world.a.landlord_admin), household, contact_channel="sms")

    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "contact_consent_note" in response.json["errors"]
    db.session.refresh(household)
    assert household.contact_channel is None


def test_texts_need_a_phone_and_nothing_changes_without_one(client, world, auth_headers, household):
    household.contact_channel, household.phone = None, None
    db.session.flush()

    response = _patch(
        client,
        auth_headers(world.a.landlord_admin),
        household,
        contact_channel="sms",
        contact_consent_note="tenancy form",
        lone_worker=True,
    )

    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "phone" in response.json["errors"]["contact_channel"][0]
    db.session.refresh(household)
    assert (household.contact_channel, household.lone_worker, household.version) == (None, False, 1)


def test_emails_need_an_email_address(client, world, auth_headers, household):
    response = _patch(
        client, auth_headers(world.a.landlord_admin), household, contact_channel="email", contact_consent_note="form"
    )

    assert response.status_code == 422
    assert "email" in response.json["errors"]["contact_channel"][0]


def test_the_address_may_come_with_the_consent(client, world, auth_headers, household):
    response = _patch(
        client,
        auth_headers(world.a.landlord_admin),
        household,
        contact_channel="email",
        contact_consent_note="tenancy form",
        email="tenant@example.net",
    )

    assert response.status_code == 200
    assert (response.json["contact_channel"], response.json["email"]) == ("email", "tenant@example.net")


def test_removing_the_phone_texts_go_to_is_refused(client, world, auth_headers, household):
    household.contact_channel = "sms"
    db.session.flush()

    response = _patch(client, auth_headers(world.a.landlord_admin), household, phone=None)

    assert response.status_code == 422
    db.session.refresh(household)
    assert household.phone == "07700 900123"


def test_consent_given_again_lifts_the_tenants_stop(client, world, auth_headers, household):
    household.contact_channel, household.messages_stopped_at = "sms", datetime(2026, 11, 2, tzinfo=UTC)
    db.session.flush()

    response = _patch(
        client,
        auth_headers(world.a.landlord_admin),
        household,
        contact_channel="sms",
        contact_consent_note="tenant phoned to start texts again",
    )

    assert response.status_code == 200
    assert response.json["messages_stopped_at"] is None


def test_no_channel_means_no_messages_and_keeps_the_stop(client, world, auth_headers, household):
    stopped = datetime(2026, 11, 2, tzinfo=UTC)
    household.contact_channel, household.messages_stopped_at = "sms", stopped
    db.session.flush()

    response = _patch(client, auth_headers(world.a.landlord_admin), household, contact_channel=None)

    assert response.status_code == 200
    assert response.json["contact_channel"] is None
    assert datetime.fromisoformat(response.json["messages_stopped_at"]) == stopped


def test_consent_withdrawn_cancels_the_messages_still_waiting(client, world, auth_headers, household, now):
    household.contact_channel = "sms"
    db.session.flush()
    assert tenant_messages.tell(world.a.visit, "appointment_booked", now, key="booked")

    response = _patch(
        client, auth_headers(world.a.landlord_admin), household, contact_channel=None, contact_consent_note="phoned"
    )

    assert response.status_code == 200
    [message] = db.session.scalars(sa.select(Message).where(Message.household_id == household.id))
    assert message.state == MessageState.CANCELLED
    assert message.last_error == "Not sent: the tenant no longer agrees to messages."


def test_a_note_without_a_channel_is_refused(client, world, auth_headers, household):
    response = _patch(client, auth_headers(world.a.landlord_admin), household, contact_consent_note="form")

    assert response.status_code == 422
    assert "contact_consent_note" in response.json["errors"]


def test_a_channel_that_is_not_one_is_refused(client, world, auth_headers, household):
    response = _patch(
        client, auth_headers(world.a.landlord_admin), household, contact_channel="fax", contact_consent_note="form"
    )

    assert response.status_code == 422
    assert "contact_channel" in response.json["errors"]


def test_a_new_household_may_come_with_its_consent(client, world, auth_headers):
    headers = auth_headers(world.a.landlord_admin)
    home = {"house": "9", "street": "Mill Lane", "town": "Duns", "postcode": "TD11 3AB"}
    prop = client.post("/api/v1/properties", json=home, headers=headers).json

    response = client.post(
        "/api/v1/households",
        json={
            "property_id": prop["id"],
            "tenant_name": "A. Tenant",
            "phone": "07700 900456",
            "contact_channel": "sms",
            "contact_consent_note": "tenancy form",
        },
        headers=headers,
    )

    assert response.status_code == 201
    assert (response.json["contact_channel"], response.json["contact_consent_note"]) == ("sms", "tenancy form")


def test_only_landlord_admins_record_consent(client, world, auth_headers, household):
    response = _patch(
        client, auth_headers(world.a.contractor_admin), household, contact_channel="sms", contact_consent_note="x"
    )

    assert response.status_code == 403


def test_the_landlords_managers_see_the_consent(client, world, auth_headers, household):
    household.contact_channel, household.contact_consent_note = "sms", "tenancy form"
    household.contact_consent_at = utcnow() - timedelta(days=3)
    db.session.flush()

    body = client.get(f"/api/v1/households/{household.id}", headers=auth_headers(world.a.landlord_manager)).json

    assert (body["contact_channel"], body["contact_consent_note"]) == ("sms", "tenancy form")


def test_the_tablets_feed_carries_no_consent_data(world, household, now):
    household.contact_channel, household.contact_consent_note = "sms", "asked on the phone 1 Dec"
    household.contact_consent_at, household.messages_stopped_at = now, now
    db.session.flush()

    changes = feed.pull(world.a.operative, None, 500, now).changes
    [data] = [c["data"] for c in changes if c["entity"] == "household" and c["id"] == str(household.id)]

    assert data["phone"] == "07700 900123"
    assert set(CONSENT).isdisjoint(data)
