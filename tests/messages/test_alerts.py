"""Each event managers must hear of at once queues exactly one message per contact, in its own transaction."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from server import unit_of_work
from server.extensions import db
from server.models import Message, MessageState, Role
from server.schemas.standards import validated_standards
from server.services import alerts, concerns
from tests import factories

SECRET_TEXT = "Child left alone overnight, bruise on arm"


def _messages(kind: str | None = None) -> list[Message]:
    query = sa.select(Message).order_by(Message.recipient)
    if kind:
        query = query.where(Message.kind == kind)
    return list(db.session.scalars(query))


def _name_contacts(contract, landlord=("safeguarding@landlord.example",), contractor=("duty@contractor.example",)):
    standards = dict(contract.standards)
    standards["alert_contacts"] = {"landlord": list(landlord), "contractor": list(contractor)}
    contract.standards = validated_standards(standards)
    db.session.flush()


def test_a_safeguarding_concern_emails_each_named_contact_once_with_a_link_and_not_its_text(
    client, world, auth_headers
):
    _name_contacts(world.a.contract)
    body = {"category": "safeguarding", "severity": "significant", "description": SECRET_TEXT}

    answer = client.post(
        f"/api/v1/visits/{world.a.visit.id}/concerns", json=body, headers=auth_headers(world.a.operative)
    )

    assert answer.status_code == 201
    sent = _messages()
    assert [m.recipient for m in sent] == ["duty@contractor.example", "safeguarding@landlord.example"]
    for message in sent:
        assert (message.kind, message.channel, message.state) == ("concern_urgent", "email", MessageState.QUEUED)
        assert message.subject == f"Urgent: a safeguarding concern on {world.a.contract.name}"
        assert "http://127.0.0.1:5000/console/queue" in message.body
        assert "It must be acted on by " in message.body  # the due time, as the console's queue says it
        assert SECRET_TEXT not in message.body and "bruise" not in (message.subject + message.body)


def test_without_named_contacts_both_organisations_managers_and_admins_are_told(world, now):
    factories.user(world.a.landlord, Role.MANAGER, active=False)  # left: not told
    concerns.raise_concern(
        world.a.visit.id,
        {"category": "property_defect", "severity": "emergency", "description": "Gas smell in the kitchen"},
        world.a.operative,
        now,
    )

    expected = sorted(
        u.email
        for u in (
            world.a.landlord_admin,
            world.a.landlord_manager,
            world.a.contractor_admin,
            world.a.contractor_manager,
        )
    )
    assert [m.recipient for m in _messages("concern_urgent")] == expected
    assert all("an emergency" not in m.subject and "a repair concern" in m.subject for m in _messages())


def test_a_routine_concern_tells_no_one_at_once(world, now):
    concerns.raise_concern(
        world.a.visit.id,
        {"category": "damp_mould", "severity": "significant", "description": "Mould by the window"},
        world.a.operative,
        now,
    )

    assert _messages() == []


def test_named_contacts_must_be_email_addresses(client, world, auth_headers):
    admin = world.a.landlord_admin
    body = {"standards": {"alert_contacts": {"landlord": ["not an address"]}}}

    answer = client.patch(f"/api/v1/contracts/{world.a.contract.id}", json=body, headers=auth_headers(admin))

    assert answer.status_code == 422
    assert answer.json["errors"]["standards"]["alert_contacts"]["landlord"] == {"0": ["Not a valid email address."]}


def test_an_event_that_fails_writes_no_message(world, now):
    with pytest.raises(RuntimeError), unit_of_work.unit():
        concerns.raise_concern(
            world.a.visit.id,
            {"category": "safeguarding", "severity": "emergency", "description": SECRET_TEXT},
            world.a.operative,
            now,
        )
        assert len(_messages()) == 4  # queued with the concern...
        raise RuntimeError("the request failed after the concern was raised")

    assert _messages() == []  # ...and gone with it


def test_a_revoked_badge_checked_at_a_door_emails_the_contractors_managers_once(client, world):
    path = factories.verify_path_for(world.a.operative, "revoked")

    client.get(path)
    client.get(path)  # the tenant checks again: the same open alert, no second email

    sent = _messages("badge_refused_scan")
    assert [m.recipient for m in sent] == sorted([world.a.contractor_admin.email, world.a.contractor_manager.email])
    assert sent[0].subject == "A revoked badge was checked at a door"
    assert world.a.operative.name in sent[0].body


def test_a_suspended_badge_is_told_too_and_a_genuine_one_is_not(client, world):
    client.get(factories.verify_path_for(world.a.operative, "genuine"))
    assert _messages() == []

    client.get(factories.verify_path_for(world.a.other_operative, "suspended"))

    assert {m.subject for m in _messages()} == {"A suspended badge was checked at a door"}


def test_a_concern_about_to_be_late_is_warned_of_once(world, now):
    _name_contacts(world.a.contract)
    soon = factories.concern(world.a.visit, world.a.operative, due_at=now + timedelta(hours=3))
    factories.concern(world.a.visit, world.a.operative, due_at=now + timedelta(days=3))  # not yet
    factories.concern(world.a.visit, world.a.operative, due_at=now + timedelta(hours=1), acknowledged_at=now)

    assert alerts.concerns_due_soon(now) == 2
    assert alerts.concerns_due_soon(now + timedelta(minutes=30)) == 0

    sent = _messages("concern_due_soon")
    assert len(sent) == 2
    assert all(m.dedupe_key.startswith(f"concern_due_soon:{soon.id}:") for m in sent)
    assert sent[0].subject == f"Due soon: a repair concern on {world.a.contract.name}"


def test_compensation_due_is_told_once_when_the_misses_first_pass_the_allowance(client, world, auth_headers):
    _name_contacts(world.a.contract, contractor=())  # the contractor has no one named: its managers
    side, manager = world.a, world.a.landlord_manager
    factories.visit(side.contract, side.home, side.operative, repair_reference="R-9", status="missed")
    visits = [factories.visit(side.contract, side.home, side.operative, repair_reference="R-9") for _ in range(3)]

    client.post(f"/api/v1/visits/{visits[0].id}/missed", json={}, headers=auth_headers(manager))  # 2: allowed
    assert _messages() == []
    client.post(f"/api/v1/visits/{visits[1].id}/missed", json={}, headers=auth_headers(manager))  # 3: due
    client.post(f"/api/v1/visits/{visits[2].id}/missed", json={}, headers=auth_headers(manager))  # 4: told already

    sent = _messages("compensation_due")
    contractor_people = sorted(u.email for u in (side.contractor_admin, side.contractor_manager))
    assert [m.recipient for m in sent] == sorted([*contractor_people, "safeguarding@landlord.example"])
    assert "missed 3 times" in sent[0].body
