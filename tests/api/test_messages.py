"""GET /api/v1/messages: the outbox as managers see it, with each message's state; a tenant's address masked."""

from datetime import timedelta

from server import delivery
from server.delivery import providers
from server.extensions import db
from server.models import Audience, Channel
from server.services import concerns, messages, visits
from tests import factories

SECRET_TEXT = "Child left alone overnight, bruise on arm"


def _tenant_text(side, now, phone="07700 900123"):
    recipient = messages.Recipient(phone, Audience.TENANT, household_id=side.home.household.id)
    values = {"verdict": "revoked", "holder": "Dan", "time": "now", "link": "L"}
    kind = "badge_refused_scan"
    messages.enqueue(kind, recipient, Channel.SMS, kind, values, "en", now, contract_id=side.contract.id)


def test_managers_see_their_messages_with_state_and_no_concern_text(client, world, auth_headers, now):
    concerns.raise_concern(
        world.a.visit.id,
        {"category": "safeguarding", "severity": "emergency", "description": SECRET_TEXT},
        world.a.operative,
        now,
    )

    answer = client.get("/api/v1/messages", headers=auth_headers(world.a.landlord_manager))

    assert answer.status_code == 200
    items = answer.json["items"]
    assert len(items) == 4 and answer.json["meta"]["total"] == 4
    assert {i["state"] for i in items} == {"queued"}
    assert {i["kind"] for i in items} == {"concern_urgent"}
    assert world.a.contractor_manager.email in {i["recipient"] for i in items}  # staff addresses in full
    assert SECRET_TEXT not in answer.get_data(as_text=True)


def test_a_tenants_phone_shows_only_its_last_four(client, world, auth_headers, now):
    _tenant_text(world.a, now)

    [item] = client.get("/api/v1/messages", headers=auth_headers(world.a.contractor_admin)).json["items"]

    assert item["recipient"] == "•" * 8 + "0123"
    assert item["audience"] == "tenant" and item["channel"] == "sms"


def test_the_outbox_filters_by_state(client, world, auth_headers, now, app):
    _tenant_text(world.a, now)  # Notify is not set up in tests: it fails, and the managers are told by email
    config = {**app.config, "NOTIFY_API_KEY": None, "SMTP_URL": "smtp://127.0.0.1:9"}
    delivery.run_pass(now, providers(config))
    db.session.expire_all()
    headers = auth_headers(world.a.contractor_manager)

    failed = client.get("/api/v1/messages?state=failed", headers=headers).json["items"]
    waiting = client.get("/api/v1/messages?state=queued&state=sending", headers=headers).json["items"]

    assert [(i["kind"], i["last_error"][:13]) for i in failed] == [("badge_refused_scan", "Not sendable:")]
    assert {i["kind"] for i in waiting} == {"message_failed"}
    assert all(i["next_attempt_at"] > (now + timedelta(seconds=1)).isoformat() for i in waiting)


def test_another_organisations_messages_are_not_listed(client, world, auth_headers, now):
    _tenant_text(world.b, now)

    answer = client.get("/api/v1/messages", headers=auth_headers(world.a.landlord_admin))

    assert answer.json["items"] == []


def test_a_bad_state_filter_is_a_422(client, world, auth_headers):
    answer = client.get("/api/v1/messages?state=lost", headers=auth_headers(world.a.landlord_admin))

    assert answer.status_code == 422
    assert answer.json["code"] == "validation_failed"


def test_operatives_do_not_read_the_outbox(client, world, auth_headers):
    answer = client.get("/api/v1/messages", headers=auth_headers(world.a.operative))

    assert answer.status_code == 403


def test_the_messages_about_one_visit_are_its_tenants(client, world, auth_headers, now):
    factories.consenting(world.a.home.household)
    visits.cancel_visit(world.a.visit.id, "Operative off sick", world.a.contractor_manager, now=now)
    _tenant_text(world.a, now)  # about no visit

    headers = auth_headers(world.a.landlord_manager)
    answer = client.get("/api/v1/messages", query_string={"visit": str(world.a.visit.id)}, headers=headers)

    assert answer.status_code == 200
    assert [(i["kind"], i["visit_id"]) for i in answer.json["items"]] == [
        ("appointment_cancelled", str(world.a.visit.id))
    ]
