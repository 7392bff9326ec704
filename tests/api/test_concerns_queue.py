"""The managers' concerns queue: what is left to do, safeguarding first, then emergencies, then by due time."""

from datetime import timedelta

from server.models import ConcernCategory, Severity
from tests import factories

URL = "/api/v1/concerns"


def _concern(world, now, due_in: timedelta, **fields):
    return factories.concern(world.a.visit, world.a.operative, due_at=now + due_in, **fields)


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_the_queue_puts_safeguarding_first_then_emergencies_then_the_soonest_due(client, world, auth_headers, now):
    later = _concern(world, now, timedelta(days=5))
    sooner = _concern(world, now, timedelta(days=1))
    emergency = _concern(world, now, timedelta(days=3), severity=Severity.EMERGENCY)
    safeguarding = _concern(world, now, timedelta(days=9), category=ConcernCategory.SAFEGUARDING)
    resolved = _concern(world, now, timedelta(hours=1), resolved_at=now, resolution_note="Fixed")

    ids = _ids(client.get(URL, query_string={"queue": "true"}, headers=auth_headers(world.a.landlord_manager)))

    assert ids == [str(c.id) for c in (safeguarding, emergency, sooner, later)]
    assert str(resolved.id) not in ids


def test_without_the_queue_the_list_stays_soonest_due_first(client, world, auth_headers, now):
    later = _concern(world, now, timedelta(days=5))
    safeguarding = _concern(world, now, timedelta(days=9), category=ConcernCategory.SAFEGUARDING)

    ids = _ids(client.get(URL, headers=auth_headers(world.a.landlord_manager)))

    assert ids == [str(later.id), str(safeguarding.id)]


def test_due_soon_is_what_falls_due_in_the_next_two_days(client, world, auth_headers, now):
    soon = _concern(world, now, timedelta(hours=30))
    _concern(world, now, timedelta(days=4))
    _concern(world, now, -timedelta(hours=1))  # overdue, not due soon
    _concern(world, now, timedelta(hours=3), acknowledged_at=now)  # already acted on
    headers = auth_headers(world.a.contractor_manager)

    response = client.get(URL, query_string={"due_soon": "true"}, headers=headers)

    assert _ids(response) == [str(soon.id)]
    assert response.json["items"][0]["due_soon"] is True
    assert response.json["items"][0]["overdue"] is False


def test_the_queue_combines_with_overdue(client, world, auth_headers, now):
    overdue = _concern(world, now, -timedelta(hours=2))
    _concern(world, now, timedelta(days=2))

    ids = _ids(
        client.get(URL, query_string={"queue": "true", "overdue": "true"}, headers=auth_headers(world.a.landlord_admin))
    )

    assert ids == [str(overdue.id)]


def test_acknowledge_and_resolve_keep_the_managers_notes(client, world, auth_headers, now):
    concern = _concern(world, now, timedelta(days=2))
    headers = auth_headers(world.a.landlord_manager)

    acknowledged = client.post(f"{URL}/{concern.id}/acknowledge", json={"note": "Surveyor booked"}, headers=headers)
    resolved = client.post(f"{URL}/{concern.id}/resolve", json={"note": "Rail refixed"}, headers=headers)

    assert acknowledged.json["acknowledge_note"] == "Surveyor booked"
    assert (resolved.json["status"], resolved.json["resolution_note"]) == ("resolved", "Rail refixed")
    queue = client.get(URL, query_string={"queue": "true"}, headers=headers)
    assert str(concern.id) not in _ids(queue)


def test_a_bad_queue_flag_is_refused(client, world, auth_headers):
    response = client.get(URL, query_string={"queue": "soon"}, headers=auth_headers(world.a.landlord_manager))

    assert response.status_code == 422
    assert "queue" in response.json["errors"]


def test_the_queue_shows_no_other_organisations_concerns(client, world, auth_headers, now):
    theirs = factories.concern(world.b.visit, world.b.operative, due_at=now + timedelta(hours=2))

    ids = _ids(client.get(URL, query_string={"queue": "true"}, headers=auth_headers(world.a.landlord_manager)))

    assert str(theirs.id) not in ids
