"""Tenants' complaints in the console's queue, with their due dates, and the manager's response."""

from datetime import UTC, datetime

from server.extensions import db
from tests import factories
from tests.web.test_console import post, sign_in, text

BEFORE_CHRISTMAS = datetime(2025, 12, 23, 10, 30, tzinfo=UTC)


def test_an_open_complaint_is_in_the_queue_with_its_response_date(client, world):
    late = factories.complaint(world.a.visit, now=BEFORE_CHRISTMAS, text="Mud on the stairs", phone="07700 900456")
    answered = factories.complaint(world.a.visit, text="Door left open")
    answered.responded_at = BEFORE_CHRISTMAS
    db.session.flush()
    sign_in(client, world.a.contractor_manager)

    body = text(client.get("/console/queue"))

    assert f"Complaint {late.id.hex[:8].upper()}" in body
    assert "Mud on the stairs" in body and "07700 900456" in body
    assert "by the end of Fri 9 Jan 2026" in body and "Overdue" in body
    assert "Door left open" not in body


def test_a_manager_responds_and_the_complaint_leaves_the_queue(client, world):
    made = factories.complaint(world.a.visit, text="Mud on the stairs")
    sign_in(client, world.a.landlord_manager)

    response = post(client, f"/console/complaints/{made.id}/respond", note="Sorry; cleaned on Friday.")

    assert response.status_code == 303
    db.session.refresh(made)
    assert (made.response_note, made.responded_by) == ("Sorry; cleaned on Friday.", world.a.landlord_manager.id)
    assert "Mud on the stairs" not in text(client.get("/console/queue"))


def test_a_response_needs_its_note(client, world):
    made = factories.complaint(world.a.visit)
    sign_in(client, world.a.landlord_manager)

    response = post(client, f"/console/complaints/{made.id}/respond", note="")

    assert response.status_code == 422
    db.session.refresh(made)
    assert made.responded_at is None


def test_another_landlords_complaint_cannot_be_answered(client, world):
    theirs = factories.complaint(world.b.visit)
    sign_in(client, world.a.landlord_manager)

    response = post(client, f"/console/complaints/{theirs.id}/respond", note="Not ours")

    assert response.status_code == 404
    db.session.refresh(theirs)
    assert theirs.responded_at is None
