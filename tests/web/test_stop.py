"""A tenant stops messages about visits from the link at the end of each one: /o/<code>, one question, one button."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from server.extensions import db
from server.models import Audience, Channel, Message, MessageState
from server.services import messages, tenant_messages
from server.web.pages import WORDING

JSON = {"Accept": "application/json"}
UNKNOWN = "ZZZZ2222ZZ"  # in the codes' alphabet, but never issued


def _consenting(side, language="pl"):
    household = side.home.household
    household.phone, household.contact_channel, household.preferred_language = "07700 900123", "sms", language
    db.session.flush()
    return household


def tell_both(world, now):
    """Side A's household agreed to texts in Polish and has one waiting; side B's household has one too."""
    for side in (world.a, world.b):
        _consenting(side)
        assert tenant_messages.tell(side.visit, "appointment_booked", now, key=str(side.visit.id))
    return world.a.home.household


@pytest.fixture
def told(world, now):
    return tell_both(world, now)


def _html(response) -> str:
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def _shown(lang: str, key: str, **values) -> str:
    return str(escape(WORDING.text(lang, key, **values)))


def _private(world) -> list[str]:
    """What the page must never say (the link may be forwarded): who lives there, and where."""
    home = world.a.home
    return [home.household.tenant_name, home.house + " " + home.street, home.street, home.postcode, "0123"]


def _states(household) -> list[MessageState]:
    query = sa.select(Message.state).where(Message.household_id == household.id, Message.audience == Audience.TENANT)
    return list(db.session.scalars(query))


def _stop(client, code, lang="pl", headers=None):
    return client.post(f"/o/{code}", data={"lang": lang}, headers=headers)


# The question ---------------------------------------------------------------------------------------


def test_the_page_asks_in_the_households_language_naming_only_the_landlord(client, world, told):
    page = _html(client.get(f"/o/{told.stop_code}"))

    assert 'lang="pl"' in page
    assert _shown("pl", "stop_question", landlord=world.a.landlord.name) in page
    assert f'<form method="post" action="/o/{told.stop_code}">' in page
    assert _shown("pl", "stop_button") in page
    assert not [private for private in _private(world) if private in page]


def test_the_reader_may_switch_language(client, world, told):
    page = _html(client.get(f"/o/{told.stop_code}?lang=ur"))

    assert 'lang="ur" dir="rtl"' in page
    assert _shown("ur", "stop_question", landlord=world.a.landlord.name) in page
    assert f'href="/o/{told.stop_code}?lang=cy"' in page


def test_a_language_we_have_no_page_in_falls_back_to_the_browsers(client, world, told):
    told.preferred_language = "ro"
    db.session.flush()

    page = _html(client.get(f"/o/{told.stop_code}", headers={"Accept-Language": "cy-GB,en;q=0.5"}))

    assert _shown("cy", "stop_question", landlord=world.a.landlord.name) in page


def test_looking_at_the_page_stops_nothing(client, told):
    client.get(f"/o/{told.stop_code}")

    db.session.refresh(told)
    assert told.messages_stopped_at is None
    assert _states(told) == [MessageState.QUEUED]


# Stopping -------------------------------------------------------------------------------------------


def test_stopping_cancels_the_waiting_messages_and_says_how_to_start_again(client, world, told, now):
    answer = _stop(client, told.stop_code)

    assert answer.status_code == 200
    page = _html(answer)
    landlord = world.a.landlord
    assert _shown("pl", "stop_done") in page
    assert _shown("pl", "stop_start_again", landlord=landlord.name) in page
    assert f'href="tel:{landlord.phone_office.replace(" ", "")}"' in page
    assert not [private for private in _private(world) if private in page]
    db.session.refresh(told)
    assert told.messages_stopped_at >= now - timedelta(seconds=1)
    [message] = db.session.scalars(sa.select(Message).where(Message.household_id == told.id))
    assert message.state == MessageState.CANCELLED
    assert message.last_error == "Not sent: the tenant asked for no more messages."


def test_only_that_households_messages_are_cancelled(client, world, told, now):
    staff = messages.Recipient("manager@example.org", Audience.MANAGER, organisation_id=world.a.landlord.id)
    values = {"category": "c", "a_category": "a c", "contract": "C", "repair": "R", "severity": "s", "due": "d"}
    messages.enqueue("concern_urgent", staff, Channel.EMAIL, "concern_urgent", values | {"link": "L"}, "en", now)

    _stop(client, told.stop_code)

    assert _states(world.b.home.household) == [MessageState.QUEUED]
    managers = db.session.scalars(sa.select(Message.state).where(Message.audience == Audience.MANAGER))
    assert list(managers) == [MessageState.QUEUED]


def test_after_stopping_nothing_more_is_queued(client, world, told, now):
    _stop(client, told.stop_code)

    tenant_messages.tell(world.a.visit, "appointment_moved", now, key="moved-1")

    assert _states(told) == [MessageState.CANCELLED, MessageState.CANCELLED]


def test_the_page_says_so_when_messages_are_already_stopped(client, world, told):
    _stop(client, told.stop_code)

    page = _html(client.get(f"/o/{told.stop_code}?lang=en"))

    assert _shown("en", "stop_done_detail", landlord=world.a.landlord.name) in page
    assert "<form" not in page.split("</nav>", 1)[1]


def test_stopping_twice_keeps_the_first_time(client, told):
    _stop(client, told.stop_code)
    db.session.refresh(told)
    first = told.messages_stopped_at

    assert _stop(client, told.stop_code).status_code == 200

    db.session.refresh(told)
    assert told.messages_stopped_at == first


# JSON, unknown codes, limits ------------------------------------------------------------------------


def test_a_json_client_reads_and_stops(client, world, told):
    asked = client.get(f"/o/{told.stop_code}", headers=JSON)
    stopped = client.post(f"/o/{told.stop_code}", headers=JSON)

    assert asked.json == {"landlord": world.a.landlord.name, "stopped": False, "stop": f"POST /o/{told.stop_code}"}
    assert stopped.status_code == 200
    assert stopped.json["stopped"] is True and stopped.json["stopped_at"]
    assert stopped.json["message"] == WORDING.text("pl", "stop_done_detail", landlord=world.a.landlord.name)


def test_an_unknown_code_is_a_friendly_404(client, told):
    page = client.get(f"/o/{UNKNOWN}")
    stop = _stop(client, UNKNOWN, lang="en")
    answer = client.get(f"/o/{UNKNOWN}", headers=JSON)

    assert page.status_code == stop.status_code == answer.status_code == 404
    assert _shown("en", "stop_not_found") in _html(page) and _shown("en", "stop_not_found") in _html(stop)
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json["code"] == "not_found"
    assert _states(told) == [MessageState.QUEUED]


def test_trying_codes_from_one_address_is_limited(client, told):
    answers = [_stop(client, UNKNOWN, lang="en") for _ in range(11)]

    assert [a.status_code for a in answers] == [404] * 10 + [429]
    assert _shown("en", "stop_too_many") in _html(answers[-1])


def test_the_page_is_never_cached_framed_or_referred(client, told):
    response = client.get(f"/o/{told.stop_code}")

    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
