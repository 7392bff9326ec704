"""The tablet's live badge: made offline from the synced secret and the server's clock, stale after 90 s."""

import uuid
from datetime import timedelta

import pytest

from sync.live_badge import LiveBadge
from tests import factories

JSON = {"Accept": "application/json"}


@pytest.fixture
def synced(client, world, auth_headers, now):
    """What the operative's tablet keeps after syncing, on a device whose clock is 10 minutes slow."""
    badge = factories.badge(world.a.operative)
    answer = client.get(f"/api/v1/badges/{badge.id}/live-secret", headers=auth_headers(world.a.operative)).json
    verify_url = client.get(f"/api/v1/badges/{badge.id}", headers=auth_headers(world.a.operative)).json["verify_url"]
    server_time = now
    device_time = now - timedelta(minutes=10)
    return LiveBadge(uuid.UUID(answer["badge_id"]), verify_url, answer["secret"], server_time, device_time)


def _check(client, url: str) -> dict:
    """What the tenant's phone reads on opening the live QR's address."""
    return client.get(url.removeprefix(client.application.config["PUBLIC_BASE_URL"]), headers=JSON).json


def test_a_tablet_with_a_wrong_clock_still_shows_a_live_code_the_server_accepts(client, synced, now):
    device_now = now - timedelta(minutes=10)

    url, number = synced.current(device_now)

    answer = _check(client, url)
    assert answer["verdict"] == "genuine"
    assert answer["live"] is True
    assert answer["match_number"] == number  # what the tenant sees equals what the tablet shows


def test_a_screenshot_of_the_live_code_goes_stale_after_90_seconds(client, synced, now):
    url, _ = synced.current(now - timedelta(minutes=10) - timedelta(seconds=120))

    answer = _check(client, url)

    assert answer["verdict"] == "expired"  # never "genuine" for a replayed screenshot
    assert answer["live"] is False
    assert answer["message"].startswith("This code has expired")
