"""The console's outbox, /console/messages: what went to whom and when, a tenant's address masked, by state."""

from datetime import UTC, datetime

import pytest

from server.extensions import db
from server.models import Audience, Channel, MessageState
from server.services import messages, tenant_messages
from tests import factories
from tests.web.test_console import sign_in, text

# 09:30 in London on a summer day (BST): the page must say 09:30, not the stored 08:30 UTC.
SUMMER = datetime(2026, 7, 14, 8, 30, tzinfo=UTC)


def _to_tenant(side, now=SUMMER):
    factories.consenting(side.home.household)
    assert tenant_messages.tell(side.visit, "appointment_booked", now, key=str(side.visit.id))


def _to_manager(side, now=SUMMER, state=MessageState.FAILED, error="Gave up after 8 tries: the server is down"):
    recipient = messages.Recipient("duty@contractor.example", Audience.MANAGER, organisation_id=side.contractor.id)
    values = {"verdict": "revoked", "holder": "Dan", "time": "now", "link": "L"}
    kind = "badge_refused_scan"
    messages.enqueue(kind, recipient, Channel.EMAIL, kind, values, "en", now, contract_id=side.contract.id)
    message = messages.list_messages(side.contractor_admin, {"kind": kind}, 1, 1).items[0]
    message.state, message.last_error = state, error
    db.session.flush()


@pytest.fixture
def outbox(world):
    _to_tenant(world.a)
    _to_manager(world.a)
    _to_tenant(world.b)


def test_a_manager_sees_the_outbox_with_tenants_addresses_masked(client, world, outbox):
    sign_in(client, world.a.landlord_manager)

    page = client.get("/console/messages")

    assert page.status_code == 200
    shown = text(page)
    assert "2 messages." in shown
    assert "Appointment booked" in shown and "Badge refused scan" in shown
    assert "••••••••0123" in shown and "07700 900123" not in page.get_data(as_text=True)
    assert "Tenant, by text" in shown and "Manager, by email" in shown
    assert "Gave up after 8 tries: the server is down" in shown
    assert "Tue 14 Jul 2026, 09:30" in shown  # London time
    assert "Not yet; due Tue 14 Jul 2026, 09:30" in shown


def test_another_organisations_messages_are_not_shown(client, world, outbox):
    sign_in(client, world.b.contractor_manager)

    shown = text(client.get("/console/messages"))

    assert "1 message." in shown and "Badge refused scan" not in shown


def test_the_outbox_filters_by_state(client, world, outbox):
    sign_in(client, world.a.contractor_admin)

    failed = text(client.get("/console/messages?state=failed"))
    queued = text(client.get("/console/messages?state=queued"))

    assert "1 message." in failed and "Badge refused scan" in failed and "Appointment booked" not in failed
    assert "1 message." in queued and "Appointment booked" in queued


def test_a_state_that_is_not_one_is_a_readable_422(client, world):
    sign_in(client, world.a.contractor_admin)

    page = client.get("/console/messages?state=lost")

    assert page.status_code == 422 and "Some fields are not valid" in text(page)


def test_newest_first(client, world):
    _to_manager(world.a, now=datetime(2026, 7, 1, 9, 0, tzinfo=UTC), error="older")
    _to_manager(world.a, now=datetime(2026, 7, 2, 9, 0, tzinfo=UTC), error="newer")
    sign_in(client, world.a.contractor_manager)

    shown = text(client.get("/console/messages"))

    assert shown.index("newer") < shown.index("older")


def test_the_navigation_links_to_it(client, world):
    sign_in(client, world.a.landlord_manager)

    page = client.get("/console/").get_data(as_text=True)

    assert 'href="/console/messages"' in page


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get("/console/messages")

    assert response.status_code == 302 and response.headers["Location"].endswith("/console/login")


def test_a_visits_page_says_what_its_tenant_was_told(client, world, outbox):
    sign_in(client, world.a.contractor_manager)

    page = client.get(f"/console/visits/{world.a.visit.id}")

    shown = text(page)
    assert "What the tenant was told" in shown
    assert "Appointment booked" in shown and "••••••••0123" in shown
    assert "Badge refused scan" not in shown  # a manager's message, about no visit
    assert "07700 900123" not in page.get_data(as_text=True)


def test_a_visit_whose_tenant_agreed_to_nothing_says_so(client, world):
    sign_in(client, world.a.contractor_manager)

    shown = text(client.get(f"/console/visits/{world.a.visit.id}"))

    assert "Nothing yet: the tenant has not agreed to texts or email." in shown


def test_the_outbox_filters_to_one_visit(client, world, outbox):
    another = factories.visit(world.a.contract, world.a.home, world.a.operative)
    assert tenant_messages.tell(another, "appointment_booked", SUMMER, key=str(another.id))
    sign_in(client, world.a.landlord_manager)

    shown = text(client.get(f"/console/messages?visit={another.id}"))

    assert "1 message." in shown and "Badge refused scan" not in shown


def test_a_bad_visit_filter_is_refused_as_invalid(client, world):
    sign_in(client, world.a.landlord_manager)

    assert client.get("/console/messages?visit=not-a-visit").status_code == 422
